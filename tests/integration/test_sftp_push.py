"""The SFTP push of print extracts, against a real SSH/SFTP server (asyncssh) on loopback."""

from __future__ import annotations

import hashlib
import io
import logging
import random
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import paramiko
import pytest
from pydantic import ValidationError

from shared.services.blue_badge.adapters.sftp import (
    CHUNK_SIZE, HostKeyMismatch, RemoteFileExists, SftpPush, SftpPushFailed, SftpTarget, load_private_key,
)
from infra.local.supplier_sftp import LoopbackSftpServer

INBOX = "inbox"
EXTRACT = b'<?xml version="1.0" encoding="UTF-8"?>\n<PrintBatch id="B-20260101-01"><Badge number="AB12CD"/></PrintBatch>\n'


@dataclass(frozen=True)
class Keys:
    host: asyncssh.SSHKey
    impostor_host: asyncssh.SSHKey
    impostor_host_ecdsa: asyncssh.SSHKey
    client: asyncssh.SSHKey  # Ed25519, handed over in OpenSSH form
    client_ecdsa: asyncssh.SSHKey  # handed over as PEM ("BEGIN EC PRIVATE KEY")
    client_rsa: asyncssh.SSHKey  # handed over as PEM ("BEGIN RSA PRIVATE KEY")
    stranger: asyncssh.SSHKey  # not authorised on the server


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys(
        host=asyncssh.generate_private_key("ssh-ed25519"),
        impostor_host=asyncssh.generate_private_key("ssh-ed25519"),
        impostor_host_ecdsa=asyncssh.generate_private_key("ecdsa-sha2-nistp256"),
        client=asyncssh.generate_private_key("ssh-ed25519"),
        client_ecdsa=asyncssh.generate_private_key("ecdsa-sha2-nistp256"),
        client_rsa=asyncssh.generate_private_key("ssh-rsa", key_size=2048),
        stranger=asyncssh.generate_private_key("ssh-ed25519"),
    )


@pytest.fixture
def server(tmp_path: Path, keys: Keys) -> Iterator[LoopbackSftpServer]:
    root = tmp_path / "supplier"
    (root / INBOX).mkdir(parents=True)
    with LoopbackSftpServer(root, keys.host, [keys.client, keys.client_ecdsa, keys.client_rsa]) as running:
        yield running


def public_line(key: asyncssh.SSHKey) -> str:
    return key.export_public_key("openssh").decode().strip()


def openssh_pem(key: asyncssh.SSHKey) -> str:
    return key.export_private_key("openssh").decode()


def target_for(server: LoopbackSftpServer, host_key: asyncssh.SSHKey, **overrides: object) -> SftpTarget:
    settings: dict[str, object] = {
        "host": "127.0.0.1", "port": server.port, "username": "print-supplier", "remote_dir": f"/{INBOX}",
        "host_key": public_line(host_key), "connect_timeout_seconds": 5, "io_timeout_seconds": 5,
    }
    return SftpTarget(**(settings | overrides))


@pytest.fixture
def push(server: LoopbackSftpServer, keys: Keys) -> SftpPush:
    return SftpPush(target_for(server, keys.host), openssh_pem(keys.client))


class GeneratedStream(io.RawIOBase):
    """`size` bytes of seeded pseudo-random data, made as they are read (never the whole file in memory);
    with fail_at, the read that would pass that offset raises instead, as a broken source would."""

    def __init__(self, size: int, fail_at: int | None = None):
        self._random = random.Random(size)
        self._remaining, self._fail_at, self._offset = size, fail_at, 0
        self.sha256 = hashlib.sha256()
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "the push asked for the whole stream at once"
        self.largest_read = max(self.largest_read, size)
        size = min(size, self._remaining)
        if self._fail_at is not None and self._offset + size > self._fail_at:
            raise OSError("source stream broke half-way")
        chunk = self._random.randbytes(size)
        self.sha256.update(chunk)
        self._remaining -= size
        self._offset += size
        return chunk


# --- delivery -------------------------------------------------------------------------------------


def test_a_push_lands_the_exact_bytes_under_the_final_name_and_nothing_else(push, server):
    receipt = push.push(io.BytesIO(EXTRACT), "BB-20260101-01.xml")

    assert server.files() == {f"{INBOX}/BB-20260101-01.xml": EXTRACT}  # no .part, nothing else
    assert receipt.remote_path == f"/{INBOX}/BB-20260101-01.xml"
    assert receipt.bytes_written == len(EXTRACT)
    assert receipt.sha256 == hashlib.sha256(EXTRACT).hexdigest()
    assert receipt.host == "127.0.0.1"


def test_a_large_stream_is_sent_in_chunks_with_the_right_sha256(push, server):
    size = 20 * 1024 * 1024 + 123  # not a whole number of chunks
    source = GeneratedStream(size)

    started = time.monotonic()
    receipt = push.push(source, "BB-large.xml")
    elapsed = time.monotonic() - started

    assert receipt.bytes_written == size
    assert receipt.sha256 == source.sha256.hexdigest()
    landed = server.files()
    assert list(landed) == [f"{INBOX}/BB-large.xml"]
    assert hashlib.sha256(landed[f"{INBOX}/BB-large.xml"]).hexdigest() == receipt.sha256
    assert source.largest_read <= CHUNK_SIZE  # streamed: memory does not grow with the file
    assert elapsed < 10


@pytest.mark.parametrize("client_key,export_format", [("client_ecdsa", "pkcs1-pem"), ("client_rsa", "pkcs1-pem"),
                                                        ("client_rsa", "openssh")])
def test_pem_and_openssh_client_keys_of_each_type_sign_in(server, keys, client_key, export_format):
    pem = getattr(keys, client_key).export_private_key(export_format).decode()

    receipt = SftpPush(target_for(server, keys.host), pem).push(io.BytesIO(EXTRACT), "BB-keys.xml")

    assert receipt.bytes_written == len(EXTRACT)
    assert server.files() == {f"{INBOX}/BB-keys.xml": EXTRACT}


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize("pinned", ["impostor_host", "impostor_host_ecdsa"])
def test_a_server_with_another_host_key_is_refused_before_sign_in_or_any_file(server, keys, pinned):
    wrong_pin = getattr(keys, pinned)
    push = SftpPush(target_for(server, wrong_pin), openssh_pem(keys.client))

    with pytest.raises(HostKeyMismatch) as refused:
        push.push(io.BytesIO(EXTRACT), "BB-mitm.xml")

    presented = paramiko.PKey.from_type_string("ssh-ed25519", keys.host.public_data).fingerprint
    expected = paramiko.PKey.from_type_string(wrong_pin.algorithm.decode(), wrong_pin.public_data).fingerprint
    message = str(refused.value)
    assert f"127.0.0.1:{server.port}" in message
    assert presented in message and expected in message
    assert refused.value.presented_fingerprint.endswith(presented)
    assert refused.value.pinned_fingerprint.endswith(expected)
    assert server.auth_attempts == []  # the client key was never offered to the impostor
    assert server.sftp_sessions == 0
    assert server.files() == {}


def test_a_client_key_the_server_does_not_know_fails_cleanly(server, keys):
    push = SftpPush(target_for(server, keys.host), openssh_pem(keys.stranger))

    with pytest.raises(SftpPushFailed) as failed:
        push.push(io.BytesIO(EXTRACT), "BB-stranger.xml")

    assert type(failed.value) is SftpPushFailed
    assert isinstance(failed.value.__cause__, paramiko.AuthenticationException)
    assert "did not accept the client key" in str(failed.value)
    assert server.auth_attempts == ["print-supplier"]
    assert server.sftp_sessions == 0
    assert server.files() == {}


def test_an_existing_final_name_is_refused_not_overwritten(push, server):
    existing = server.root / INBOX / "BB-sent.xml"
    existing.write_bytes(b"the first send")

    with pytest.raises(RemoteFileExists, match="re-send must use a new file name"):
        push.push(io.BytesIO(EXTRACT), "BB-sent.xml")

    assert server.files() == {f"{INBOX}/BB-sent.xml": b"the first send"}


def test_a_final_name_that_appears_during_the_upload_is_not_overwritten(push, server):
    appearing = server.root / INBOX / "BB-race.xml"

    class CreatesTheFinalName(io.BytesIO):
        def read(self, size: int = -1) -> bytes:
            if not appearing.exists():
                appearing.write_bytes(b"someone else's")
            return super().read(size)

    with pytest.raises(RemoteFileExists, match="appeared"):
        push.push(CreatesTheFinalName(EXTRACT), "BB-race.xml")

    assert server.files() == {f"{INBOX}/BB-race.xml": b"someone else's"}  # and the .part removed


@pytest.mark.parametrize("name", ["", ".", "..", "../escape.xml", "sub/dir.xml", "BB.xml.part", "bad\nname.xml"])
def test_a_remote_name_that_is_not_a_plain_file_name_is_refused_before_connecting(push, server, name):
    with pytest.raises(ValueError, match="remote_name"):
        push.push(io.BytesIO(EXTRACT), name)
    assert server.auth_attempts == []


# --- failures part-way ----------------------------------------------------------------------------


def test_a_connection_dropped_mid_upload_leaves_neither_final_file_nor_part(push, server):
    server.drop_after_bytes = 1024 * 1024

    with pytest.raises(SftpPushFailed, match="BB-dropped.xml") as failed:
        push.push(GeneratedStream(5 * 1024 * 1024), "BB-dropped.xml")

    assert type(failed.value) is SftpPushFailed
    assert isinstance(failed.value.__cause__, (EOFError, OSError, paramiko.SSHException))  # which one depends on timing
    assert server.files() == {}  # the .part was removed over a new connection
    assert server.sftp_sessions == 2


def test_a_source_that_breaks_half_way_leaves_neither_final_file_nor_part(push, server):
    with pytest.raises(SftpPushFailed, match="source stream broke half-way") as failed:
        push.push(GeneratedStream(4 * 1024 * 1024, fail_at=2 * 1024 * 1024), "BB-broken.xml")

    assert isinstance(failed.value.__cause__, OSError)
    assert server.files() == {}
    assert server.sftp_sessions == 1  # cleaned up on the same, still healthy, session


def test_a_server_that_stops_answering_times_out_and_the_part_is_removed(server, keys):
    server.stall_writes = True
    push = SftpPush(target_for(server, keys.host, io_timeout_seconds=0.5), openssh_pem(keys.client))

    started = time.monotonic()
    with pytest.raises(SftpPushFailed, match="timed out"):
        push.push(GeneratedStream(256 * 1024), "BB-stalled.xml")

    assert time.monotonic() - started < 4
    assert server.files() == {}


def test_a_host_that_accepts_tcp_but_never_speaks_ssh_times_out_on_connect(keys):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel completes the handshake; nobody ever answers
        target = SftpTarget(host="127.0.0.1", port=silent.getsockname()[1], username="print-supplier",
                            remote_dir="/inbox", host_key=public_line(keys.host), connect_timeout_seconds=0.5)
        started = time.monotonic()
        with pytest.raises(SftpPushFailed):
            SftpPush(target, openssh_pem(keys.client)).push(io.BytesIO(EXTRACT), "BB-silent.xml")
        assert time.monotonic() - started < 4


# --- secrets --------------------------------------------------------------------------------------


def exception_texts(error: BaseException | None) -> str:
    texts = []
    while error is not None:
        texts += [str(error), repr(error)]
        error = error.__cause__ or error.__context__
    return "\n".join(texts)


def test_the_private_key_never_appears_in_logs_or_exception_text(server, keys, caplog):
    caplog.set_level(logging.DEBUG)  # paramiko's and asyncssh's own debug logging included
    secrets = {name: openssh_pem(getattr(keys, name)) for name in ("client", "stranger")}
    target = target_for(server, keys.host)
    seen: list[str] = []

    def attempt(push: SftpPush, source: io.RawIOBase | io.BytesIO, name: str) -> None:
        seen.append(repr(push))
        try:
            seen.append(repr(push.push(source, name)))
        except Exception as error:  # noqa: BLE001 - every failure's text is inspected
            seen.append(exception_texts(error))

    ours = SftpPush(target, secrets["client"])
    attempt(ours, io.BytesIO(EXTRACT), "BB-ok.xml")
    attempt(ours, GeneratedStream(1024 * 1024, fail_at=512 * 1024), "BB-broken.xml")
    attempt(SftpPush(target_for(server, keys.impostor_host), secrets["client"]), io.BytesIO(EXTRACT), "BB-mitm.xml")
    attempt(SftpPush(target, secrets["stranger"]), io.BytesIO(EXTRACT), "BB-stranger.xml")
    server.drop_after_bytes = 64 * 1024
    attempt(ours, GeneratedStream(1024 * 1024), "BB-dropped.xml")
    truncated = secrets["client"][: len(secrets["client"]) // 2]
    with pytest.raises(ValueError) as unreadable:
        SftpPush(target, truncated)
    seen.append(exception_texts(unreadable.value))

    everything = caplog.text + "\n".join(seen)
    assert "BB-ok.xml" in everything and "host key mismatch" in everything  # the attempts did run and log
    for pem in secrets.values():
        body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
        assert all(line not in everything for line in body)
    assert "PRIVATE KEY-----" not in everything


# --- configuration --------------------------------------------------------------------------------


@pytest.mark.parametrize("line,why", [
    ("", "one OpenSSH public key line"),
    ("ssh-ed25519", "one OpenSSH public key line"),
    ("ssh-ed25519 not-base64!", "not valid base64"),
    ("ssh-ed25519 AAAA", "not a valid ssh-ed25519 public key"),
    ("ssh-dss AAAAB3NzaC1kc3M=", "key type 'ssh-dss'"),
    ("sftp.supplier.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", "without the host name"),
])
def test_a_host_key_that_does_not_parse_is_refused_naming_the_field(line, why):
    with pytest.raises(ValidationError) as refused:
        SftpTarget(host="sftp.supplier.example", username="u", remote_dir="/in", host_key=line)
    [error] = refused.value.errors()
    assert error["loc"] == ("host_key",)
    assert why in error["msg"] and "host_key" in error["msg"]


def test_a_host_key_labelled_with_another_type_is_refused(keys):
    rsa_blob = public_line(keys.client_rsa).split()[1]
    with pytest.raises(ValidationError, match="host_key"):
        SftpTarget(host="h", username="u", remote_dir="/in", host_key=f"ssh-ed25519 {rsa_blob}")


def test_the_pinned_key_is_normalised_and_filed_under_the_name_paramiko_looks_up(keys):
    line = public_line(keys.host) + " supplier-host-key-2026"
    on_22 = SftpTarget(host="sftp.supplier.example", username="u", remote_dir="/in", host_key=line)
    assert on_22.host_key == " ".join(line.split()[:2])
    assert on_22.known_hosts_name() == "sftp.supplier.example"  # paramiko uses the bare name on port 22
    assert on_22.model_copy(update={"port": 2222}).known_hosts_name() == "[sftp.supplier.example]:2222"


@pytest.mark.filterwarnings("ignore:Warning. bcrypt.kdf:UserWarning")  # one KDF round keeps the test fast
def test_an_encrypted_or_unreadable_client_key_is_refused_without_quoting_it(keys):
    with pytest.raises(ValueError, match="passphrase-protected"):
        load_private_key(keys.client.export_private_key("openssh", passphrase="secret", rounds=1).decode())
    pkcs8 = keys.client_ecdsa.export_private_key("pkcs8-pem").decode()
    with pytest.raises(ValueError, match="PKCS#8") as refused:
        load_private_key(pkcs8)
    assert pkcs8.splitlines()[1] not in exception_texts(refused.value)
