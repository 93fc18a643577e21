"""`cchc extract`: extract one saved page, offline."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import click

from cchc.errors import InputError
from cchc.options import echo_json
from config import load_sources
from config.models import strip_host_prefix
from crawler.discovery import UrlRules
from crawler.extraction import decode_html, extract_article
from search.limits import MAX_PAGE_BYTES

logger = logging.getLogger(__name__)


# Files that are not HTML at all, by their first bytes.
NOT_HTML = {b"\x1f\x8b": "gzip-compressed (gunzip it first)", b"PK\x03\x04": "a ZIP archive", b"%PDF": "a PDF file",
            b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"BZh": "bzip2-compressed",
            b"\xfd7zXZ": "xz-compressed", b"\x28\xb5\x2f\xfd": "zstd-compressed"}  # fmt: skip


def read_page(path: Path) -> bytes:
    """The bytes of a saved page, refused (InputError, exit 2) when too big or not text at all."""
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise InputError(f"{path}: {size} bytes is more than a page may have ({MAX_PAGE_BYTES})")
    body = path.read_bytes()
    for magic, kind in NOT_HTML.items():
        if body.startswith(magic):
            raise InputError(f"{path}: not an HTML page: {kind}")
    head = body[:8192]
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) or control > len(head) // 20:
        raise InputError(f"{path}: not an HTML page: binary data")
    return body


@click.command()
@click.argument("html_file", metavar="FILE.html", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The page's address (picks the source's layout rules).")
def extract(html_file: Path, url: str) -> None:
    """Print the article extracted from a saved HTML page as one JSON object.

    \b
    Example:
      cchc extract page.html --url https://baonghean.vn/some-article-10293456.html
    """
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError as exc:
        raise InputError(f"--url {url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise InputError(f"--url {url!r} is not an http(s) URL")
    host = strip_host_prefix(hostname)
    source = next((s for s in load_sources().sources if host in s.all_hosts), None)
    html = decode_html(read_page(html_file))
    rules = UrlRules.of(source).article if source else None
    page = extract_article(html, url, source.cms if source else None, rules)
    echo_json(page.to_json())
