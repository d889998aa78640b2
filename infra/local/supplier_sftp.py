"""The print supplier's own SFTP server, stood in for locally: a real SSH/SFTP server (asyncssh) on 127.0.0.1, in a
background thread with its own event loop. `./dev run` pushes the night's extracts to it; the tests push to it too.

Public-key sign-in only, SFTP only, chrooted to a directory. Faults a test can switch on: drop the
connection once a session has received some bytes of file data, or hold every write until shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh

SUPPLIER_USER = "print-supplier"
SUPPLIER_UPLOAD_FOLDER = "upload"  # the folder the supplier collects extracts from, under its server's root
SUPPLIER_RESULTS_FOLDER = "results"  # where it leaves its confirmation and rejection files for the print pull


@dataclass(frozen=True)
class LocalSupplier:
    """A running stand-in for the supplier's server, and what the print push needs to reach it."""

    server: LoopbackSftpServer
    upload_folder: Path  # where pushed extracts land on this machine
    target_json: str  # shared.services.blue_badge.adapters.sftp.SftpTarget, host key pinned
    client_private_key: str  # the push's key, which the server authorises

    @property
    def url(self) -> str:
        target = json.loads(self.target_json)
        return f"sftp://{target['username']}@{target['host']}:{target['port']}{target['remote_dir']}"


@contextlib.contextmanager
def local_supplier() -> Iterator[LocalSupplier]:
    """Start a supplier server on a free loopback port with fresh keys (Ed25519: generated in milliseconds) and a
    temporary folder, removed when it stops."""
    host_key, client_key = asyncssh.generate_private_key("ssh-ed25519"), asyncssh.generate_private_key("ssh-ed25519")
    root = Path(tempfile.mkdtemp(prefix="casework-supplier-sftp-"))
    upload = root / SUPPLIER_UPLOAD_FOLDER
    upload.mkdir()
    (root / SUPPLIER_RESULTS_FOLDER).mkdir()
    try:
        with LoopbackSftpServer(root, host_key, [client_key]) as server:
            target = {"host": "127.0.0.1", "port": server.port, "username": SUPPLIER_USER, "remote_dir": f"/{SUPPLIER_UPLOAD_FOLDER}",
                      "results_dir": f"/{SUPPLIER_RESULTS_FOLDER}",
                      "host_key": host_key.export_public_key("openssh").decode().strip()}
            yield LocalSupplier(server, upload, json.dumps(target), client_key.export_private_key("openssh").decode())
    finally:
        shutil.rmtree(root, ignore_errors=True)


class LoopbackSftpServer:
    def __init__(self, root: Path, host_key: asyncssh.SSHKey, authorized_keys: list[asyncssh.SSHKey]):
        self.root = root
        self.port = 0
        self.drop_after_bytes: int | None = None  # abort the connection once a session has been sent this much data
        self.stall_writes = False  # hold every write until the server stops (the client's timeout must fire)
        self.auth_attempts: list[str] = []  # usernames that began authentication
        self.sftp_sessions = 0
        self._host_key = host_key
        self._authorized = asyncssh.import_authorized_keys(
            "".join(key.export_public_key("openssh").decode() for key in authorized_keys))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="loopback-sftp", daemon=True)
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._release: asyncio.Event | None = None

    def __enter__(self) -> LoopbackSftpServer:
        self._thread.start()
        self._acceptor = self._run(self._listen())
        self.port = self._acceptor.get_port()
        return self

    def __exit__(self, *_: object) -> None:
        self._run(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def files(self) -> dict[str, bytes]:
        """Every file under the root, by path relative to it."""
        return {str(path.relative_to(self.root)): path.read_bytes() for path in sorted(self.root.rglob("*")) if path.is_file()}

    def _run(self, coroutine: Any, timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _listen(self) -> asyncssh.SSHAcceptor:
        self._release = asyncio.Event()
        server = self

        class Auth(asyncssh.SSHServer):
            def begin_auth(self, username: str) -> bool:
                server.auth_attempts.append(username)
                return True  # authentication required: the authorised keys decide

        return await asyncssh.listen(
            "127.0.0.1", 0,  # a free port, loopback only
            server_host_keys=[self._host_key],
            authorized_client_keys=self._authorized,
            server_factory=Auth,
            sftp_factory=lambda channel: _FaultySftp(channel, self),
            password_auth=False, kbdint_auth=False, allow_scp=False,
        )

    async def _shutdown(self) -> None:
        assert self._acceptor is not None and self._release is not None
        self._release.set()
        self._acceptor.close()
        await self._acceptor.wait_closed()
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class _FaultySftp(asyncssh.SFTPServer):
    def __init__(self, channel: asyncssh.SSHServerChannel, server: LoopbackSftpServer):
        super().__init__(channel, chroot=str(server.root).encode())
        server.sftp_sessions += 1
        self._server = server
        self._received = 0

    async def write(self, file_obj: object, offset: int, data: bytes) -> int:
        server = self._server
        if server.stall_writes:
            assert server._release is not None
            await server._release.wait()
        self._received += len(data)
        if server.drop_after_bytes is not None and self._received > server.drop_after_bytes:
            self.connection.abort()  # as if the link dropped: no reply, nothing more read
            raise asyncssh.SFTPConnectionLost("connection dropped by the test")
        return super().write(file_obj, offset, data)  # type: ignore[return-value]
