"""Accounts of the web app: a JSON file of PBKDF2-SHA256 password hashes, roles and session versions.

Roles: `editor` may correct labels; `admin` may also manage accounts and resolve disputed labels.
Each account carries a session version: a session cookie names the version it was issued under, so
bumping it (logout, password or role change, removal) ends every session of that account at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ITERATIONS = 310_000
MAX_ITERATIONS = 5_000_000
NAME = re.compile(r"^[a-z0-9_.-]{2,40}$")
HEX = re.compile(r"^[0-9a-f]{2,256}$")
MIN_PASSWORD = 8
ROLES = ("editor", "admin")


class AccountError(Exception):
    """An account file or request is invalid; the message is one line."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    session_version: int

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _hash(password: str, salt: bytes, iterations: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations).hex()


def _check_record(path: Path, name: object, record: object) -> None:
    """Refuse an account entry that would make login fail later (a hand-edited or damaged file)."""
    where = f"{path}: account {name!r}"
    if not isinstance(name, str) or not NAME.match(name):
        raise AccountError(f"{where}: invalid account name")
    if not isinstance(record, dict):
        raise AccountError(f"{where}: expected an object")
    if not isinstance(record.get("salt"), str) or not HEX.match(record["salt"]):
        raise AccountError(f"{where}: salt must be hex text")
    if not isinstance(record.get("hash"), str) or not HEX.match(record["hash"]):
        raise AccountError(f"{where}: hash must be hex text")
    iterations = record.get("iterations")
    if not isinstance(iterations, int) or isinstance(iterations, bool) or not 1 <= iterations <= MAX_ITERATIONS:
        raise AccountError(f"{where}: iterations must be a whole number from 1 to {MAX_ITERATIONS}")
    if record.get("role", "editor") not in ROLES:
        raise AccountError(f"{where}: role must be one of {', '.join(ROLES)}")
    version = record.get("session_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise AccountError(f"{where}: session_version must be a whole number")


class Accounts:
    """users.json: {"name": {"salt", "iterations", "hash", "role", "session_version"}}; atomic writes, mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise AccountError(f"{self.path}: unreadable account file: {str(exc)[:200]}") from None
        except OSError as exc:
            raise AccountError(f"{self.path}: cannot read the account file: {exc.strerror}") from None
        if not isinstance(data, dict):
            raise AccountError(f"{self.path}: expected a JSON object of accounts")
        for name, record in data.items():
            _check_record(self.path, name, record)
        return data

    def _save(self, data: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)

    def names(self) -> list[str]:
        return sorted(self._load())

    def accounts(self) -> list[Account]:
        return [self._account(name, record) for name, record in sorted(self._load().items())]

    def get(self, name: str) -> Account | None:
        record = self._load().get(name)
        return self._account(name, record) if record is not None else None

    @staticmethod
    def _account(name: str, record: dict[str, Any]) -> Account:
        return Account(name, str(record.get("role", "editor")), int(record.get("session_version", 0)))

    def add(self, name: str, password: str, role: str | None = None) -> None:
        """Create an account or change its password (and role when given); existing sessions end."""
        if not NAME.match(name):
            raise AccountError(f"{name!r}: use 2-40 lowercase letters, digits, dot, dash or underscore")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
        if role is not None and role not in ROLES:
            raise AccountError(f"role {role!r}: use one of {', '.join(ROLES)}")
        data = self._load()
        old = data.get(name, {})
        salt = secrets.token_bytes(16)
        data[name] = {
            "salt": salt.hex(), "iterations": ITERATIONS, "hash": _hash(password, salt, ITERATIONS),
            "role": role or old.get("role", "editor"), "session_version": int(old.get("session_version", 0)) + 1,
        }  # fmt: skip
        self._save(data)

    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise AccountError(f"role {role!r}: use one of {', '.join(ROLES)}")
        data = self._load()
        if name not in data:
            raise AccountError(f"no account {name!r}")
        data[name]["role"] = role
        data[name]["session_version"] = int(data[name].get("session_version", 0)) + 1
        self._save(data)

    def end_sessions(self, name: str) -> None:
        """Invalidate every session of `name` (logout everywhere)."""
        data = self._load()
        if name in data:
            data[name]["session_version"] = int(data[name].get("session_version", 0)) + 1
            self._save(data)

    def remove(self, name: str) -> None:
        data = self._load()
        if data.pop(name, None) is None:
            raise AccountError(f"no account {name!r}")
        self._save(data)

    def verify(self, name: str, password: str) -> Account | None:
        """The account when the password is right, else None (same work either way)."""
        record = self._load().get(name)
        if record is None:
            _hash(password, b"0" * 16, ITERATIONS)  # no timing hint that the name exists
            return None
        expected = _hash(password, bytes.fromhex(record["salt"]), record["iterations"])
        return self._account(name, record) if hmac.compare_digest(expected, record["hash"]) else None
