"""Pushing a print extract by SFTP to a print supplier's own server, whose host key is pinned in configuration.

Only the pinned key is ever accepted: no known_hosts files, no trust on first use. The client signs in
with its private key alone (no password, agent or ~/.ssh). The file is streamed to `<name>.part` and
renamed to `<name>` only once every byte is acknowledged and the size checked, so the supplier never
collects a half-written extract; an existing `<name>` is refused, never overwritten (a re-send goes
under a new name).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import logging
import posixpath
import stat
from collections.abc import Iterator
from typing import BinaryIO

import paramiko
from pydantic import BaseModel, ConfigDict, Field, field_validator

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"
CHUNK_SIZE = 256 * 1024  # read from the source this much at a time: memory stays flat whatever the file size
HOST_KEY_TYPES = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa")
HOST_KEY_EXAMPLE = "'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... [comment]'"


class SftpPushFailed(Exception):
    """The extract was not delivered (the cause is chained). Nothing is left under the final name."""


class HostKeyMismatch(SftpPushFailed):
    """The server presented a host key other than the pinned one: possibly an impostor, so never retried
    automatically. Nothing was sent, not even the client's credentials."""

    def __init__(self, host: str, port: int, presented: paramiko.PKey, pinned: paramiko.PKey):
        self.host, self.port = host, port
        self.presented_fingerprint = f"{presented.get_name()} {presented.fingerprint}"
        self.pinned_fingerprint = f"{pinned.get_name()} {pinned.fingerprint}"
        super().__init__(
            f"host key mismatch for {host}:{port}: the server presented {self.presented_fingerprint}, "
            f"but {self.pinned_fingerprint} is pinned; refusing to connect (if the supplier has rotated its key, "
            f"confirm the new fingerprint with them out of band and update host_key)"
        )


class RemoteFileExists(SftpPushFailed, FileExistsError):
    """The final name is already on the server: a re-send must use a new file name."""


def parse_host_key(line: str) -> paramiko.PKey:
    """One OpenSSH public key line, `<type> <base64> [comment]`, as a paramiko public key.

    Raises ValueError naming the host_key setting (the text is a public key, so safe to quote)."""
    parts = line.split()
    if len(parts) >= 3 and parts[0] not in HOST_KEY_TYPES and parts[1] in HOST_KEY_TYPES:
        raise ValueError(f"host_key must be the key alone, without the host name or marker {parts[0]!r} "
                         f"of a known_hosts line: {HOST_KEY_EXAMPLE}")
    if len(parts) < 2:
        raise ValueError(f"host_key must be one OpenSSH public key line, {HOST_KEY_EXAMPLE}")
    key_type, encoded = parts[0], parts[1]
    if key_type not in HOST_KEY_TYPES:
        raise ValueError(f"host_key has key type {key_type!r}; expected one of {', '.join(HOST_KEY_TYPES)}")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise ValueError("host_key: the key after the type is not valid base64") from None
    try:
        key = paramiko.PKey.from_type_string(key_type, blob)
    except Exception:  # noqa: BLE001 - paramiko raises assorted errors for a malformed blob
        raise ValueError(f"host_key: the base64 part is not a valid {key_type} public key") from None
    if key.get_name() != key_type:  # e.g. an RSA blob labelled ssh-ed25519
        raise ValueError(f"host_key is labelled {key_type} but holds a {key.get_name()} key")
    return key


def load_private_key(pem: str) -> paramiko.PKey:
    """The client's private key (Ed25519, ECDSA or RSA; OpenSSH or PEM form, unencrypted).

    Errors never quote the text, and drop paramiko's own exception, whose details may include key bytes."""
    encrypted = False
    for key_class in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return key_class.from_private_key(io.StringIO(pem))
        except paramiko.PasswordRequiredException:
            encrypted = True
        except Exception:  # noqa: BLE001 - not this key type (or not a key at all): try the next
            continue
    if encrypted:
        raise ValueError("the SFTP client private key is passphrase-protected; supply it unencrypted "
                         "(it is held encrypted in Secrets Manager)") from None
    raise ValueError("the SFTP client private key is not an Ed25519, ECDSA or RSA private key in OpenSSH or PEM form "
                     "('BEGIN OPENSSH/RSA/EC PRIVATE KEY'; PKCS#8 'BEGIN PRIVATE KEY' is not read)") from None


class SftpTarget(BaseModel):
    """Where one supplier's server takes extracts. The client's private key is not here: it is a secret."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field(min_length=1)
    port: int = Field(default=22, ge=1, le=65535)
    username: str = Field(min_length=1)
    remote_dir: str = Field(min_length=1)
    # Where the supplier leaves its confirmation and rejection files for us to collect (the print pull); None: it drops
    # them in our Transfer Family folder instead.
    results_dir: str | None = Field(default=None, min_length=1)
    host_key: str  # the server's public key, pinned: `ssh-ed25519 AAAA...` (get it from the supplier, not from a scan)
    connect_timeout_seconds: float = Field(default=15, gt=0)  # TCP connect, banner, key exchange, sign-in
    io_timeout_seconds: float = Field(default=60, gt=0)  # any single wait on the SFTP channel

    @field_validator("host_key")
    @classmethod
    def _parses(cls, value: str) -> str:
        key = parse_host_key(value)
        return f"{key.get_name()} {key.get_base64()}"  # normalised: the comment dropped

    def pinned_host_key(self) -> paramiko.PKey:
        return parse_host_key(self.host_key)

    def known_hosts_name(self) -> str:
        # The name paramiko looks the host key up by: bare on port 22, `[host]:port` otherwise.
        return self.host if self.port == 22 else f"[{self.host}]:{self.port}"


class PushReceipt(BaseModel):
    model_config = ConfigDict(frozen=True)

    host: str
    remote_path: str
    bytes_written: int
    sha256: str  # hex digest of exactly the bytes sent


def remote_file_name(name: str) -> str:
    """A plain file name: no directories, no way out of remote_dir, and not our own temporary suffix."""
    if (not name or name in (".", "..") or "/" in name or "\\" in name or name.endswith(PART_SUFFIX)
            or any(ord(character) < 32 for character in name)):
        raise ValueError(f"remote_name must be a plain file name not ending {PART_SUFFIX}: {name!r}")
    return name


class SftpPush:
    def __init__(self, target: SftpTarget, private_key_pem: str) -> None:
        self._target = target
        self._pinned = target.pinned_host_key()
        self._client_key = load_private_key(private_key_pem)  # parsed now: a bad secret fails before any connection

    def __repr__(self) -> str:  # never the key
        return f"SftpPush({self._target.username}@{self._target.host}:{self._target.port}{self._target.remote_dir})"

    def push(self, source: BinaryIO, remote_name: str) -> PushReceipt:
        """Stream source to `<remote_dir>/<remote_name>`. Raises HostKeyMismatch, RemoteFileExists or
        SftpPushFailed; after any failure nothing is left under the final name nor (best effort) the .part."""
        final = self.remote_path(remote_name)
        part = final + PART_SUFFIX
        where = self._where()
        logger.info("SFTP push of %s to %s starting", final, where)
        with self._failures_as(f"SFTP push of {final} to {where}"), self._session() as sftp:
            if _exists(sftp, final):
                raise RemoteFileExists(f"{final} already exists on {where}; a re-send must use a new file name")
            try:
                written, sha256 = _upload(sftp, source, part)
                _publish(sftp, part, final, where)
            except BaseException as error:
                self._discard(sftp, part, error)
                raise
        logger.info("SFTP push of %s to %s done: %d bytes, sha256 %s", final, where, written, sha256)
        return PushReceipt(host=self._target.host, remote_path=final, bytes_written=written, sha256=sha256)

    def remote_path(self, remote_name: str) -> str:
        return posixpath.join(self._target.remote_dir, remote_file_name(remote_name))

    def remote_size(self, remote_name: str) -> int | None:
        """The size of a pushed file on the server, None if it is not there (never pushed, or collected since).
        Only a whole file ever has the final name, so this tells whether an earlier push of it completed."""
        final = self.remote_path(remote_name)
        with self._failures_as(f"SFTP stat of {final} on {self._where()}"), self._session() as sftp:
            try:
                return sftp.stat(final).st_size
            except FileNotFoundError:
                return None

    def result_files(self) -> list[str]:
        """The plain files waiting in results_dir, oldest first (a file still being written, `.part`, is left)."""
        folder = self._results_dir()
        with self._failures_as(f"SFTP listing of {folder} on {self._where()}"), self._session() as sftp:
            entries = [entry for entry in sftp.listdir_attr(folder)
                       if stat.S_ISREG(entry.st_mode or 0) and not entry.filename.endswith(PART_SUFFIX)]
        return [entry.filename for entry in sorted(entries, key=lambda entry: (entry.st_mtime or 0, entry.filename))]

    def fetch(self, name: str, max_bytes: int) -> bytes:
        """A result file's bytes, at most `max_bytes` + 1 (enough for the result processing to tell it is too large)."""
        path = posixpath.join(self._results_dir(), remote_file_name(name))
        with self._failures_as(f"SFTP fetch of {path} from {self._where()}"), self._session() as sftp, sftp.open(path, "rb") as remote:
            return remote.read(max_bytes + 1)

    def remove_result(self, name: str) -> None:
        """Take a collected result file off the server (gone already is fine: an earlier run removed it)."""
        path = posixpath.join(self._results_dir(), remote_file_name(name))
        with self._failures_as(f"SFTP remove of {path} on {self._where()}"), self._session() as sftp:
            with contextlib.suppress(FileNotFoundError):
                sftp.remove(path)

    def _results_dir(self) -> str:
        if self._target.results_dir is None:
            raise SftpPushFailed(f"no results_dir is configured for {self._where()}")
        return self._target.results_dir

    def _where(self) -> str:
        return f"{self._target.username}@{self._target.host}:{self._target.port}"

    @contextlib.contextmanager
    def _failures_as(self, what: str) -> Iterator[None]:
        """Any failure as SftpPushFailed (or its subclasses), naming what failed; the cause is chained."""
        try:
            yield
        except SftpPushFailed:
            raise
        except paramiko.AuthenticationException as error:
            raise SftpPushFailed(f"{what} failed: the server did not accept the client key "
                                 f"for {self._target.username!r}") from error
        except Exception as error:  # noqa: BLE001 - network, protocol, server and source errors alike
            raise SftpPushFailed(f"{what} failed: {_describe(error)}") from error

    @contextlib.contextmanager
    def _session(self) -> Iterator[paramiko.SFTPClient]:
        target = self._target
        client = paramiko.SSHClient()
        # Only the pinned key is trusted (no system known_hosts is loaded), and an unknown one is refused, never learned.
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        client.get_host_keys().add(target.known_hosts_name(), self._pinned.get_name(), self._pinned)
        timeout = target.connect_timeout_seconds
        try:
            try:
                client.connect(
                    target.host, port=target.port, username=target.username, pkey=self._client_key,
                    allow_agent=False, look_for_keys=False,  # this key and nothing else: no agent, no ~/.ssh
                    timeout=timeout, banner_timeout=timeout, auth_timeout=timeout, channel_timeout=timeout,
                )
            except paramiko.BadHostKeyException as error:
                # Raised after key exchange and before authentication: the impostor never saw a signature.
                raise HostKeyMismatch(target.host, target.port, error.key, self._pinned) from None
            sftp = client.open_sftp()
            sftp.get_channel().settimeout(target.io_timeout_seconds)
            yield sftp
        finally:
            client.close()

    def _discard(self, sftp: paramiko.SFTPClient, part: str, error: BaseException) -> None:
        """Remove the .part after a failure, so it neither lingers nor confuses the supplier. Best effort:
        on the same session if it still works, else on a new one (the failure may have been a dropped link)."""
        channel = sftp.get_channel()
        if not isinstance(error, TimeoutError) and channel.get_transport().is_active() and not channel.closed:
            try:
                sftp.remove(part)
                return
            except FileNotFoundError:
                return
            except Exception:  # noqa: BLE001 - the session is no good after all: try a new one
                pass
        try:
            with self._session() as fresh:
                fresh.remove(part)
        except FileNotFoundError:
            pass  # never created, or already gone
        except Exception as cleanup_error:  # noqa: BLE001 - the original failure is what the caller must see
            logger.warning("could not remove %s on %s after a failed push (%s): remove it by hand",
                           part, self._target.host, type(cleanup_error).__name__)


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return "timed out waiting for the server"
    if isinstance(error, EOFError):
        return "the server closed the connection"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _exists(sftp: paramiko.SFTPClient, path: str) -> bool:
    try:
        sftp.stat(path)
    except FileNotFoundError:
        return False
    return True


def _upload(sftp: paramiko.SFTPClient, source: BinaryIO, part: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    written = 0
    # "w" truncates a .part a crashed earlier attempt may have left: the name is ours alone.
    remote = sftp.open(part, "wb")
    try:
        remote.set_pipelined(True)  # don't wait for each write's acknowledgement: throughput on a long link
        while chunk := source.read(CHUNK_SIZE):
            remote.write(chunk)
            digest.update(chunk)
            written += len(chunk)
    except BaseException as error:
        if not isinstance(error, TimeoutError):  # closing a stalled session would only wait out the timeout again
            with contextlib.suppress(Exception):
                remote.close()
        raise
    remote.close()  # waits for every pipelined write to be acknowledged, and raises the first refusal
    # A server can accept writes yet lose some (close's own status is not reported): check before publishing.
    size = sftp.stat(part).st_size
    if size != written:
        raise OSError(f"{part} is {size} bytes on the server after writing {written}")
    return written, digest.hexdigest()


def _publish(sftp: paramiko.SFTPClient, part: str, final: str, where: str) -> None:
    try:
        # SSH_FXP_RENAME, not posix-rename: SFTP servers refuse it over an existing file rather than replace it.
        sftp.rename(part, final)
    except OSError:
        if _exists(sftp, final):  # appeared since the check before the upload
            raise RemoteFileExists(f"{final} appeared on {where} during the upload; a re-send must use a new file name") from None
        raise
