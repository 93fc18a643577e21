"""The generic news spider: `scrapy crawl news -a source=baonghean`."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from config import Source, load_sources
from config.cms import GENERIC
from crawler import discovery
from crawler.dates import dates_in
from crawler.extraction import decode_html, extract_article
from crawler.extraction.page import PageError
from crawler.extraction.rules import rule_from_layout
from crawler.items import ArticleItem
from crawler.urls import canonicalize, clean
from crawler.warc import WARC_KEY
from search import VN_TZ, Store, StoreError, article_id, crawlstats, open_store

logger = logging.getLogger(__name__)

RUNNING_MARKER = "cchc.running"  # in a JOBDIR while its crawl runs; left behind only by a killed crawl
PAGE_NUMBER = re.compile(r"\d+")
GONE_STATUSES = (404, 410)  # a page that answers these on a recheck was taken down
HTML_TYPE = re.compile(r"^\s*(text/html|application/xhtml\+xml|text/plain)\b", re.IGNORECASE)


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, VN_TZ) if day else None


class NewsSpider(scrapy.Spider):
    """Discovers a source's articles from its feeds, sitemaps and listings, and extracts each one."""

    name = "news"

    def __init__(
        self,
        source: str | Source | None = None,
        since: str | None = None,
        until: str | None = None,
        refresh: bool | str = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not source:
            raise ValueError("say which source to crawl: -a source=ID (ids are in config/sources.yaml)")
        if isinstance(source, Source):
            self.source = source  # given by the runner, which read sources.yaml once for every source of the run
        else:
            try:
                self.source = load_sources().get(source)
            except KeyError:
                raise ValueError(f"unknown source {source!r}: see `cchc sources`") from None
        self.rules = discovery.UrlRules.of(self.source)
        self.layout = rule_from_layout(self.source.layout, self.source.id) if self.source.layout else None
        # A source speaks for its unit only while it is valid: a host that served a district until 30/6/2025 and
        # its commune after is two sources, each keeping its own dates' articles, whatever --since/--until say.
        first = max(filter(None, (since and date.fromisoformat(since), self.source.valid_from)), default=None)
        last = min(filter(None, (until and date.fromisoformat(until), self.source.valid_to)), default=None)
        self.since = _day_start(first)
        self.until = _day_start(last) + timedelta(days=1) if last else None  # --until is inclusive
        # Incremental: pages already in the archive are not fetched again unless refreshing.
        self.refresh = refresh in (True, "1", "true", "yes")
        self._archive: Store | None = None
        self._requested: set[str] = set()
        self._archive_down = False

    def _store(self) -> Store:
        if self._archive is None:
            self._archive = open_store(self.crawler.settings["CCHC_STORE"])
        return self._archive

    def _stored(self, url: str) -> bool:
        """Whether the archive has the page; when it cannot say (unreachable), fetch: losing nothing comes first."""
        if self.refresh or self._archive_down:
            return False
        try:
            return self._store().exists(article_id(url))
        except StoreError as exc:
            self._archive_down = True  # ask no more in this run
            self.crawler.stats.inc_value(crawlstats.ARCHIVE_UNAVAILABLE)
            logger.warning("cannot check the archive, fetching every page: %s", exc)
            return False

    def _job_marker(self) -> Path | None:
        jobdir = self.crawler.settings.get("JOBDIR")
        return Path(jobdir) / RUNNING_MARKER if jobdir else None

    def closed(self, reason: str) -> None:
        if self._archive is not None:
            self._archive.close()
        if (marker := self._job_marker()) is not None:
            marker.unlink(missing_ok=True)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.source.cms == GENERIC and self.layout is None:
            self.crawler.stats.set_value(crawlstats.NO_LAYOUT_RULES, 1)  # health: generic pages are no redesign
        if (marker := self._job_marker()) is not None:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        # Discovery pages are never filtered as duplicates, so a resumed run discovers again what a killed one lost.
        for url in self.source.feeds:
            yield scrapy.Request(self.source.absolute(url), callback=self.parse_feed, dont_filter=True)
        for url in self.source.sitemaps:
            yield scrapy.Request(self.source.absolute(url), callback=self.parse_sitemap, dont_filter=True)
        for url in self.source.listings:
            yield scrapy.Request(
                self.source.absolute(url), callback=self.parse_listing, cb_kwargs={"page": 1}, dont_filter=True
            )

    def _article_request(self, url: str, via: str) -> scrapy.Request | None:
        self.crawler.stats.inc_value(crawlstats.DISCOVERED + via)
        # Tracking variants of one link collapse here, before Scrapy's duplicate filter; the host stays as linked.
        url = clean(url)
        identity = canonicalize(url)
        if identity in self._requested:
            return None
        self._requested.add(identity)
        if self._stored(identity):
            self.crawler.stats.inc_value(crawlstats.SKIPPED_KNOWN)
            return None
        # Not left to Scrapy's duplicate filter: a resumed job's filter remembers pages a killed run queued
        # but never fetched. The archive and this run's own set decide instead.
        return scrapy.Request(url, callback=self.parse_article, errback=self.fetch_failed, dont_filter=True)

    def fetch_failed(self, failure: Failure) -> None:
        """An article page that could not be fetched: counted by cause in the run record. A stored article whose
        page is gone (404, 410) is marked removed, never deleted."""
        self.crawler.stats.inc_value(crawlstats.FETCH_ERRORS + failure.type.__name__)
        logger.info("could not fetch %s: %s", failure.request.url, failure.getErrorMessage())
        response = getattr(failure.value, "response", None)
        if response is None or response.status not in GONE_STATUSES or self._archive_down:
            return
        try:
            if self._store().mark_removed(article_id(canonicalize(response.url)), datetime.now(VN_TZ)):
                self.crawler.stats.inc_value(crawlstats.REMOVED)
                logger.info("%s is gone (%d): its article is marked removed", response.url, response.status)
        except StoreError as exc:
            logger.error("cannot mark %s removed: %s", response.url, exc)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        links = discovery.feed_links(response.body)
        if not links:
            self.crawler.stats.inc_value(crawlstats.EMPTY_FEED)
            logger.warning("feed %s has no items", response.url)
        for url in links:
            if self.rules.is_article(url) and (request := self._article_request(url, "feed")):
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        kind, locs = discovery.sitemap_entries(response.body)
        if kind == "invalid":
            self.crawler.stats.inc_value(crawlstats.INVALID_SITEMAP)
            logger.warning("sitemap %s is not valid XML", response.url)
        for url in locs:
            if kind == "sitemapindex":
                yield scrapy.Request(url, callback=self.parse_sitemap, dont_filter=True)
            elif self.rules.is_article(url) and (request := self._article_request(url, "sitemap")):
                yield request

    def parse_listing(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        if not hasattr(response, "css"):
            self.crawler.stats.inc_value(crawlstats.LISTING_NOT_HTML)
            return
        # Listings run newest first: once a page shows nothing as recent as --since, older pages are not read.
        dates = dates_in(" ".join(response.css("body *::text").getall())) if self.since else []
        past_since = bool(dates) and max(dates) < self.since
        if past_since:
            self.crawler.stats.inc_value(crawlstats.LISTING_STOPPED_AT_SINCE)
        for url in discovery.page_links(response.url, response.css("a::attr(href)").getall()):
            if self.rules.is_article(url):
                if request := self._article_request(url, "listing"):
                    yield request
            elif self.rules.is_next_listing(url) and page < self.source.max_listing_pages and not past_since:
                # One page at a time (page N links to N+1), so a --since cut-off stops the walk.
                number = PAGE_NUMBER.findall(urlsplit(url).path)
                if not number or int(number[-1]) == page + 1:
                    yield scrapy.Request(
                        url, callback=self.parse_listing, cb_kwargs={"page": page + 1}, dont_filter=True
                    )

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        if not hasattr(response, "text") or not HTML_TYPE.match(content_type or "text/html"):
            self.crawler.stats.inc_value(crawlstats.NOT_HTML)
            logger.info("%s is not an HTML page (%s)", response.url, content_type)
            return
        try:
            page = extract_article(decode_html(response.body, content_type), response.url, self.source.cms,
                                   self.rules.article, self.layout)  # fmt: skip
        except PageError as exc:
            self.crawler.stats.inc_value(crawlstats.EXTRACTION_FAILED)
            logger.warning("cannot extract %s: %s", response.url, exc)
            return
        self.crawler.stats.inc_value(crawlstats.EXTRACTED + page.rule)
        for warning in page.warnings:
            logger.warning("%s: %s", response.url, warning)
        yield ArticleItem(
            extracted=page,
            source=self.source.id,
            channel=self.source.channel,
            unit=self.source.unit,
            language=self.source.language,
            fetched_at=datetime.now(VN_TZ),
            warc=response.meta.get(WARC_KEY),
        )
