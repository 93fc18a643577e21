"""Signed session cookies and CSRF tokens, with the standard library only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from config import get_settings

COOKIE = "cchc_session"
LIFETIME = 12 * 3600


@dataclass(frozen=True)
class Session:
    user: str | None
    csrf: str
    expires: int
    version: int = 0  # the account's session version when issued; a newer one on the account ends this session


def load_secret(path: Path) -> bytes:
    """CCHC_SECRET, else a random key kept in `path` (made on first use, mode 0600)."""
    if value := get_settings().secret:
        return value.encode("utf-8")
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="utf-8").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    path.write_text(key.hex(), encoding="utf-8")
    os.chmod(path, 0o600)
    return key


class Signer:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def dump(self, session: Session) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(session.__dict__).encode("utf-8"))
        return f"{payload.decode('ascii')}.{self._mac(payload)}"

    def load(self, cookie: str | None) -> Session | None:
        """The session in a cookie, or None when it is absent, forged or expired."""
        if not cookie or "." not in cookie:
            return None
        payload, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(payload.encode("ascii", "replace"))):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload))
            session = Session(data["user"], data["csrf"], int(data["expires"]), int(data.get("version", 0)))
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires > time.time() else None


def new_session(user: str | None = None, version: int = 0) -> Session:
    return Session(user, secrets.token_urlsafe(24), int(time.time()) + LIFETIME, version)
