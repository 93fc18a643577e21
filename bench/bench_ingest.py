"""Ingest speed: crawl a generated mirror of 5,000 article pages on loopback (politeness off) through extraction,
classification and storage into SQLite, every fetched page kept as WARC; beside it, the bare cost of extraction
plus the classifier on the same pages in the same process, with the same model object. `make bench` runs it.
Prints figures only.

Fair to both sides: the model (and the crawl's gazetteer matcher) are built before either side is timed, the
classifier is warmed, both classify in batches of CCHC_BATCH_SIZE, and the mirror is served from a child process
(keeping connections open, as a news site's server does) by bench/static_site.py, from memory, so neither side's
figures hold the cost of serving: a news site's server runs on another machine. (Served by http.server, the pages
cost 0.9-1.8 ms of processor time each on the crawl's own two cores, and Scrapy's fetching alone took 1.5x the bare
cost; served from memory, it takes 0.5x.) The crawl classifies in a process beside it, as `cchc crawl` does: its
processor time and memory are counted. Last, the processor floor: the least wall time any crawl of these pages
could take on this machine."""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import re
import resource
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from threadpoolctl import threadpool_limits

from bench.memory import peak_memory
from bench.static_site import serve
from cchc import MIRRORS_DIR
from cchc.mirrors import article_pages, host_map
from classifier.text import document
from config import Source, load_sources
from crawler.extraction import decode_html, extract_article
from crawler.pipelines import shared_model, shared_places
from crawler.runner import crawler_settings, run_crawl
from search.batching import batched
from search.sqlite import SQLiteStore

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16}  # fmt: skip


def generate(root: Path, count: int) -> list[Path]:
    """`count` article pages made from the mirror's Vietnamese ones (new ids), and a sitemap of them all."""
    source = load_sources().get("baonghean")
    templates = [p for u, p in article_pages(MIRRORS_DIR, source) if "/en/" not in u]
    site = root / "baonghean"
    site.mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nSitemap: https://baonghean.vn/sitemap.xml\n")
    pages, locs = [], []
    for n in range(count):
        template = templates[n % len(templates)]
        html = template.read_text(encoding="utf-8")
        old = template.name
        name = re.sub(r"-(?:post)?\d{6,8}\.html$", f"-bench-10{n:06d}.html", old)
        # A distinct title keeps every page a distinct article.
        html = html.replace(old, name).replace("</h1>", f" (bản {n})</h1>", 1)
        (site / name).write_text(html, encoding="utf-8")
        pages.append(site / name)
        locs.append(f"<url><loc>https://baonghean.vn/{name}</loc></url>")
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(locs)
        + "</urlset>"
    )
    return pages


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def extract_and_classify(pages: list[Path]) -> None:
    """Extract and classify `pages`, with no crawler and no store: the crawl's model, the crawl's batch size."""
    source = load_sources().get("baonghean")
    settings = crawler_settings()
    model = shared_model(settings["CCHC_MODEL"]).model
    docs = []
    for path in pages:
        page = extract_article(decode_html(path.read_bytes()), f"https://baonghean.vn/{path.name}", source.cms)
        docs.append(document(page.title, page.lead, page.text))
    for batch in batched(docs, settings.getint("CCHC_BATCH_SIZE")):
        model.predict(batch)


def bare_cost(pages: list[Path]) -> float:
    """Seconds to extract and classify every page, caches warm (the model loaded, the word segmenter started), with
    BLAS and OpenMP on one thread each, as in the crawl's classifier process: a second thread made it no faster
    (6.1-6.5 s against 6.1-6.2 s for 2,000 pages) and waited busily (9.7-11.4 s of processor time against 6.4-6.6),
    which would count in the processor floor."""
    with threadpool_limits(1):
        extract_and_classify(pages[:20])
        started = time.perf_counter()
        extract_and_classify(pages)
        return time.perf_counter() - started


def _serve(root: Path, sources: list[Source], conn: Connection) -> None:
    """The child process: serve `root`, send the host map, serve until told to stop, send the processor seconds
    spent serving (its start-up not counted)."""

    async def run() -> None:
        loop = asyncio.get_running_loop()
        ready, stop = loop.create_future(), asyncio.Event()
        server = asyncio.create_task(serve(root, ready, stop))
        conn.send(host_map(f"http://127.0.0.1:{await ready}", sources))
        started = cpu_seconds()
        await loop.run_in_executor(None, conn.recv)
        stop.set()
        await server
        conn.send(cpu_seconds() - started)

    asyncio.run(run())


@dataclass
class Mirror:
    hosts: dict[str, str]
    """CCHC_MIRRORS of the sources served."""
    serving_cpu: float = 0.0
    """Processor seconds the server spent serving, once it has stopped."""


@contextmanager
def mirror_process(root: Path, sources: list[Source]) -> Iterator[Mirror]:
    """`sources` served from `root` by a child process (a real site's server is not the crawl)."""
    parent, child = multiprocessing.get_context("spawn").Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(root, sources, child), daemon=True)
    server.start()
    child.close()  # the child's end now lives in the child only: if it dies, recv() ends instead of waiting
    mirror = Mirror(parent.recv())
    try:
        yield mirror
    finally:
        parent.send("stop")
        mirror.serving_cpu = parent.recv()
        server.join(10)


class _FetchOnly(scrapy.Spider):
    """Fetches the given URLs and keeps nothing: the floor under any crawl of them on this machine."""

    name = "fetch-only"

    def __init__(self, urls: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Response) -> None:
        self.crawler.stats.inc_value("bench/fetched")


def _fetch_only(urls: list[str], conn: Connection) -> None:
    """The child process: fetch `urls` with Scrapy as the crawl does (same concurrency), send (pages, seconds,
    processor seconds)."""
    process = CrawlerProcess({**FAST, "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False})
    crawler = process.create_crawler(_FetchOnly)
    process.crawl(crawler, urls=urls)
    started, cpu_started = time.perf_counter(), cpu_seconds()
    process.start()
    fetched = crawler.stats.get_value("bench/fetched", 0)
    conn.send((fetched, time.perf_counter() - started, cpu_seconds() - cpu_started))


def fetch_floor(urls: list[str]) -> tuple[int, float, float]:
    """Pages fetched, seconds and processor seconds taken by Scrapy alone (no extraction, no pipelines, no WARC), in
    a fresh process (a process runs one reactor)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    fetcher = context.Process(target=_fetch_only, args=(urls, child))
    fetcher.start()
    child.close()
    try:
        return parent.recv()
    finally:
        fetcher.join(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=5000)
    args = parser.parse_args()
    # As the CLI does: warnings only, so the figures do not measure log formatting.
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    logging.root.addHandler(handler)
    print(f"machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pages = generate(root / "sites", args.pages)
        # Built once per process and shared by every crawler of a run, like the model: built before either side
        # is timed, so the figures compare the work done per page.
        shared_places()
        cpu_started = cpu_seconds()
        bare = bare_cost(pages)
        bare_cpu = cpu_seconds() - cpu_started
        print(f"bare extraction + classifier: {len(pages)} pages in {bare:.1f} s = {len(pages) / bare:.0f} pages/s")
        sources = [load_sources().get("baonghean")]
        db = root / "ingest.db"
        with mirror_process(root / "sites", sources) as mirror:
            settings = {**FAST, "CCHC_STORE": f"sqlite:///{db}", "CCHC_MIRRORS": mirror.hosts,
                        "CCHC_WARC_DIR": str(root / "warc")}  # fmt: skip
            started, cpu_started, child_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(resource.RUSAGE_CHILDREN)
            with peak_memory(os.getpid()) as memory:
                summaries = run_crawl(sources, settings)
            elapsed, crawl_cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
            # The classifier process has ended with the crawl; the mirror's server (also a child) not yet.
            classifier_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - child_cpu
        with mirror_process(root / "sites", sources) as floor_mirror:
            urls = [f"{floor_mirror.hosts['baonghean.vn']}/{page.name}" for page in pages]
            fetched, fetching, fetching_cpu = fetch_floor(urls)
        stored = SQLiteStore(db).stats().total
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = stored / elapsed
        print(f"crawl -> extract -> classify -> SQLite: {stored} articles in {elapsed:.1f} s = {rate:.0f} articles/s"
              f" ({summaries[0].finish_reason}); peak memory {peak:.0f} MB")  # fmt: skip
        print(f"the pipeline costs {elapsed / bare:.1f}x the bare extraction + classifier on the same pages")
        print(f"fetching alone (Scrapy, the same server and concurrency, no extraction or pipelines): {fetched} pages"
              f" in {fetching:.1f} s = {fetched / fetching:.0f} pages/s, {fetching / bare:.1f}x the bare cost; the"
              f" pipeline costs {elapsed / fetching:.1f}x it")  # fmt: skip
        print(f"peak memory of the crawl with its classifier process: {memory[0]:.0f} MB (PSS, sampled)")
        # On a shared machine, wall time also measures the neighbours; processor time (the crawl's threads, its
        # store writer, and the classifier process; not the mirror's server) does not.
        pipeline_cpu = crawl_cpu + classifier_cpu
        print(f"processor time: bare {bare_cpu:.1f} s, pipeline {pipeline_cpu:.1f} s ({pipeline_cpu / bare_cpu:.1f}x;"
              f" {classifier_cpu:.1f} s of it in the classifier process); the mirror's server"
              f" {mirror.serving_cpu:.1f} s")  # fmt: skip
        # The least wall time any crawl of these pages could take here: the bare work, Scrapy's fetching and the
        # server's serving all need processor time, and the machine's cores share it at best evenly.
        cores = os.cpu_count() or 1
        floor = (bare_cpu + fetching_cpu + floor_mirror.serving_cpu) / cores
        print(f"processor floor: bare {bare_cpu:.1f} s + fetching {fetching_cpu:.1f} s + serving"
              f" {floor_mirror.serving_cpu:.1f}"
              f" s over {cores} cores = {floor:.1f} s at best, {floor / bare:.1f}x the bare cost")  # fmt: skip


if __name__ == "__main__":
    main()
