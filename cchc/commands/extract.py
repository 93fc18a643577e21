"""`cchc extract`: extract one saved page, offline."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import click

from cchc.errors import InputError, fail
from cchc.options import echo_json
from config import LayoutFile, load_sources
from config.loader import load_model
from config.models import strip_host_prefix
from search.limits import MAX_PAGE_BYTES

logger = logging.getLogger(__name__)
EXIT_BAD_INPUT = 2


@click.command()
@click.argument("html_file", metavar="FILE.html", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="Địa chỉ của trang (để chọn quy tắc bố cục của nguồn).")
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Tệp quy tắc bố cục (do `cchc sources learn` ghi ra), áp dụng với mọi tên miền.",
)
def extract(html_file: Path, url: str, rules_file: Path | None) -> None:
    """In bài viết trích từ một trang HTML đã lưu, dưới dạng một đối tượng JSON.

    \b
    Ví dụ:
      cchc extract page.html --url https://baonghean.vn/some-article-10293456.html
      cchc extract page.html --url https://example.vn/bai-viet.html --rules rule.yaml
    """
    # The extractor (trafilatura, Scrapy's URL tools) is imported when a page is read, not for --help.
    from crawler.discovery import UrlRules
    from crawler.extraction import decode_html, extract_article
    from crawler.extraction.page import PageError, check_html_bytes
    from crawler.extraction.rules import rule_from_layout

    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError as exc:
        raise InputError(f"--url {url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise InputError(f"--url {url!r} is not an http(s) URL")
    host = strip_host_prefix(hostname)
    source = next((s for s in load_sources().sources if host in s.all_hosts), None)
    size = html_file.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise InputError(f"{html_file}: {size} bytes is more than a page may have ({MAX_PAGE_BYTES})")
    try:
        body = html_file.read_bytes()
        check_html_bytes(body)
        rules = UrlRules.of(source).article if source else None
        own = rule_from_layout(load_model(rules_file, LayoutFile).layout, rules_file.stem) if rules_file else None
        if own is None and source is not None and source.layout is not None:
            own = rule_from_layout(source.layout, source.id)
        page = extract_article(decode_html(body), url, source.cms if source else None, rules, own)
    except PageError as exc:  # bad input is a usage error: exit 2, as for a bad option
        fail(f"{html_file}: {exc}", EXIT_BAD_INPUT)
    echo_json(page.to_json())
