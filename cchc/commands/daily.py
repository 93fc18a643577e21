"""`cchc daily`: one day of unattended work, for a timer (systemd or cron) to start.

Relabel the archive when the model changed, crawl the sources that are due, write the period reports, send the
alerts; one run at a time, and a run killed anywhere leaves nothing half-done that the next run does not finish.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from cchc import MIRRORS_DIR
from cchc.commands.coverage import build_report, default_range, write_report_files
from cchc.commands.crawl import check_model, crawl_with_progress, describe, report_failures
from cchc.commands.demo import LOOPBACK_SETTINGS
from cchc.errors import EXIT_FAILURE, fail
from cchc.options import store_option
from cchc.reports.names import Names
from cchc.runlock import Busy, run_lock
from config import Source, get_settings, load_alerts, load_places, load_plan, load_sources, load_taxonomy
from coverage.periods import period_of
from coverage.report import CoverageReport
from search import VN_TZ, CountQuery, open_store


@dataclass
class DailyRun:
    """What one daily run did; appended as one JSON line to data/logs/daily.jsonl."""

    started_at: str
    store: str
    relabeled: int = 0
    read: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    alerts: dict[str, Any] = field(default_factory=dict)
    finished_at: str | None = None
    exit_code: int | None = None


def report_periods(today: date) -> list[tuple[str, date, date, str]]:
    """(file stem, first day, last day, period kind) of each report a daily run writes: this month and the last,
    this quarter and the last (a period that has not ended is reported up to today), and, last in the list, the
    last twelve months."""
    this_month = period_of("month", today)
    last_month = period_of("month", this_month.start - timedelta(days=1))
    this_quarter = period_of("quarter", today)
    last_quarter = period_of("quarter", this_quarter.start - timedelta(days=1))
    rolling = default_range(today)
    return [
        *((f"do-phu-thang-{p.key}", p.start, min(p.end, today), "month") for p in (last_month, this_month)),
        *((f"do-phu-quy-{p.key}", p.start, min(p.end, today), "quarter") for p in (last_quarter, this_quarter)),
        ("do-phu-12-thang", rolling[0], rolling[1], "month"),
    ]


def relabel_if_model_changed(store_url: str, run: DailyRun) -> None:
    """Label again what an earlier model labeled (human labels stay): after `make model` or an upgrade, every
    count follows the model in use. Stops and resumes safely: what this model labeled is not labeled again."""
    from classifier.places import PlaceMatcher
    from crawler.labeling import relabel_store
    from crawler.pipelines import shared_model
    from crawler.runner import crawler_settings

    loaded = shared_model(crawler_settings().get("CCHC_MODEL"))  # the crawl's model, loaded once (check_model)
    with open_store(store_url) as store:
        versions = store.count_by(("label_source", "model_version"), CountQuery(relevant_only=False,
                                                                               exclude_reprints=False))  # fmt: skip
        stale = sum(n for (source, version), n in versions.items() if source != "human" and version != loaded.version)
        if not stale:
            return
        click.echo(f"Mô hình phân loại đã đổi ({loaded.version}): gán nhãn lại {stale} bài.")
        counts = relabel_store(store, loaded, PlaceMatcher(load_places()), load_plan().qa_column, only_stale=True)
    run.relabeled = counts["relevant"] + counts["not"]


@contextmanager
def serving(mirrors: bool, sources: list[Source]) -> Iterator[tuple[list[Source], dict[str, Any]]]:
    """The sources to crawl and the crawl's settings: the real sites, or with --mirrors the bundled mirrors on
    loopback (only the sources that have one)."""
    if not mirrors:
        yield sources, {}
        return
    from cchc.mirrors import MirrorServer

    with MirrorServer(MIRRORS_DIR) as server:
        mirrored = server.mirrored(sources)
        yield mirrored, {**LOOPBACK_SETTINGS, "CCHC_MIRRORS": server.host_map(mirrored)}


def crawl_due(store_url: str, mirrors: bool, everything: bool, now: datetime, run: DailyRun) -> bool:
    """Crawl the sources that are due; whether every one of them was read."""
    from crawler.schedule import due_sources

    config = load_sources()
    with open_store(store_url) as store:
        due, waiting = due_sources(config.sources, lambda s: next(iter(store.runs(s, limit=1)), None), now, everything)
    run.waiting = [s.id for s, _ in waiting]
    if waiting:
        first = min(at for _, at in waiting)
        click.echo(f"{len(waiting)} nguồn chưa đến hạn (sớm nhất lúc {first:%d/%m/%Y %H:%M}).")
    with serving(mirrors, [d.source for d in due]) as (sources, settings):
        if mirrors:
            run.waiting += [d.source.id for d in due if d.source not in sources]
        if not sources:
            click.echo("Không có nguồn nào đến hạn thu thập.")
            return True
        reasons = {d.source.id: d.reason for d in due}
        click.echo(f"Thu thập {len(sources)} nguồn đến hạn:")
        for source in sources:
            click.echo(f"  {source.id}: {reasons[source.id]}")
        summaries = crawl_with_progress(sources, {**settings, "CCHC_STORE": store_url})
    for summary in summaries:
        click.echo(describe(summary))
    names = {s.id: s.name for s in sources}
    failed = report_failures(summaries, names)
    from coverage.health import unread_cause

    run.failed = [s.source for s in summaries if unread_cause(s.stats, s.finish_reason)]
    run.read = [s.source for s in summaries if s.source not in run.failed]
    return failed == 0


def write_reports(store_url: str, today: date, run: DailyRun) -> tuple[CoverageReport, Names, list[Path]]:
    """The period reports (HTML, XLSX, DOCX) in data/reports/, rewritten each day; returns the last twelve months'
    report, its names and its files (what the alerts look at and the weekly digest attaches)."""
    folder = get_settings().under_data("reports")
    for stem, first, last, kind in report_periods(today):
        report, names = build_report(store_url, first, last, kind, today)
        paths = write_report_files(report, names, folder / stem)
        run.reports += [str(p) for p in paths]
    click.echo(f"Báo cáo độ phủ theo kỳ: {folder.resolve()}")
    return report, names, paths


def send_alerts(store_url: str, today: date, written: tuple[CoverageReport, Names, list[Path]], run: DailyRun) -> None:
    """Detect what deserves telling (config/alerts.yaml), add the weekly digest when due, and deliver what was not
    delivered before; a channel that fails is said in one line and tried again at the next run."""
    from cchc.alerts import deliver, detect, digest

    report, names, paths = written
    config = load_alerts()
    with open_store(store_url) as store:
        alerts = detect(store, load_sources().sources, report, today, config, names)
    weekly = digest(report, today, paths, config, names, open_alerts=alerts)
    result = deliver([*alerts, *([weekly] if weekly else [])], config)
    run.alerts = {"detected": len(alerts), "sent": sorted({key for key, _ in result.sent}),
                  "failures": [f.message for f in result.failures]}  # fmt: skip
    for line in result.lines():
        click.echo(line, err=line.startswith("lỗi:"))


def log_run(run: DailyRun) -> Path:
    path = get_settings().under_data("logs", "daily.jsonl")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(run.__dict__, ensure_ascii=False) + "\n")
    return path


@click.command()
@click.option("--mirrors", is_flag=True, help="Đọc các bản sao kèm theo trên loopback thay cho trang thật (như demo).")
@click.option("--all", "everything", is_flag=True, help="Đọc mọi nguồn đang bật, kể cả nguồn chưa đến hạn.")
@store_option
def daily(mirrors: bool, everything: bool, store_url: str) -> None:
    """Một ngày làm việc tự động: thu thập các nguồn đến hạn, cập nhật tình trạng nguồn, viết báo cáo theo kỳ, gửi
    cảnh báo.

    Mỗi nguồn được đọc lại sau `every_hours` giờ (config/sources.yaml, mặc định 24). Khi mô hình phân loại đổi, các
    bài đã lưu được gán nhãn lại (giữ nhãn do người sửa). Chỉ một lần chạy một lúc; lần chạy bị ngắt giữa chừng
    được lần sau làm tiếp. Mã thoát: 0 khi đọc được mọi nguồn, 1 khi có nguồn lỗi, 2 khi cấu hình sai.

    \b
    Ví dụ:
      cchc daily --store sqlite:///data/cchc.db
      cchc daily --mirrors --store sqlite:///data/demo.db   # thử với các bản sao kèm theo
    """
    (
        load_sources(),
        load_taxonomy(),
        load_places(),
        load_plan(),
        load_alerts(),
    )  # a broken config stops the run before any work
    open_store(store_url).close()
    check_model(LOOPBACK_SETTINGS if mirrors else {})
    now = datetime.now(VN_TZ)
    run = DailyRun(started_at=now.isoformat(timespec="seconds"), store=store_url)
    try:
        with run_lock(get_settings().under_data("daily.lock")):
            relabel_if_model_changed(store_url, run)
            all_read = crawl_due(store_url, mirrors, everything, now, run)
            send_alerts(store_url, now.date(), write_reports(store_url, now.date(), run), run)
    except Busy as exc:
        fail(f"một lần chạy hằng ngày khác đang chạy ({exc}); lần này không làm gì", EXIT_FAILURE)
    run.exit_code = 0 if all_read else EXIT_FAILURE
    run.finished_at = datetime.now(VN_TZ).isoformat(timespec="seconds")
    log_run(run)
    if not all_read:
        fail(f"{len(run.failed)} nguồn không đọc được: {', '.join(run.failed)}", EXIT_FAILURE)
