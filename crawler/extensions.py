"""Record every crawl run in the store: Scrapy's stats and how the run ended."""

from __future__ import annotations

import logging
from datetime import datetime

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from search import VN_TZ, CrawlRun, StoreError, open_store

logger = logging.getLogger(__name__)


class CrawlRecorder:
    """On spider close, store a CrawlRun with the run's stats (counts by drop reason, HTTP codes...)."""

    def __init__(self, crawler: Crawler, store_url: str) -> None:
        self.crawler = crawler
        self.store_url = store_url
        self.started_at = datetime.now(VN_TZ)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecorder:
        url = crawler.settings.get("CCHC_STORE")
        if not url:
            raise NotConfigured("CCHC_STORE is empty: runs are not recorded")
        extension = cls(crawler, url)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = datetime.now(VN_TZ)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        source = getattr(getattr(spider, "source", None), "id", spider.name)
        stats = {
            k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.crawler.stats.get_stats().items()
        }
        stats["finish_reason"] = reason
        run = CrawlRun(source, self.started_at, datetime.now(VN_TZ), reason, stats)
        try:
            with open_store(self.store_url) as store:
                store.record_run(run)
        except StoreError as exc:
            logger.error("could not record the crawl run of %s: %s", source, exc)
