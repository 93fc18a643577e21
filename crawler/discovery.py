"""Find article and listing links in feeds, sitemaps and listing pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy.utils.sitemap import Sitemap

from config import Source
from config.models import strip_host_prefix

_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class UrlRules:
    """A source's URL rules, compiled once."""

    hosts: frozenset[str]
    article: re.Pattern[str]
    pagination: re.Pattern[str] | None
    skip: re.Pattern[str] | None

    @classmethod
    def of(cls, source: Source) -> UrlRules:
        return cls(
            hosts=source.all_hosts,
            article=re.compile(source.article_url),
            pagination=re.compile(source.pagination_url) if source.pagination_url else None,
            skip=re.compile(source.skip_url) if source.skip_url else None,
        )

    def _on_site(self, url: str) -> str | None:
        """The path of `url` when it belongs to the source and is not skipped, else None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or strip_host_prefix(parts.hostname or "") not in self.hosts:
            return None
        if self.skip and self.skip.search(parts.path):
            return None
        return parts.path

    def is_article(self, url: str) -> bool:
        path = self._on_site(url)
        return path is not None and bool(self.article.search(path))

    def is_next_listing(self, url: str) -> bool:
        path = self._on_site(url)
        return path is not None and self.pagination is not None and bool(self.pagination.search(path))


def feed_links(body: bytes) -> list[str]:
    """Item links of an RSS 2.0 or Atom feed, in feed order."""
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    links = [t.strip() for t in root.xpath("//*[local-name()='item']/*[local-name()='link']/text()")]
    links += root.xpath("//*[local-name()='entry']/*[local-name()='link'][not(@rel) or @rel='alternate']/@href")
    return [link for link in links if link]


def sitemap_entries(body: bytes) -> tuple[str, list[str]]:
    """The sitemap's type ('sitemapindex' or 'urlset') and its <loc> URLs."""
    try:
        sitemap = Sitemap(body)
    except (etree.XMLSyntaxError, ValueError):
        return "invalid", []
    return sitemap.type, [entry["loc"] for entry in sitemap if entry.get("loc")]


def page_links(base_url: str, hrefs: list[str]) -> Iterator[str]:
    """Absolute http(s) URLs of a page's links, fragments dropped, each once."""
    seen: set[str] = set()
    for href in hrefs:
        href = href.strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if url not in seen:
            seen.add(url)
            yield url
