"""A local stand-in for the REST API: API Gateway's Lambda-proxy integration and Cognito authorizer.

moto does not implement Lambda-proxy integrations, so this small HTTP server does what API Gateway
does in front of the API function: check the Cognito token (401 {"message":"Unauthorized"} without a
valid one), refuse bodies over API_MAX_BODY_BYTES (413), build the REST proxy event with the token's
claims under requestContext.authorizer.claims, call the handler in-process and return its response.

`POST /local/token` is LOCAL-ONLY and has no AWS counterpart: it trades a username and password for
tokens (moto's USER_PASSWORD_AUTH). In AWS the hosted UI / SRP sign-in does that.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from botocore.exceptions import ClientError

from infra.local.bridge import call_handler, lambda_context
from shared.resources import API_FUNCTION, API_MAX_BODY_BYTES, DEFAULT_REGION, FunctionSpec

log = logging.getLogger(__name__)

TOKEN_PATH = "/local/token"
STAGE = "local"
UNAUTHORIZED = {"message": "Unauthorized"}  # API Gateway's body for a missing or rejected token
# API Gateway sends these claims as strings in this date format.
_TIME_CLAIMS = ("exp", "iat", "auth_time")


class CognitoAuthorizer:
    """What API Gateway's Cognito user pool authorizer checks, against moto's Cognito.

    Both token kinds are accepted. The signature is checked with moto's JWKS (moto signs every token
    with one fixed key that ships with moto, the key it serves at /<pool>/.well-known/jwks.json), then
    issuer, expiry and app client. An access token is also checked with get_user, so a signed-out
    token is refused. Groups come from admin_list_groups_for_user, i.e. current membership.
    """

    def __init__(self, cognito_client: Any, user_pool_id: str, app_client_id: str, region: str = DEFAULT_REGION):
        from joserfc.jwk import KeySet  # moto's JWT library, installed with moto[cognitoidp]
        from moto.utilities.utils import load_resource

        self._cognito = cognito_client
        self._user_pool_id = user_pool_id
        self._app_client_id = app_client_id
        self._issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self._keys = KeySet.import_key_set(load_resource("cognitoidp/resources/jwks-public.json"))

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """The claims API Gateway would pass for this Authorization header, or None (-> 401)."""
        from joserfc import jwt
        from joserfc.errors import JoseError

        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        token = token.strip()
        try:
            claims = jwt.decode(token, self._keys, algorithms=["RS256"]).claims
        except (JoseError, ValueError) as error:
            log.info("authorizer: token refused: %s", error)
            return None
        if claims.get("iss") != self._issuer or float(claims.get("exp", 0)) < time.time():
            return None
        try:
            if claims.get("token_use") == "id" and claims.get("aud") == self._app_client_id:
                username = claims["cognito:username"]
            elif claims.get("token_use") == "access" and claims.get("client_id") == self._app_client_id:
                username = self._cognito.get_user(AccessToken=token)["Username"]
            else:
                return None
            groups = self._groups(username)
        except (ClientError, KeyError) as error:
            log.info("authorizer: token refused: %s", error)
            return None
        return _api_gateway_claims(claims, groups)

    def _groups(self, username: str) -> list[str]:
        groups: list[str] = []
        paginator = self._cognito.get_paginator("admin_list_groups_for_user")
        for page in paginator.paginate(UserPoolId=self._user_pool_id, Username=username):
            groups += [group["GroupName"] for group in page["Groups"]]
        return groups


def _api_gateway_claims(claims: dict[str, Any], groups: list[str]) -> dict[str, str]:
    """Claims as a REST API's Cognito authorizer passes them: every value a string, groups comma-separated."""
    passed: dict[str, str] = {}
    for name, value in claims.items():
        if name in _TIME_CLAIMS and isinstance(value, (int, float)):
            passed[name] = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(value))
        elif isinstance(value, bool):
            passed[name] = str(value).lower()
        elif isinstance(value, (dict, list)):
            passed[name] = json.dumps(value)
        else:
            passed[name] = str(value)
    if groups:
        passed["cognito:groups"] = ",".join(groups)
    else:
        passed.pop("cognito:groups", None)
    return passed


def proxy_event(
    method: str,
    raw_path: str,
    headers: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    claims: dict[str, str],
    host: str,
) -> dict[str, Any]:
    """The API Gateway REST proxy event for a request on the `/{proxy+}` resource."""
    parts = urlsplit(raw_path)
    path = parts.path or "/"
    query = parse_qs(parts.query, keep_blank_values=True)
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    try:
        text, is_base64 = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, is_base64 = base64.b64encode(body).decode("ascii"), True
    request_id = str(uuid.uuid4())
    now = time.time()
    resource = "/" if path == "/" else "/{proxy+}"
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": None if path == "/" else {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": f"/{STAGE}{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": host.split(":")[0],
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": {"sourceIp": source_ip, "userAgent": multi_headers.get("User-Agent", [None])[-1]},
            "domainName": host,
            "apiId": "local",
            "authorizer": {"claims": claims},
        },
        "body": text if body else None,
        "isBase64Encoded": is_base64 if body else False,
    }


class LocalHttpServer:
    """A ThreadingHTTPServer in a background thread; the handler reaches this object as `self.server.app`."""

    def __init__(self, host: str, port: int, handler: type[BaseHTTPRequestHandler], thread_name: str):
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._server.app = self  # type: ignore[attr-defined]
        self._thread_name = thread_name
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        # A short poll interval so stop() returns quickly (serve_forever checks for shutdown between polls).
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()


class LocalApi(LocalHttpServer):
    """Serves the API function. port=0 picks a free port (see .url)."""

    def __init__(
        self,
        cognito_client: Any,
        user_pool_id: str,
        app_client_id: str,
        host: str = "127.0.0.1",
        port: int = 8080,
        function: FunctionSpec = API_FUNCTION,
    ):
        self.authorizer = CognitoAuthorizer(cognito_client, user_pool_id, app_client_id)
        self._cognito = cognito_client
        self._app_client_id = app_client_id
        self.function = function
        super().__init__(host, port, _RequestHandler, "local-api")

    def token(self, username: str, password: str) -> tuple[int, dict[str, Any]]:
        """LOCAL-ONLY: USER_PASSWORD_AUTH sign-in, returning Cognito's AuthenticationResult."""
        try:
            response = self._cognito.initiate_auth(
                ClientId=self._app_client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except ClientError as error:
            return 401, {"message": error.response["Error"]["Message"]}
        if "AuthenticationResult" not in response:
            return 400, {"message": f"sign-in needs {response.get('ChallengeName')}, which the local token endpoint does not handle"}
        return 200, response["AuthenticationResult"]


class _RequestHandler(BaseHTTPRequestHandler):
    server_version = "casework-local-api"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _handle(self) -> None:
        api: LocalApi = self.server.app  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)  # chunked request bodies are not supported
        if length > API_MAX_BODY_BYTES:
            self.close_connection = True  # the body is left unread
            return self._send_json(413, {"message": "Request Too Long"})
        body = self.rfile.read(length) if length else b""

        if urlsplit(self.path).path == TOKEN_PATH and self.command == "POST":
            return self._token(api, body)

        claims = api.authorizer.claims(self.headers.get("Authorization"))
        if claims is None:
            return self._send_json(401, UNAUTHORIZED)
        event = proxy_event(
            self.command, self.path, list(self.headers.items()), body, self.client_address[0], claims, self.headers.get("Host", "localhost")
        )
        result, errored = call_handler(api.function.handler, event, lambda_context(api.function))
        if errored or not isinstance(result, dict) or "statusCode" not in result:
            if not errored:
                log.error("API handler returned a malformed proxy response: %r", result)
            return self._send_json(502, {"message": "Internal server error"})  # what API Gateway answers
        self._send_proxy_response(result, event["requestContext"]["requestId"])

    def _token(self, api: LocalApi, body: bytes) -> None:
        try:
            credentials = json.loads(body or b"{}")
            username, password = str(credentials["username"]), str(credentials["password"])
        except (ValueError, KeyError, TypeError):
            return self._send_json(400, {"message": 'send JSON {"username": ..., "password": ...}'})
        status, payload = api.token(username, password)
        self._send_json(status, payload)

    def _send_proxy_response(self, result: dict[str, Any], request_id: str) -> None:
        body = result.get("body") or ""
        data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
        multi = result.get("multiValueHeaders") or {}
        self.send_response(int(result["statusCode"]))
        for name, value in (result.get("headers") or {}).items():
            if name not in multi and name.lower() != "content-length":
                self.send_header(name, str(value))
        for name, values in multi.items():
            if name.lower() != "content-length":
                for value in values:
                    self.send_header(name, str(value))
        self.send_header("x-amzn-RequestId", request_id)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
