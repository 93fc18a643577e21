"""Accounts that may correct labels: a JSON file of PBKDF2-SHA256 password hashes."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path

ITERATIONS = 310_000
NAME = re.compile(r"^[a-z0-9_.-]{2,40}$")
MIN_PASSWORD = 8


class AccountError(Exception):
    """An account file or request is invalid; the message is one line."""


def _hash(password: str, salt: bytes, iterations: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations).hex()


class Accounts:
    """users.json: {"name": {"salt": hex, "iterations": n, "hash": hex}}; written atomically, mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, object]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise AccountError(f"{self.path}: unreadable account file: {exc}") from None
        if not isinstance(data, dict):
            raise AccountError(f"{self.path}: expected a JSON object of accounts")
        return data

    def _save(self, data: dict[str, dict[str, object]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)

    def names(self) -> list[str]:
        return sorted(self._load())

    def add(self, name: str, password: str) -> None:
        if not NAME.match(name):
            raise AccountError(f"{name!r}: use 2-40 lowercase letters, digits, dot, dash or underscore")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
        data = self._load()
        salt = secrets.token_bytes(16)
        data[name] = {"salt": salt.hex(), "iterations": ITERATIONS, "hash": _hash(password, salt, ITERATIONS)}
        self._save(data)

    def remove(self, name: str) -> None:
        data = self._load()
        if data.pop(name, None) is None:
            raise AccountError(f"no account {name!r}")
        self._save(data)

    def verify(self, name: str, password: str) -> bool:
        record = self._load().get(name)
        if not isinstance(record, dict):
            _hash(password, b"0" * 16, ITERATIONS)  # same work either way: no timing hint that the name exists
            return False
        expected = _hash(password, bytes.fromhex(str(record["salt"])), int(record["iterations"]))
        return hmac.compare_digest(expected, str(record["hash"]))
