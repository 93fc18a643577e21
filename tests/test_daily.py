"""`cchc daily`: what is due, one run at a time, the period reports, exit codes, a kill and a model change."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from cchc import MIRRORS_DIR
from cchc.commands.daily import report_periods
from cchc.runlock import Busy, run_lock
from config import CONFIG_DIR, load_sources
from crawler.schedule import due_sources
from search import VN_TZ, CrawlRun, open_store
from tests.conftest import run_cchc, stored_count
from tests.liveserver import free_port

NOW = datetime(2026, 3, 10, 6, 0, tzinfo=VN_TZ)
# What a daily run with --mirrors reads today: sources valid today that have a mirror (not the merged ones).
TODAY = datetime.now(VN_TZ).date()
MIRRORED = [s for s in load_sources().sources if s.enabled and s.valid_on(TODAY) and (MIRRORS_DIR / s.id).is_dir()]


def _run(source: str, hours_ago: float, status: str = "finished") -> CrawlRun:
    finished = NOW - timedelta(hours=hours_ago)
    return CrawlRun(source, finished - timedelta(minutes=5), finished, status)


def test_a_source_is_due_after_its_interval_a_tenth_early_and_at_once_after_a_failed_run() -> None:
    base = load_sources().get("baonghean")
    every_three_days = base.model_copy(update={"id": "xa", "every_hours": 72})
    ended = base.model_copy(update={"id": "huyen", "valid_to": NOW.date() - timedelta(days=1)})
    off = base.model_copy(update={"id": "tat", "enabled": False})
    new = base.model_copy(update={"id": "moi"})
    killed = base.model_copy(update={"id": "ngat"})
    runs = {"baonghean": _run("baonghean", 22), "xa": _run("xa", 30), "ngat": _run("ngat", 1, "shutdown")}
    due, waiting = due_sources([base, every_three_days, ended, off, new, killed], runs.get, NOW)
    assert {d.source.id for d in due} == {"baonghean", "moi", "ngat"}
    assert [(s.id, at) for s, at in waiting] == [("xa", NOW - timedelta(hours=30) + timedelta(hours=72 * 0.9))]
    fresh = {"baonghean": _run("baonghean", 2)}
    assert due_sources([base], fresh.get, NOW)[0] == []
    assert [d.source.id for d in due_sources([base], fresh.get, NOW, everything=True)[0]] == ["baonghean"]


def test_report_periods_cover_this_and_the_last_month_and_quarter_up_to_today() -> None:
    stems = {stem: (first, last, kind) for stem, first, last, kind in report_periods(NOW.date())}
    assert stems["do-phu-thang-2026-02"] == (datetime(2026, 2, 1).date(), datetime(2026, 2, 28).date(), "month")
    assert stems["do-phu-thang-2026-03"] == (datetime(2026, 3, 1).date(), NOW.date(), "month")
    assert stems["do-phu-quy-2025-Q4"][2] == "quarter" and stems["do-phu-quy-2026-Q1"][1] == NOW.date()
    assert stems["do-phu-12-thang"][0] == datetime(2025, 4, 1).date()


def test_the_lock_refuses_a_second_holder_and_frees_itself(tmp_path: Path) -> None:
    lock = tmp_path / "daily.lock"
    with run_lock(lock), pytest.raises(Busy, match=str(os.getpid())), run_lock(lock):
        pass
    with run_lock(lock):  # released by the first block
        pass


def _articles(db: Path) -> tuple[int, int, set[str]]:
    conn = sqlite3.connect(db)
    try:
        total, distinct = conn.execute("SELECT count(*), count(DISTINCT canonical_url) FROM articles").fetchone()
        return total, distinct, {row[0] for row in conn.execute("SELECT url FROM articles")}
    finally:
        conn.close()


def _log(tmp_path: Path) -> list[dict]:
    lines = (tmp_path / "data" / "logs" / "daily.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def first_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("daily")
    result = run_cchc("daily", "--mirrors", "--store", f"sqlite:///{folder / 'cchc.db'}", cwd=folder)
    return folder, result


def test_daily_reads_every_due_source_and_writes_the_period_reports(first_day) -> None:
    folder, result = first_day
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(folder / "cchc.db")
    assert {row[0] for row in conn.execute("SELECT DISTINCT source FROM articles")} == {s.id for s in MIRRORED}
    conn.close()
    reports = folder / "data" / "reports"
    for stem, *_ in report_periods(TODAY):
        for suffix in ("html", "xlsx", "docx"):
            assert (reports / f"{stem}.{suffix}").stat().st_size > 1000
    (run,) = _log(folder)
    assert sorted(run["read"]) == sorted(s.id for s in MIRRORED) and run["failed"] == [] and run["exit_code"] == 0
    assert "Báo cáo độ phủ theo kỳ" in result.stdout
    outbox = sorted((folder / "data" / "outbox").iterdir())
    assert len(outbox) == len(run["alerts"]["sent"]) > 0  # the default channel: one file per message
    assert any("digest" in p.name for p in outbox) and run["alerts"]["failures"] == []


def test_the_next_run_reads_nothing_before_sources_are_due_and_relabels_after_a_model_change(first_day) -> None:
    folder, _ = first_day
    db = folder / "cchc.db"
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE articles SET model_version = 'mo-hinh-cu' WHERE rowid % 3 = 0")
        stale = conn.execute("SELECT count(*) FROM articles WHERE model_version = 'mo-hinh-cu'").fetchone()[0]
    conn.close()
    result = run_cchc("daily", "--mirrors", "--store", f"sqlite:///{db}", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "Không có nguồn nào đến hạn" in result.stdout
    assert f"gán nhãn lại {stale} bài" in result.stdout
    last = _log(folder)[-1]
    assert last["read"] == [] and last["relabeled"] == stale
    assert last["alerts"]["sent"] == [] and "0 cảnh báo mới" in result.stdout  # no fact is told twice
    with open_store(f"sqlite:///{db}") as store:
        assert "mo-hinh-cu" not in {a.model_version for a in store.iter_articles()}


def test_a_second_run_while_one_runs_does_nothing(tmp_path: Path) -> None:
    with run_lock(tmp_path / "data" / "daily.lock"):
        result = run_cchc("daily", "--mirrors", "--store", f"sqlite:///{tmp_path / 'x.db'}", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("lỗi: một lần chạy hằng ngày khác đang chạy")
    assert not (tmp_path / "data" / "logs").exists()


def test_a_source_that_cannot_be_read_exits_1_and_names_it(tmp_path: Path) -> None:
    config_dir = tmp_path / "cau-hinh"  # not "config": the working folder is on sys.path
    shutil.copytree(CONFIG_DIR, config_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = yaml.safe_load((config_dir / "sources.yaml").read_text(encoding="utf-8"))
    dead = {**data["sources"][0], "base_url": f"http://127.0.0.1:{free_port()}/", "feeds": [], "sitemaps": []}
    data["sources"] = [dead]
    (config_dir / "sources.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cchc("--config-dir", str(config_dir), "daily", "--store", f"sqlite:///{tmp_path / 'x.db'}",
                      cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "lỗi: 1 nguồn không đọc được: baonghean" in result.stderr
    assert "máy chủ từ chối kết nối" in result.stderr
    assert _log(tmp_path)[-1]["failed"] == ["baonghean"]


def test_a_broken_config_exits_2_before_any_work(tmp_path: Path) -> None:
    config_dir = tmp_path / "cau-hinh"  # not "config": the working folder is on sys.path
    config_dir.mkdir()
    (config_dir / "sources.yaml").write_text("version: 1\nsources:\n  - id: x\n", encoding="utf-8")
    result = run_cchc("--config-dir", str(config_dir), "daily", "--store", f"sqlite:///{tmp_path / 'x.db'}",
                      cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("lỗi: ") and "sources.yaml" in result.stderr
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "data").exists()


def test_a_run_killed_mid_crawl_is_finished_by_the_next_with_nothing_lost_or_doubled(first_day, tmp_path: Path) -> None:
    everything = _articles(first_day[0] / "cchc.db")[2]  # what one uninterrupted run stores
    db = tmp_path / "cchc.db"
    command = [sys.executable, "-m", "cchc", "daily", "--mirrors", "--store", f"sqlite:///{db}"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if stored_count(db) >= 20:
            break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 20 <= stored_count(db) < len(everything), "the kill must land mid-crawl"
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    total, distinct, urls = _articles(db)
    assert total == distinct == len(everything) and urls == everything
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == total
    conn.close()
