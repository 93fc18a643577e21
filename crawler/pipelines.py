"""Item pipelines: validate -> dedupe -> classify (and places) -> store, counting what each drops in the crawl stats.

With a model, the gazetteer's places are found in the classifier's batch (beside the crawl, in its processes); a
crawl that stores unlabeled articles finds them in PlacesPipeline.

Classify and store work on batches (crawler/batches.py): CCHC_BATCH_SIZE items, or what came within
CCHC_BATCH_MAX_WAIT seconds."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from threadpoolctl import threadpool_limits

from classifier import LoadedModel
from classifier import load as load_model
from classifier.places import PlaceMatcher
from config import config_file, load_places, load_plan, load_taxonomy
from config.models import QaColumn
from crawler.batches import Batcher, batcher_for
from crawler.items import ArticleItem
from crawler.labeling import classify_articles, located
from search import Article, Store, StoreError, UpsertOutcome, article_id, crawlstats, open_store
from search.deadletter import DeadLetter
from search.limits import MAX_LEAD_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS, cut_text

logger = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def shared_model(directory: str) -> LoadedModel:
    """The model in `directory`, loaded once per process: the crawlers of every source in a run classify with the
    same object (a copy each would cost its memory a hundred times over in a province-wide run)."""
    return load_model(Path(directory), load_taxonomy())


def _serve_the_crawl(crawl: int) -> None:
    """A classifier process ignores Ctrl-C and SIGTERM (which reach it with the crawl's): the crawl stops gracefully,
    and its last batches still need classifying. It ends when the crawl shuts it down, or within a second of the
    crawl's process `crawl` ending without doing so (killed).

    It runs OpenMP and BLAS code on one thread each. GNU OpenMP's threads (the relevance mix's trees) do not survive
    a fork, so a process forked after its parent ran such code (a crawl after one that classified in its own
    process, a benchmark's bare run) would otherwise wait for them forever. OpenBLAS's second thread made a batch no
    faster and spent half again its processor time waiting busily, time the crawl beside it needs."""
    threadpool_limits(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == crawl:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="cchc-crawl-watch", daemon=True).start()


_classifiers: list[ProcessPoolExecutor] = []  # this process's classifier processes, once started


def classifier_processes(workers: int) -> ProcessPoolExecutor:
    """`workers` processes (the first call's count) that classify beside the crawl, shared by every crawler of this
    process.

    They are forked from this process once its model is loaded (they inherit it instead of loading it again) and
    before the crawl's threads start: the first crawler asks for them while it is created."""
    if not _classifiers:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_serve_the_crawl, initargs=(os.getpid(),))  # fmt: skip
        pool.submit(os.getpid).result()  # a forking pool starts all its processes at its first task: now
        _classifiers.append(pool)
    return _classifiers[0]


def close_classifier_processes() -> None:
    """Shut the classifier processes down (at a crawl's end), if any were started."""
    while _classifiers:
        _classifiers.pop().shutdown()


def classify_batch(directory: str, column: QaColumn | None, articles: list[Article]) -> list[Article]:
    """Label a batch with the process's model and the places it mentions with its gazetteer matcher (in a classifier
    process: the ones it inherited). Labeling copies each record, which computes what ValidatePipeline deferred
    (the fingerprint, the words)."""
    matcher = shared_places()
    return [located(article, matcher) for article in classify_articles(shared_model(directory), articles, column)]


@lru_cache(maxsize=2)
def _place_matcher(path: Path, modified_ns: int) -> PlaceMatcher:
    return PlaceMatcher(load_places(path))


def shared_places() -> PlaceMatcher:
    """The gazetteer's matcher, built once per process while places.yaml is unchanged: building it takes most of
    a second, which every crawler of a province-wide run would pay again."""
    path = config_file("places.yaml")
    return _place_matcher(path, path.stat().st_mtime_ns if path.is_file() else 0)


def _drop(crawler: Crawler, reason: str, detail: str) -> DropItem:
    crawler.stats.inc_value(crawlstats.DROPPED + reason)
    return DropItem(f"{reason}: {detail}")


class ValidatePipeline:
    """Refuse pages that are not articles (no title, too little text) or outside --since/--until."""

    def __init__(self, crawler: Crawler, min_text_chars: int) -> None:
        self.crawler = crawler
        self.min_text_chars = min_text_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler, crawler.settings.getint("CCHC_MIN_TEXT_CHARS", 200))

    def process_item(self, item: ArticleItem) -> Article:
        page = item.extracted
        if not page.title:
            raise _drop(self.crawler, "no_title", page.url)
        if len(page.text) < self.min_text_chars:
            raise _drop(self.crawler, "short_text", f"{page.url} has {len(page.text)} characters")
        spider = self.crawler.spider
        since: datetime | None = getattr(spider, "since", None)
        until: datetime | None = getattr(spider, "until", None)
        if page.published_at is None:
            self.crawler.stats.inc_value(crawlstats.NO_DATE)
        elif since and page.published_at < since:
            raise _drop(self.crawler, "before_since", page.url)
        elif until and page.published_at >= until:
            raise _drop(self.crawler, "after_until", page.url)
        text = cut_text(page.text, MAX_TEXT_CHARS)
        if len(text) < len(page.text):
            self.crawler.stats.inc_value("cchc/truncated/text")
            logger.warning("%s: text cut from %d to %d characters", page.url, len(page.text), len(text))
        return Article(
            id=article_id(page.canonical_url),
            url=page.url,
            canonical_url=page.canonical_url,
            source=item.source,
            channel=item.channel,
            unit=item.unit,
            title=page.title[:MAX_TITLE_CHARS],
            lead=cut_text(page.lead, MAX_LEAD_CHARS),
            text=text,
            author=page.author,
            section=page.section,
            tags=page.tags,
            language=page.language or item.language,
            media=page.media,
            duration_s=page.duration_s,
            published_at=page.published_at,
            fetched_at=item.fetched_at,
            warc=item.warc,
            # Computed when the record is copied with its labels: in the classifier's batch, beside the crawl (with
            # no model, with its places).
            defer_derived=True,
        )


class DedupePipeline:
    """Drop a second copy of an article within one run: same canonical URL or same words."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ids: set[str] = set()
        self.hashes: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, article: Article) -> Article:
        if article.id in self.ids:
            raise _drop(self.crawler, "duplicate_url", article.canonical_url)
        if article.content_hash in self.hashes:
            raise _drop(self.crawler, "duplicate_content", article.canonical_url)
        self.ids.add(article.id)
        self.hashes.add(article.content_hash)
        return article


class ClassifyPipeline:
    """Tag each article with the plan's content areas using the model in CCHC_MODEL, and with the places it
    mentions, a batch per model call: in CCHC_CLASSIFY_WORKERS processes beside the crawl, or in the crawl's own
    process when that is 0."""

    def __init__(self, crawler: Crawler, directory: str, column: QaColumn | None) -> None:
        self.crawler = crawler
        shared_model(directory)  # loaded here, before any classifier process is forked
        shared_places()  # built here too: every classifier process inherits it
        workers = crawler.settings.getint("CCHC_CLASSIFY_WORKERS")
        executor = classifier_processes(workers) if workers > 0 else None
        self.batcher: Batcher[Article, Article] = batcher_for(crawler, partial(classify_batch, directory, column),
                                                              executor)  # fmt: skip

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClassifyPipeline:
        directory = crawler.settings.get("CCHC_MODEL")
        if not directory:
            raise NotConfigured("CCHC_MODEL is empty: articles are stored unlabeled")
        return cls(crawler, directory, load_plan().qa_column)

    async def process_item(self, article: Article) -> Article:
        result = await self.batcher.submit(article)
        self.crawler.stats.inc_value(crawlstats.CLASSIFIED + ("relevant" if result.relevant else "not_relevant"))
        count_places(self.crawler, result)
        return result

    def close_spider(self) -> None:
        self.batcher.flush()


def count_places(crawler: Crawler, article: Article) -> None:
    if article.places:
        crawler.stats.inc_value(crawlstats.PLACES_MENTIONED)


class PlacesPipeline:
    """Record which gazetteer places (config/places.yaml) each article mentions, in a crawl without a model (with
    one, ClassifyPipeline finds them in its batches)."""

    def __init__(self, crawler: Crawler, matcher: PlaceMatcher) -> None:
        self.crawler = crawler
        self.matcher = matcher

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PlacesPipeline:
        if crawler.settings.get("CCHC_MODEL"):
            raise NotConfigured  # ClassifyPipeline finds the places (no message: Scrapy would log it as a warning)
        return cls(crawler, shared_places())

    def process_item(self, article: Article) -> Article:
        result = located(article, self.matcher)
        count_places(self.crawler, result)
        return result


class StorePipeline:
    """Upsert articles into the store named by CCHC_STORE, a transaction per batch; count new, updated and unchanged.

    A batch the store cannot take goes to the dead-letter file (`cchc store replay`) and counts as deferred."""

    def __init__(self, crawler: Crawler, store_url: str, dead_letter: DeadLetter) -> None:
        self.crawler = crawler
        self.store_url = store_url
        self.dead_letter = dead_letter
        self.store: Store | None = None
        # One writer thread: SQLite indexes a batch (without the GIL) while the crawl extracts and classifies.
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-store")
        self.batcher: Batcher[Article, UpsertOutcome] = batcher_for(crawler, self._store, self.writer)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        url = crawler.settings.get("CCHC_STORE")
        if not url:
            raise NotConfigured("CCHC_STORE is empty: articles are not stored")
        return cls(crawler, url, DeadLetter())

    def open_spider(self) -> None:
        self.store = open_store(self.store_url)

    async def close_spider(self) -> None:
        await self.batcher.drain()
        self.writer.shutdown()
        if self.store is not None:
            self.store.close()

    def _store(self, articles: list[Article]) -> list[UpsertOutcome]:
        assert self.store is not None
        try:
            return self.store.upsert_batch(articles)
        except StoreError as exc:
            logger.error("%s", exc)
            self.dead_letter.append(articles, self.store_url, str(exc))
            return [UpsertOutcome.DEFERRED] * len(articles)

    async def process_item(self, article: Article) -> Article:
        outcome = await self.batcher.submit(article)
        self.crawler.stats.inc_value(crawlstats.STORED + outcome.value)
        if article.published_at is not None:
            # How far back this run read: the coverage report's "known" window starts here.
            published = article.published_at.isoformat()
            self.crawler.stats.min_value(crawlstats.PUBLISHED_OLDEST, published)
            self.crawler.stats.max_value(crawlstats.PUBLISHED_NEWEST, published)
        if article.section:
            self.crawler.stats.inc_value(f"{crawlstats.SECTION}{article.section}/{outcome.value}")
        return article
