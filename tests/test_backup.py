"""Backups of the SQLite archive: `cchc store backup` while it is in use, and a copy before every schema upgrade."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from search import VN_TZ, open_store
from search.sqlite import SQLiteStore
from search.sqlite_schema import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import run_cchc
from tests.test_coverage import article


def _filled(path: Path, n: int) -> None:
    with SQLiteStore(path) as store:
        store.upsert_many(article("baonghean", datetime(2025, 3, 1 + i % 27, tzinfo=VN_TZ)) for i in range(n))


def _count(path: Path) -> tuple[str, int]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0], conn.execute(
            "SELECT count(*) FROM articles"
        ).fetchone()[0]
    finally:
        conn.close()


def test_backup_copies_the_archive_while_a_writer_holds_it_open_and_keeps_the_newest(tmp_path: Path) -> None:
    db = tmp_path / "cchc.db"
    _filled(db, 40)
    writer = sqlite3.connect(db)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        first = run_cchc("store", "backup", "--store", f"sqlite:///{db}", "--output", str(tmp_path / "a.db"),
                         cwd=tmp_path)  # fmt: skip
    finally:
        writer.rollback()
        writer.close()
    assert first.returncode == 0, first.stderr
    assert _count(tmp_path / "a.db") == ("ok", 40) and not list(tmp_path.glob("*.partial"))
    backups = tmp_path / "data" / "backups"
    backups.mkdir(parents=True)
    for stamp in ("20250101-000000", "20250102-000000", "20250103-000000"):
        (backups / f"cchc-{stamp}.db").write_bytes(b"old")
    kept = run_cchc("store", "backup", "--store", f"sqlite:///{db}", "--keep", "2", cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    names = sorted(p.name for p in backups.iterdir())
    assert len(names) == 2 and names[0] == "cchc-20250103-000000.db"
    assert _count(backups / names[1]) == ("ok", 40)


def test_backup_of_a_missing_archive_fails_in_one_line(tmp_path: Path) -> None:
    result = run_cchc("store", "backup", "--store", f"sqlite:///{tmp_path / 'none.db'}", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("lỗi: ") and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "none.db").exists()


def test_an_upgrade_keeps_the_archive_as_it_was_before_migrating(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    older = SCHEMA_VERSION - 1
    conn = sqlite3.connect(db)  # as the release before this one left it
    for statements in MIGRATIONS[:older]:
        for statement in statements:
            statement(conn) if callable(statement) else conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {older}")
    conn.commit()
    conn.close()
    with open_store(f"sqlite:///{db}") as store:
        store.upsert(article("baonghean", datetime(2025, 3, 1, tzinfo=VN_TZ)))
    copy = tmp_path / f"old.db.schema-v{older}.bak"
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == older
    conn.close()
    assert _count(copy) == ("ok", 0) and _count(db) == ("ok", 1)
    with open_store(f"sqlite:///{tmp_path / 'new.db'}"):
        pass
    assert not list(tmp_path.glob("new.db.schema-*")), "a new archive has nothing to keep"
