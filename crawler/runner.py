"""Run the news spider for several sources in this process and collect what each run did."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from config import Source
from crawler.spiders.news import NewsSpider

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSummary:
    source: str
    finish_reason: str
    stats: dict[str, Any]

    def count(self, key: str) -> int:
        return int(self.stats.get(key, 0))


def crawler_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project's Scrapy settings with `overrides` on top."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def run_crawl(
    sources: list[Source],
    settings: dict[str, Any],
    since: str | None = None,
    until: str | None = None,
    on_event: Callable[[str, str], None] | None = None,
    jobs_dir: Path | None = None,
) -> list[RunSummary]:
    """Crawl `sources` in parallel; blocks until all finish. Can run once per process (Twisted).

    With `jobs_dir`, each source keeps its pending requests in `jobs_dir/<source>` (Scrapy's JOBDIR) and
    skips pages already stored: a killed run continues where it stopped.
    """
    process = CrawlerProcess(crawler_settings({"LOG_INSTALL_ROOT_HANDLER": False, **settings}))
    crawlers = []
    for source in sources:
        spider_class = NewsSpider
        if jobs_dir:
            # Per-source job state: a subclass carries its own JOBDIR (Scrapy reads custom_settings per crawler).
            job = {"JOBDIR": str(jobs_dir / source.id)}
            spider_class = type(f"NewsSpider_{source.id}", (NewsSpider,), {"custom_settings": job})
        crawler = process.create_crawler(spider_class)
        if on_event is not None:
            for signal, name in (
                (signals.item_scraped, "stored"),
                (signals.item_dropped, "dropped"),
                (signals.response_received, "fetched"),
            ):
                crawler.signals.connect(
                    lambda *_, _s=source.id, _n=name, **__: on_event(_s, _n), signal=signal, weak=False
                )
        process.crawl(crawler, source=source.id, since=since, until=until, resume=jobs_dir is not None)
        crawlers.append((source, crawler))
    process.start()
    return [
        RunSummary(source.id, str(crawler.stats.get_value("finish_reason", "unknown")), crawler.stats.get_stats())
        for source, crawler in crawlers
    ]
