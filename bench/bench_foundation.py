"""Extraction, SQLite ingest and search figures on the bundled mirror: `make bench`.

Prints figures only; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

from cchc import MIRRORS_DIR
from cchc.mirrors import article_pages
from config import load_sources
from crawler.discovery import UrlRules
from crawler.extraction import decode_html, extract_article
from search import Article, SearchQuery, article_id
from search.sqlite import SQLiteStore

QUERIES = ["cai cach hanh chinh", '"dịch vụ công"', "dang uy", "chuyển đổi số -video", "nong dan OR ngu dan"]


def bench_extraction(rounds: int) -> list[Article]:
    source = load_sources().get("baonghean")
    rules = UrlRules.of(source).article
    pages = [(url, decode_html(path.read_bytes())) for url, path in article_pages(MIRRORS_DIR, source)]
    started = time.perf_counter()
    extracted = []
    for _ in range(rounds):
        extracted = [extract_article(html, url, source.cms, rules) for url, html in pages]
    elapsed = time.perf_counter() - started
    print(f"extraction: {len(pages) * rounds} pages in {elapsed:.2f} s = {len(pages) * rounds / elapsed:.0f} pages/s")
    return [
        Article(id=article_id(e.canonical_url), url=e.url, canonical_url=e.canonical_url, source="baonghean",
                channel="newspaper", title=e.title, lead=e.lead, text=e.text, published_at=e.published_at)
        for e in extracted
    ]  # fmt: skip


def bench_store(seed: list[Article], copies: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "bench.db")
        articles = [
            dataclasses.replace(a, id=f"{a.id}-{i}", url=f"{a.url}?copy={i}", text=f"{a.text} bản {i}", content_hash="")
            for i in range(copies)
            for a in seed
        ]
        started = time.perf_counter()
        store.upsert_many(articles)
        elapsed = time.perf_counter() - started
        print(f"sqlite upsert: {len(articles)} articles in {elapsed:.2f} s = {len(articles) / elapsed:.0f} articles/s")
        for query in QUERIES:
            times = []
            for _ in range(30):
                t0 = time.perf_counter()
                result = store.search(SearchQuery(text=query, limit=20))
                times.append((time.perf_counter() - t0) * 1000)
            p95 = statistics.quantiles(times, n=20)[-1]
            print(f"search {query!r}: {result.total} hits, p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
        print(f"store size: {store.stats().size_bytes / 1_048_576:.1f} MB")
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="extraction passes over the mirror pages")
    parser.add_argument("--copies", type=int, default=200, help="copies of each mirror article to store")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    bench_store(bench_extraction(args.rounds), args.copies)


if __name__ == "__main__":
    main()
