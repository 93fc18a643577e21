"""`cchc extract`: extract one saved page, offline."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click

from cchc.options import echo_json
from config import load_sources
from config.models import strip_host_prefix
from crawler.discovery import UrlRules
from crawler.extraction import decode_html, extract_article


@click.command()
@click.argument("html_file", metavar="FILE.html", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The page's address (picks the source's layout rules).")
def extract(html_file: Path, url: str) -> None:
    """Print the article extracted from a saved HTML page as one JSON object.

    \b
    Example:
      cchc extract page.html --url https://baonghean.vn/some-article-10293456.html
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--url")
    host = strip_host_prefix(urlsplit(url).hostname or "")
    source = next((s for s in load_sources().sources if host in s.all_hosts), None)
    html = decode_html(html_file.read_bytes())
    rules = UrlRules.of(source).article if source else None
    page = extract_article(html, url, source.cms if source else None, rules)
    echo_json(page.to_json())
