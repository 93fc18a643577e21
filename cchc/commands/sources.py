"""`cchc sources` and `cchc sources status`: what is watched and how each source's crawls went."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import click
import yaml

from cchc.options import echo_json, json_option, store_option
from cchc.reports.names import CHANNEL_NAMES
from config import Source, load_sources
from config.channels import CHANNELS
from coverage.health import source_health
from crawler.extraction import decode_html
from crawler.extraction.learn import FIELD_NAMES, FIELDS, LearnError
from crawler.extraction.learn import learn as learn_layout
from search import CrawlRun, crawlstats, open_store

logger = logging.getLogger(__name__)


@click.group(invoke_without_command=True)
@click.option("--channel", type=click.Choice(CHANNELS), help="Chỉ các nguồn của kênh này.")
@json_option
@click.pass_context
def sources(ctx: click.Context, channel: str | None, as_json: bool) -> None:
    """Liệt kê các nguồn được theo dõi (config/sources.yaml).

    Nhóm theo kênh, kèm khoảng thời gian nguồn hoạt động và các URL chưa xác minh.

    \b
    Ví dụ:
      cchc sources
      cchc sources --channel central_press
      cchc sources --json
      cchc sources status
    """
    if ctx.invoked_subcommand is not None:
        return
    chosen = [s for s in load_sources().sources if channel in (None, s.channel)]
    if as_json:
        echo_json([s.model_dump() for s in chosen])
        return
    width = max(len(s.id) for s in chosen) if chosen else 0
    for name in CHANNELS:
        group = [s for s in chosen if s.channel == name]
        if group:
            click.echo(f"{CHANNEL_NAMES[name]} ({len(group)} nguồn):")
        for s in group:
            flags = "".join(f"  ({flag})" for flag in _flags(s))
            click.echo(f"  {s.id:<{width}} {s.cms:<10} {s.base_url}  {s.name}{flags}")
    unverified = sum(not s.verified for s in chosen)
    click.echo(f"Tổng: {len(chosen)} nguồn, {unverified} nguồn có URL chưa xác minh.")


def _flags(source: Source) -> list[str]:
    """What a line of `cchc sources` adds after the name: the days the source ran, unverified, disabled."""
    flags = []
    if source.valid_from:
        flags.append(f"từ {source.valid_from:%d/%m/%Y}")
    if source.valid_to:
        flags.append(f"đến {source.valid_to:%d/%m/%Y}")
    if not source.verified:
        flags.append("URL chưa xác minh")
    if not source.enabled:
        flags.append("tắt")
    return flags


def _record(run: CrawlRun) -> dict[str, object]:
    """What a run did, from its stats: pages, HTTP errors by code, articles by outcome, drops and failures."""

    return {
        "pages_fetched": int(run.stats.get("response_received_count", 0)),
        "http_status": crawlstats.by_prefix(run.stats, "downloader/response_status_count/"),
        "articles": crawlstats.by_prefix(run.stats, crawlstats.STORED)
        | {"skipped_known": crawlstats.count(run.stats, crawlstats.SKIPPED_KNOWN)},
        "dropped": crawlstats.by_prefix(run.stats, crawlstats.DROPPED),
        "fetch_failures": crawlstats.by_prefix(run.stats, crawlstats.FETCH_ERRORS),
        "extraction": crawlstats.by_prefix(run.stats, crawlstats.EXTRACTED),
        "published_reached": [run.stats.get(crawlstats.PUBLISHED_OLDEST), run.stats.get(crawlstats.PUBLISHED_NEWEST)],
    }


@sources.command()
@store_option
@json_option
def status(store_url: str, as_json: bool) -> None:
    """Lần thu thập gần nhất của từng nguồn, số bài, số lỗi và đã đọc lùi về đến ngày nào.

    \b
    Ví dụ:
      cchc sources status --store sqlite:///data/demo.db --json
    """
    config = load_sources()
    with open_store(store_url, create=False) as store:
        stats = store.stats()
        rows = []
        for s in config.sources:
            runs = store.runs(source=s.id, limit=3)
            last = runs[0] if runs else None
            oldest, newest = stats.date_range_by_source.get(s.id, (None, None))
            health = source_health(runs)
            rows.append(
                {
                    "source": s.id,
                    "health": health.status,
                    "health_label": health.label,
                    "health_detail": health.detail,
                    "articles": stats.by_source.get(s.id, 0),
                    "last_run": last.finished_at.isoformat() if last else None,
                    "last_status": last.status if last else None,
                    "last_new": crawlstats.count(last.stats, crawlstats.STORED_NEW) if last else None,
                    "last_errors": crawlstats.errors(last.stats) if last else None,
                    "oldest_published": oldest,
                    "newest_published": newest,
                    "last_run_record": _record(last) if last else None,
                }
            )
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        if r["last_run"] is None:
            click.echo(f"{r['source']:<18} chưa thu thập lần nào")
            continue
        click.echo(
            f"{r['source']:<18} [{r['health_label']}] lần cuối {r['last_run'][:16]} ({r['last_status']}),"
            f" {r['last_new']} bài mới,"
            f" {r['last_errors']} lỗi; kho có {r['articles']} bài, từ {(r['oldest_published'] or '?')[:10]}"
            f" đến {(r['newest_published'] or '?')[:10]}"
        )


HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ""}
HTML_MARK = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|div|p|article)[\s>]", re.IGNORECASE)


def _saved_pages(folder: Path) -> list[tuple[str, str]]:
    """(file name, HTML) of every saved page in `folder`; a file that is not HTML is refused."""
    pages = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        raw = path.read_bytes()
        if path.suffix.lower() not in HTML_SUFFIXES or b"\x00" in raw[:4096] or not HTML_MARK.search(raw):
            raise LearnError(f"tệp {path.name} không phải trang HTML: thư mục chỉ được chứa các trang bài viết đã lưu")
        pages.append((path.name, decode_html(raw)))
    return pages


@sources.command()
@click.argument("folder", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Nơi ghi quy tắc (YAML, mục `layout:` của một nguồn).",
)
def learn(folder: Path, output: Path) -> None:
    """Học quy tắc bố cục của một trang web từ 3 trang bài viết đã lưu trở lên của trang đó.

    Ghi các bộ chọn cho tiêu đề, sapo, thân bài, ngày đăng, tác giả, chuyên mục và các khối cần
    bỏ, thành một mục `layout:` để dán vào nguồn trong config/sources.yaml; rồi cho biết mỗi
    trường dùng được trên bao nhiêu trang. Kiểm tra một trang bằng `cchc extract --rules`.

    \b
    Ví dụ:
      cchc sources learn saved-pages/ --output rule.yaml
      cchc extract saved-pages/bai-1.html --url https://example.vn/bai-1.html --rules rule.yaml
    """
    learned = learn_layout(_saved_pages(folder))
    header = (
        f"# Layout rule learned by `cchc sources learn` from {learned.pages} pages of {folder.name}/.\n"
        "# Paste the `layout:` block into the source's entry in config/sources.yaml.\n"
    )
    body = yaml.safe_dump({"layout": learned.layout()}, sort_keys=False, allow_unicode=True, width=120)
    output.write_text(header + body, encoding="utf-8")
    click.echo(f"Đã học bố cục từ {learned.pages} trang, quy tắc ghi vào {output}")
    for name in FIELDS:
        click.echo(f"  {FIELD_NAMES[name]}: {learned.worked[name]}/{learned.pages} trang")
