"""`cchc crawl`: fetch sources' new articles into the archive."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cchc.errors import EXIT_CONFIG, EXIT_FAILURE
from cchc.options import DATE, store_option
from config import Source, get_settings, load_places, load_sources, load_taxonomy
from coverage.health import unread_cause
from search import crawlstats, open_store

# Scrapy and Twisted (and the model for check_model) are imported when a crawl starts, not for `--help`.
if TYPE_CHECKING:
    from crawler.runner import RunSummary


def check_model(settings: dict[str, Any]) -> None:
    """Load the classifier the crawl will use, before anything is fetched: a model that cannot be loaded would
    otherwise make every source store nothing. Exit 2 with one line."""
    from classifier import ModelError
    from crawler.pipelines import shared_model
    from crawler.runner import crawler_settings

    directory = crawler_settings(settings).get("CCHC_MODEL")
    if not directory:
        return
    try:
        shared_model(directory)  # loaded here once for the whole crawl
    except ModelError as exc:
        click.echo(f"lỗi: không nạp được mô hình phân loại, chưa thu thập gì: {exc}", err=True)
        sys.exit(EXIT_CONFIG)


def report_failures(summaries: list[RunSummary], names: dict[str, str]) -> int:
    """One Vietnamese line on stderr per source the crawl could not read, with the cause; returns how many."""
    failed = 0
    for summary in summaries:
        cause = unread_cause(summary.stats, summary.finish_reason)
        if cause:
            failed += 1
            click.echo(f"lỗi: {names.get(summary.source, summary.source)} ({summary.source}): {cause}", err=True)
    return failed


def crawl_with_progress(
    sources: list[Source],
    settings: dict[str, Any],
    since: date | None = None,
    until: date | None = None,
    jobs_dir: Path | None = None,
    refresh: bool = False,
) -> list[RunSummary]:
    """Run the crawl with one live line per source: pages fetched, articles stored and dropped."""
    from crawler.runner import run_crawl

    console = Console(stderr=True)
    counts = {s.id: {"fetched": 0, "stored": 0, "dropped": 0} for s in sources}
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.fields[source]}[/]"),
        TextColumn("{task.fields[line]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        tasks = {s.id: progress.add_task("", total=None, source=s.id, line="đang bắt đầu…") for s in sources}

        def on_event(source: str, name: str) -> None:
            counts[source][name] += 1
            c = counts[source]
            line = f"{c['fetched']} trang đã tải · {c['stored']} bài đã lưu · {c['dropped']} bị loại"
            progress.update(tasks[source], line=line)

        summaries = run_crawl(
            sources,
            settings,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            on_event=on_event,
            jobs_dir=jobs_dir,
            refresh=refresh,
        )
        for summary in summaries:
            ended = "không đọc được" if unread_cause(summary.stats, summary.finish_reason) else "xong"
            progress.update(tasks[summary.source], total=1, completed=1, line=ended)
    return summaries


def describe(summary: RunSummary) -> str:
    """One Vietnamese line on what a run did."""
    dropped = crawlstats.total(summary.stats, crawlstats.DROPPED)
    errors = sum(v for k, v in summary.stats.items() if k.startswith("downloader/response_status_count/5"))
    deferred = summary.count(crawlstats.STORED_DEFERRED)
    known = summary.count(crawlstats.SKIPPED_KNOWN)
    waiting = f", {deferred} bài chờ ghi lại (cchc store replay)" if deferred else ""
    return (
        f"{summary.source}: {summary.count(crawlstats.STORED_NEW)} bài mới, "
        f"{summary.count(crawlstats.STORED_UPDATED)} bài cập nhật, "
        f"{summary.count(crawlstats.STORED_UNCHANGED)} bài không đổi, {known} bài đã có (không tải lại),"
        f" {dropped} bị loại, {errors} lỗi máy chủ{waiting}"
        f" (kết thúc: {summary.finish_reason})"
    )


def parse_settings(values: tuple[str, ...]) -> dict[str, str]:
    settings = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.isupper():
            raise click.BadParameter(
                f"{value!r}: hãy viết TÊN=GIÁ_TRỊ (NAME=VALUE) với tên một thiết lập Scrapy", param_hint="--set"
            )
        settings[name] = setting
    return settings


def parse_mirrors(values: tuple[str, ...]) -> dict[str, str]:
    mirrors = {}
    for value in values:
        host, sep, base = value.partition("=")
        if not sep or not host or not base.startswith(("http://", "https://")):
            raise click.BadParameter(f"{value!r}: hãy viết HOST=http://127.0.0.1:PORT/prefix", param_hint="--mirror")
        mirrors[host] = base
    return mirrors


@click.command()
@click.argument("source_ids", metavar="[SOURCE]...", nargs=-1)
@click.option("--since", type=DATE, help="Chỉ giữ bài đăng từ ngày này trở đi (YYYY-MM-DD).")
@click.option("--until", type=DATE, help="Chỉ giữ bài đăng đến hết ngày này (YYYY-MM-DD).")
@store_option
@click.option("--mirror", "mirror_values", multiple=True, metavar="HOST=URL",
              help="Lấy các trang của HOST từ một bản sao.")  # fmt: skip
@click.option("--cache", is_flag=True, help="Giữ các trang đã tải trong data/httpcache/ (khi phát triển).")
@click.option("--resume", is_flag=True, help="Chạy tiếp một lần thu thập bị ngắt (trạng thái lưu trong data/jobs/).")
@click.option("--refresh", is_flag=True, help="Tải lại cả những bài đã lưu (mặc định: chỉ bài mới).")
@click.option("--set", "setting_values", multiple=True, metavar="NAME=VALUE",
              help="Một thiết lập Scrapy, ví dụ DOWNLOAD_TIMEOUT=10.")  # fmt: skip
def crawl(
    source_ids: tuple[str, ...],
    since: date | None,
    until: date | None,
    store_url: str,
    mirror_values: tuple[str, ...],
    cache: bool,
    resume: bool,
    refresh: bool,
    setting_values: tuple[str, ...],
) -> None:
    """Thu thập bài mới của các nguồn (mọi nguồn đang bật khi không nêu nguồn nào) vào kho.

    \b
    Ví dụ:
      cchc crawl baonghean --since 2025-01-01
      cchc crawl baonghean --resume                # sau Ctrl-C hoặc khi chương trình dừng đột ngột
      cchc crawl baonghean hcc --store sqlite:///data/cchc.db
      cchc crawl baonghean --mirror baonghean.vn=http://127.0.0.1:8765/baonghean
    """
    if since and until and since > until:
        raise click.BadParameter("ngày --since sau ngày --until")
    config = load_sources()
    load_taxonomy(), load_places()  # every file the pipelines read is valid before anything is written
    known = {s.id for s in config.sources}
    unknown = [s for s in source_ids if s not in known]
    if unknown:
        raise click.BadParameter(
            f"không có nguồn {', '.join(unknown)} (unknown source); xem `cchc sources`", param_hint="SOURCE"
        )
    chosen = [config.get(s) for s in source_ids] if source_ids else [s for s in config.sources if s.enabled]
    open_store(store_url).close()  # fail now, in one line, if the archive cannot be opened
    settings = {
        **parse_settings(setting_values),
        "CCHC_STORE": store_url,
        "CCHC_MIRRORS": parse_mirrors(mirror_values),
        **(
            {"HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(get_settings().under_data("httpcache").resolve())}
            if cache
            else {}
        ),
    }
    check_model(settings)
    summaries = crawl_with_progress(
        chosen, settings, since, until, get_settings().under_data("jobs") if resume else None, refresh
    )
    for summary in summaries:
        click.echo(describe(summary))
    if report_failures(summaries, {s.id: s.name for s in chosen}):
        sys.exit(EXIT_FAILURE)
