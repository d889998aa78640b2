"""A local stand-in for the web UI's CloudFront distribution: /assets/ from the built asset folder (S3 in AWS),
every other path to the web function through the same API Gateway proxy event as in AWS.

The web API has no authorizer (the pages check their own session cookie), so the event carries no claims.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from infra.local.bridge import call_handler, lambda_context
from infra.local.http_api import LocalHttpServer, _RequestHandler, proxy_event
from shared.resources import WEB_ASSETS_PATH, WEB_FUNCTION, WEB_MAX_BODY_BYTES
from web.build import build_assets

log = logging.getLogger(__name__)

# What CloudFront's response headers policy adds to the assets (infra/constructs/web.py).
ASSET_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"}
mimetypes.add_type("text/javascript", ".mjs")


class LocalWeb(LocalHttpServer):
    """Serves the web UI. port=0 picks a free port (see .url)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8000, assets: Path | None = None):
        self.assets = (assets or build_assets()).resolve()
        self.function = WEB_FUNCTION
        super().__init__(host, port, _WebRequestHandler, "local-web")


class _WebRequestHandler(_RequestHandler):
    server_version = "casework-local-web"

    def _handle(self) -> None:
        web: LocalWeb = self.server.app  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        if path.startswith(WEB_ASSETS_PATH) and self.command in ("GET", "HEAD"):
            return self._asset(web, unquote(path[len(WEB_ASSETS_PATH):]))
        length = int(self.headers.get("Content-Length") or 0)
        if length > WEB_MAX_BODY_BYTES:
            self.close_connection = True
            return self._send_json(413, {"message": "Request Too Long"})
        body = self.rfile.read(length) if length else b""
        event = proxy_event(
            self.command, self.path, list(self.headers.items()), body, self.client_address[0], {}, self.headers.get("Host", "localhost")
        )
        result, errored = call_handler(web.function.handler, event, lambda_context(web.function))
        if errored or not isinstance(result, dict) or "statusCode" not in result:
            return self._send_json(502, {"message": "Internal server error"})
        self._send_proxy_response(result, event["requestContext"]["requestId"])

    def _asset(self, web: LocalWeb, relative: str) -> None:
        target = (web.assets / relative).resolve()
        if not target.is_file() or web.assets not in target.parents:
            return self._send_json(404, {"message": "Not Found"})
        data = target.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(target.name)[0] or "application/octet-stream")
        for name, value in ASSET_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
