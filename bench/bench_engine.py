"""The same archive in SQLite and in a search engine: ingest rate, search p50/p95 and a year's coverage on each.

    python -m bench.bench_engine [--articles 20000] [--store opensearch+http://127.0.0.1:9200]

Without --store it starts a throwaway OpenSearch node from engines/ (as `make test-es` does) and removes it
afterwards; with --store it uses that cluster and DELETES its cchc-* indices first. The archive is the generated
one of bench_web (texts from ../shared/data when present), copied article for article into both stores.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path

from bench.bench_search import QUERIES, timed
from bench.bench_web import prepare_archive
from config import load_plan, load_sources, load_taxonomy
from coverage.report import build_coverage
from search import FACET_DIMENSIONS, SearchQuery, Store, UpsertOutcome
from search.deadletter import DeadLetter
from search.elastic import setup
from search.elastic.store import ElasticStore
from search.sqlite import SQLiteStore

BATCH = 500


def ingest(target: Store, source: SQLiteStore) -> tuple[float, int]:
    """Articles per second writing every article of `source` into `target`; how many were deferred."""
    t0, deferred, batch, n = time.perf_counter(), 0, [], 0
    for article in [*source.iter_articles(), None]:
        if article is not None:
            batch.append(article)
            n += 1
        if batch and (article is None or len(batch) == BATCH):
            deferred += target.upsert_many(batch, batch_size=BATCH)[UpsertOutcome.DEFERRED]
            batch = []
    if hasattr(target, "refresh"):
        target.refresh()
    return n / (time.perf_counter() - t0), deferred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--store", help="an engine URL (its cchc-* indices are deleted); default: a throwaway node")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; archive: {args.articles} generated articles")
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        url = args.store
        if not url:
            from engines.run_engine import Node

            node = Node()
            stack.callback(node.stop)
            seconds = node.start()
            url = node.store_url
            print(f"{node.describe()} started in {seconds:.1f} s (heap {node.heap})")
        source_db = Path(tmp) / "source.db"
        prepare_archive(source_db, args.articles, reuse=False)
        source = stack.enter_context(SQLiteStore(source_db))
        sqlite = stack.enter_context(SQLiteStore(Path(tmp) / "copy.db"))
        engine = stack.enter_context(ElasticStore(url, dead_letter=DeadLetter(Path(tmp) / "dead")))
        print(f"engine: {engine.ping()}")
        engine.client.indices.delete(index="cchc-articles-v*,cchc-runs-v*", ignore_unavailable=True)
        setup.init(engine.client)
        for run in reversed(source.runs(limit=100_000)):
            sqlite.record_run(run)
            engine.record_run(run)
        stores = {"sqlite": sqlite, "engine": engine}
        for name, store in stores.items():
            rate, deferred = ingest(store, source)
            print(f"{name:<7} ingest {rate:8.0f} articles/s  deferred {deferred}  total {store.stats().total}")
        for label, text, with_facets in QUERIES:
            query = SearchQuery(text=text, fold_reprints=True)
            line = f"{label:<16}"
            for name, store in stores.items():

                def search(store: Store = store, query: SearchQuery = query, with_facets: bool = with_facets) -> int:
                    found = store.search(query).total
                    if with_facets:
                        store.facets(query, FACET_DIMENSIONS, 15)
                    return found

                ((p50, p95),) = timed([search], args.repeat)
                line += f"  {name} p50 {p50:6.1f} ms p95 {p95:6.1f} ms ({search()} hits)"
            print(line)
        taxonomy, plan, sources = load_taxonomy(), load_plan(), load_sources().sources
        areas = [a.id for a in taxonomy.areas]
        year = (date(2025, 1, 1), date(2025, 12, 31))
        line, cells = f"{'coverage, 1 year':<16}", {}
        for name, store in stores.items():

            def cover(store: Store = store) -> object:
                return build_coverage(store, sources, plan, areas, *year, today=date(2026, 11, 28))

            ((p50, p95),) = timed([cover], max(3, args.repeat // 4))
            cells[name] = cover()
            line += f"  {name} p50 {p50:6.1f} ms p95 {p95:6.1f} ms"
        print(line)
        reports = [{k: v for k, v in r.to_json().items() if k != "generated_at"} for r in cells.values()]
        same = reports[0] == reports[1]
        print(f"coverage reports identical on both stores: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
