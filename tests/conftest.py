"""Shared fixtures: the local mirror server, temporary stores, running the CLI as a user would."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from cchc import MIRRORS_DIR, PROJECT_DIR
from cchc.mirrors import MirrorServer
from search.sqlite import SQLiteStore

SHARED_DIR = PROJECT_DIR.parent / "shared"
# Crawls of the loopback mirrors need no politeness (the real sites keep the project's delays).
POLITENESS_OFF = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
                  "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]  # fmt: skip
# A disposable Elasticsearch/OpenSearch node for the tests marked `engine` (make test-es sets it).
ENGINE_URL = os.environ.get("CCHC_TEST_ES_URL")


def pytest_sessionstart(session: pytest.Session) -> None:
    """With CCHC_TEST_ES_URL set, an unreachable node fails the run at once instead of skipping its tests."""
    if not ENGINE_URL:
        return
    from search import StoreError, open_store

    try:
        with open_store(ENGINE_URL) as engine:
            engine.ping()
    except StoreError as exc:
        pytest.exit(f"CCHC_TEST_ES_URL is set but the node does not answer: {exc}", returncode=1)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A skipped engine test is a failure when a node was given: make test-es must run every one."""
    outcome = yield
    report = outcome.get_result()
    if ENGINE_URL and report.skipped and item.get_closest_marker("engine") and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"engine test skipped although CCHC_TEST_ES_URL is set: {report.longrepr}"


@pytest.fixture(scope="session")
def mirror_server() -> Iterator[MirrorServer]:
    """The bundled mirrors (cchc/sites) served on a free loopback port for the whole session."""
    with MirrorServer(MIRRORS_DIR) as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "test.db")
    yield s
    s.close()


# The working folder of `run_cchc` when a test gives none: this process's own scratch folder (set per session).
_scratch: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def scratch_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where `cchc` runs when a test names no folder: never the checkout, so a crawl's data/warc and the like stay
    out of the repository and two xdist workers never write the same files."""
    _scratch[:] = [tmp_path_factory.mktemp("cwd")]
    return _scratch[0]


def run_cchc(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: int = 300, input: str | None = None
):
    """Run `cchc ARGS` in a fresh process (a crawl needs its own Twisted reactor); `input` is its standard input.
    Without `cwd` it runs in the session's scratch folder."""
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200", **(env or {})}
    full_env.pop("CCHC_STORE", None)
    return subprocess.run(
        [sys.executable, "-m", "cchc", *args],
        cwd=cwd or _scratch[0],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/demo.db made by `cchc demo` once per run, shared by the xdist workers (its output kept beside it in
    first-run.txt). Read it only; a test that writes works on a copy."""
    # Every xdist worker's temporary folder sits in the run's one; the first worker to get the lock makes the demo.
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    cwd = shared / "demo"
    with FileLock(shared / "demo.lock"):
        if not (cwd / "first-run.txt").exists():
            shutil.rmtree(cwd, ignore_errors=True)  # what a worker's failed demo left
            cwd.mkdir()
            result = run_cchc("demo", cwd=cwd)
            assert result.returncode == 0, result.stderr
            (cwd / "first-run.txt").write_text(result.stdout, encoding="utf-8")
    return cwd / "data" / "demo.db"


def stored_count(db: Path) -> int:
    """How many articles an archive another process is writing holds now (0 before its schema exists)."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # the schema is not there yet


def holding_phrase(db: Path, phrase: str) -> set[str]:
    """Ids of the articles whose title, lead or text holds `phrase` as typed (exact accents, case aside)."""
    with SQLiteStore(db, create=False) as store:
        return {a.id for a in store.iter_articles() if phrase in " ".join([a.title, a.lead or "", a.text]).lower()}
