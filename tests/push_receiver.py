"""A local stand-in for a Web Push service, and a browser's side of a
subscription: for the tests and for bench/ (no pytest here).

`PushReceiver` is an HTTP server on 127.0.0.1 (a free port, one thread per
request). Each POST to `receiver.endpoint(name)` is checked as a push
service checks it: the `Authorization: vapid t=<JWT>,k=<key>` header must
carry an ES256 JWT signed by `k`, for this receiver's origin (`aud`), not
expired and not more than 24 h ahead, with a `sub`; a message that fails is
answered 401 and kept with the reason. `receiver.answer(name, 410)` makes
that endpoint answer 410 (gone) or 500 from then on.

`BrowserKeys` is what a browser makes when it subscribes: an ECDH P-256 key
pair and a 16-byte auth secret; `subscription(endpoint)` is the JSON that
`PushSubscription.toJSON()` gives, and `decrypt(body)` reads an aes128gcm
message sent to it.

    with PushReceiver() as receiver:
        phone = BrowserKeys()
        ... subscribe with phone.subscription(receiver.endpoint("phone")) ...
        [message] = receiver.wait_for(1)
        json.loads(phone.decrypt(message.body))
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class BrowserKeys:
    """A browser's keys for one subscription."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url_encode(point)

    @property
    def auth(self) -> str:
        return b64url_encode(self.auth_secret)

    def subscription(self, endpoint: str) -> dict:
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )


@dataclass
class Received:
    """One POST the receiver took."""

    name: str
    headers: dict
    body: bytes
    #: the answer it was given
    status: int
    #: the VAPID JWT's claims and public key (base64url) when they checked out
    claims: dict | None = None
    vapid_key: str | None = None
    #: why the VAPID header was refused, or None
    refused: str | None = None

    @property
    def ttl(self) -> int | None:
        value = self.headers.get("ttl")
        return int(value) if value is not None else None


@dataclass
class _State:
    origin: str = ""
    verify: bool = True
    answers: dict = field(default_factory=dict)
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = None

    def __post_init__(self):
        self.arrived = threading.Condition(self.lock)


def check_vapid(header: str | None, origin: str, now: float | None = None):
    """(claims, key) of a valid `vapid t=…,k=…` header for `origin`; raises
    ValueError saying what is wrong."""
    if not header or not header.lower().startswith("vapid "):
        raise ValueError("no vapid Authorization header")
    fields = dict(
        part.strip().split("=", 1) for part in header[6:].split(",") if "=" in part.strip()
    )
    token, key = fields.get("t"), fields.get("k")
    if not token or not key:
        raise ValueError("vapid header without t= and k=")
    try:
        head64, claims64, signature64 = token.split(".")
        head = json.loads(b64url_decode(head64))
        claims = json.loads(b64url_decode(claims64))
        signature = b64url_decode(signature64)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    except ValueError as exc:
        raise ValueError(f"malformed JWT or key: {exc}") from exc
    if head.get("alg") != "ES256" or len(signature) != 64:
        raise ValueError(f"not an ES256 JWT: {head}")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        public.verify(der, f"{head64}.{claims64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise ValueError("the JWT is not signed by k") from exc
    now = time.time() if now is None else now
    if claims.get("aud") != origin:
        raise ValueError(f"aud {claims.get('aud')!r} is not {origin!r}")
    if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + 24 * 3600:
        raise ValueError(f"exp {claims.get('exp')!r} is not within the next 24 h")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ValueError(f"sub {claims.get('sub')!r} is not a mailto: or https: URL")
    return claims, key


def _handler(state: _State):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802  (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            name = self.path.rsplit("/", 1)[-1]
            headers = {key.lower(): value for key, value in self.headers.items()}
            message = Received(name=name, headers=headers, body=body, status=201)
            if state.verify:
                try:
                    message.claims, message.vapid_key = check_vapid(
                        headers.get("authorization"), state.origin
                    )
                except ValueError as exc:
                    message.refused, message.status = str(exc), 401
            if message.status == 201:
                message.status = state.answers.get(name, 201)
            with state.arrived:
                state.messages.append(message)
                state.arrived.notify_all()
            self.send_response(message.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):  # quiet
            pass

    return Handler


class PushReceiver:
    """A push service on 127.0.0.1 for tests and benchmarks (see the module)."""

    def __init__(self, *, verify: bool = True):
        self._state = _State(verify=verify)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self._state))
        self._server.daemon_threads = True
        self._state.origin = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = None

    @property
    def origin(self) -> str:
        return self._state.origin

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def answer(self, name: str, status: int) -> None:
        """Answer every later message to endpoint `name` with `status`."""
        self._state.answers[name] = status

    @property
    def messages(self) -> list[Received]:
        with self._state.lock:
            return list(self._state.messages)

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        """The messages, once at least `count` arrived; raises TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._state.arrived:
            while len(self._state.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self._state.messages)} of {count} pushes arrived")
                self._state.arrived.wait(left)
            return list(self._state.messages)

    def clear(self) -> None:
        with self._state.lock:
            self._state.messages.clear()

    def start(self) -> "PushReceiver":
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="push-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> "PushReceiver":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
