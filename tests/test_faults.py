"""Faults and bad input: a misbehaving mirror, a killed crawl, fuzzed queries, broken config."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cchc import MIRRORS_DIR
from cchc.mirrors import article_pages
from config import load_sources
from search import open_store
from tests.conftest import POLITENESS_OFF, run_cchc, stored_count
from tests.faults import BROKEN_TITLE, CP1258_TITLE, FaultServer

NORMAL = len(article_pages(MIRRORS_DIR, load_sources().get("baonghean")))
QUICK = ["--set", "DOWNLOAD_TIMEOUT=2", "--set", "RETRY_TIMES=2", "--set", "REDIRECT_MAX_TIMES=4"]


@pytest.fixture(scope="module")
def faulty() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.fixture(scope="module")
def crawled(faulty: FaultServer, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("faults") / "faults.db"
    result = run_cchc("crawl", "baonghean", "--store", f"sqlite:///{db}", "--mirror",
                      f"baonghean.vn={faulty.base_url}/baonghean", *QUICK, *POLITENESS_OFF)  # fmt: skip
    assert result.returncode == 0, result.stderr
    with open_store(f"sqlite:///{db}") as store:
        stats = store.runs("baonghean")[0].stats
        articles = list(store.iter_articles())
    return result, stats, articles


def test_crawl_finishes_and_keeps_every_valid_article(crawled) -> None:
    _, stats, articles = crawled
    assert stats["finish_reason"] == "finished"
    titles = {a.title for a in articles}
    assert "Sau hai lần lỗi 503, trang cải cách hành chính vẫn được lưu" in titles
    assert CP1258_TITLE in titles and f"{CP1258_TITLE} (nhãn sai)" in titles
    assert BROKEN_TITLE in titles
    assert len(articles) == NORMAL + 4
    assert not any("\ufffd" in a.title + a.text for a in articles)
    assert not any(t in titles for t in ("Trang quá chậm", "Trang bị cắt"))


def test_every_fault_is_counted_in_the_run_record(crawled, faulty: FaultServer) -> None:
    _, stats, _ = crawled
    assert stats["retry/reason_count/503 Service Unavailable"] == 2  # the burst, then success
    assert stats["downloader/response_status_count/500"] == 3  # first try and two retries
    failed = {k.removeprefix("cchc/errors/fetch/"): v for k, v in stats.items() if k.startswith("cchc/errors/fetch/")}
    assert failed["HttpError"] >= 1  # the 500 page (and the mirror's missing /quoc-phong listing is not an article)
    assert failed["DownloadTimeoutError"] == 1
    assert failed["DownloadFailedError"] == 1  # connection reset
    assert failed["ResponseDataLossError"] == 1  # truncated body
    assert failed["DownloadCancelledError"] == 1  # the 20 MB page, over DOWNLOAD_MAXSIZE
    assert failed["IgnoreRequest"] == 2  # the redirect loop, and the section robots.txt forbids
    assert stats["robotstxt/forbidden"] == 1
    assert stats["cchc/errors/not_html"] == 1  # PNG under an article URL
    assert faulty.hits["vong-a-10900006.html"] <= 5, "the redirect loop must be cut off"


def test_forbidden_section_is_never_requested(crawled, faulty: FaultServer) -> None:
    assert not any("/cam/" in path for path in faulty.requested)


def test_crawl_summary_reports_errors(crawled) -> None:
    result, _, _ = crawled
    assert "bài mới" in result.stdout and "lỗi máy chủ" in result.stdout
    assert "Traceback" not in result.stderr


def test_killed_crawls_resume_to_every_article_exactly_once(mirror_server, tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    command = [sys.executable, "-m", "cchc", "crawl", "baonghean", "--resume", "--store", f"sqlite:///{db}",
               "--mirror", f"baonghean.vn={mirror_server.base_url}/baonghean",
               "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0.15"]  # fmt: skip
    for kill_after in (5, 20):
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while stored_count(db) < kill_after and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)  # mid-storage: no chance to close anything
        process.wait()
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert stored == conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        conn.close()
        assert kill_after <= stored < NORMAL, "the kill must land mid-crawl"
    # The last run is not killed: it needs no delay.
    finished = subprocess.run([*command, *POLITENESS_OFF], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*), count(DISTINCT canonical_url) FROM articles").fetchone() == (NORMAL, NORMAL)
    assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == NORMAL
    urls = {row[0] for row in conn.execute("SELECT url FROM articles")}
    assert urls == {url for url, _ in article_pages(MIRRORS_DIR, load_sources().get("baonghean"))}


def test_ctrl_c_stops_the_crawl_gracefully_and_its_last_articles_are_still_classified(mirror_server, tmp_path: Path):
    """Ctrl-C reaches every process of the terminal's group, the classifier process beside the crawl too: it keeps
    classifying until the crawl has stored what it fetched."""
    db = tmp_path / "interrupted.db"
    command = [sys.executable, "-m", "cchc", "crawl", "baonghean", "--store", f"sqlite:///{db}",
               "--mirror", f"baonghean.vn={mirror_server.base_url}/baonghean", "--set", "AUTOTHROTTLE_ENABLED=False",
               "--set", "DOWNLOAD_DELAY=0.15", "--set", "CCHC_BATCH_SIZE=4"]  # fmt: skip
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while stored_count(db) < 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal sends Ctrl-C: to the crawl and its classifier process
    _, stderr = process.communicate(timeout=120)
    with open_store(f"sqlite:///{db}") as store:
        (run,) = store.runs("baonghean")
        stored = store.stats().total
    assert run.status == "shutdown" and 4 <= stored < NORMAL, "the interrupt must land mid-crawl"
    classified = run.stats.get("cchc/classified/relevant", 0) + run.stats.get("cchc/classified/not_relevant", 0)
    assert classified == run.stats["cchc/stored/new"] == stored, "every article fetched was classified and stored"
    assert "log_count/ERROR" not in run.stats and b"BrokenProcessPool" not in stderr
