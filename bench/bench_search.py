"""Search at scale: a 50,000-article SQLite archive (texts from ../shared/data read at run time), p50/p95 of
typical queries and of a year's coverage matrix through the store, each beside the raw FTS5 query for the
same search (the ratio is what the store adds: folding, ranking, highlights, facets); then, with
`--large 200000`, one word and words + facets on a 200,000-article archive (building it took 20 minutes on 2
shared cores, so it is not done by default; `--reuse` keeps both archives). `make bench` runs it."""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from bench.bench_web import prepare_archive
from config import load_plan, load_sources, load_taxonomy
from coverage.report import build_coverage
from search import FACET_DIMENSIONS, SearchQuery
from search.query import parse_query
from search.sqlite import SQLiteStore

QUERIES = [
    ("one word", "cach", False),
    ("quoted phrase", '"dịch vụ công"', False),
    ("folded words", "cai cach hanh chinh", False),
    ("accented words", "một cửa", False),
    ("words + facets", "dang uy", True),
]


RAW_MATRIX = (
    "SELECT j.value, channel, published_month, count(*) FROM articles, json_each(articles.areas) j"
    " WHERE relevant = 1 AND duplicate_of IS NULL AND published_ts >= ? AND published_ts < ? GROUP BY 1, 2, 3"
)


def report(name: str, p50: float, p95: float, raw_name: str, raw50: float) -> None:
    ratio = p50 / raw50
    print(
        f"{name:<16} store p50 {p50:7.1f} ms  p95 {p95:7.1f} ms   {raw_name} p50 {raw50:6.1f} ms  ratio {ratio:5.1f}x"
    )


def timed(fns: Sequence[Callable[[], object]], repeat: int) -> list[tuple[float, float]]:
    """p50 and p95 of each of `fns`, run in turn each round: on a shared machine a burst of load then falls on
    the store and on the raw query alike, so their ratio holds even when the times do not."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, kept in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            kept.append((time.perf_counter() - t0) * 1000)
    return [(statistics.median(t), sorted(t)[min(len(t) - 1, round(0.95 * len(t)) - 1)]) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    tmp = Path(tempfile.gettempdir())
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--db", type=Path, default=tmp / "cchc-bench-search.db")
    parser.add_argument("--large", type=int, default=0, help="articles of a second archive timed for one word")
    parser.add_argument("--large-db", type=Path, default=tmp / "cchc-bench-search-large.db")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    prepare_archive(args.db, args.articles, args.reuse)
    store = SQLiteStore(args.db)
    raw = sqlite3.connect(args.db)
    for name, text, with_facets in QUERIES:
        time_query(store, raw, name, text, with_facets, args.repeat)
    taxonomy, plan, sources = load_taxonomy(), load_plan(), load_sources().sources
    areas = [a.id for a in taxonomy.areas]
    year = (date(2025, 1, 1), date(2025, 12, 31))
    repeat = max(3, args.repeat // 4)

    def report_year() -> object:
        return build_coverage(store, sources, plan, areas, *year, today=date(2026, 11, 28))

    statements = report_statements(store, report_year)
    (p50, p95), (r50, _), (s50, _) = timed(
        [report_year, lambda: raw.execute(RAW_MATRIX, (1735664400, 1767200400)).fetchall(),
         lambda: [raw.execute(sql).fetchall() for sql in statements]],
        repeat,
    )  # fmt: skip
    report("coverage, 1 year", p50, p95, "raw SQL", r50)
    # The matrix is one of the report's figures: beside it, the report against the raw SQL of every figure it
    # shows (the statements it sends, run as they are), which is what the store and the report's Python add.
    print(f"coverage, 1 year: its {len(statements)} statements run raw p50 {s50:6.1f} ms  ratio {p50 / s50:5.1f}x")
    if args.large:
        prepare_archive(args.large_db, args.large, args.reuse)
        store, raw = SQLiteStore(args.large_db), sqlite3.connect(args.large_db)
        for name, text, with_facets in (QUERIES[0], QUERIES[-1]):  # one word, and words + facets
            time_query(store, raw, f"{name} @{args.large // 1000}k", text, with_facets, args.repeat)


def report_statements(store: SQLiteStore, build: Callable[[], object]) -> list[str]:
    """The SQL statements (parameters filled in) the store runs while `build` makes a report, reads only."""
    sent: list[str] = []
    store._conn.set_trace_callback(sent.append)  # noqa: SLF001 - a benchmark of the store's own statements
    try:
        build()
    finally:
        store._conn.set_trace_callback(None)  # noqa: SLF001
    return [sql for sql in sent if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def time_query(store: SQLiteStore, raw: sqlite3.Connection, name: str, text: str, with_facets: bool,
               repeat: int) -> None:  # fmt: skip
    """Report one query through the store (and its facets) beside the raw FTS5 count and top 20 for its words."""
    query = SearchQuery(text=text, fold_reprints=True)
    match = "{title_f lead_f text_f} : (" + parse_query(text).to_fts(folded=True) + ")"

    def through_store() -> None:
        store.search(query)
        if with_facets:
            store.facets(query, FACET_DIMENSIONS, 15)

    def raw_fts() -> None:
        raw.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()
        raw.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 20", (match,)
        ).fetchall()

    if with_facets:
        # The web app's first facets read every article's facet values into memory (once per process).
        started = time.perf_counter()
        store.facets(query, FACET_DIMENSIONS, 15)
        print(f"{name}: the process's first facets {(time.perf_counter() - started) * 1000:6.1f} ms (values read)")
    (p50, p95), (r50, _) = timed([through_store, raw_fts], repeat)
    report(name, p50, p95, "raw FTS5", r50)


if __name__ == "__main__":
    main()
