"""Start-up of the command line: each command run in a fresh interpreter (a subprocess, as a user runs it), the
median of a few runs. `cchc search` runs against a small temporary archive. `make bench` runs it."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from search import VN_TZ, Article, article_id
from search.sqlite import SQLiteStore

TEXT = "Sở Nội vụ đẩy mạnh cải cách hành chính, giải quyết thủ tục trực tuyến tại bộ phận một cửa {n}."


def small_archive(path: Path, count: int = 50) -> None:
    """`count` short relevant articles, enough for a search to find, rank and highlight some."""
    start = datetime(2025, 1, 1, 9, tzinfo=VN_TZ)
    articles = []
    for n in range(count):
        url = f"https://baonghean.vn/cai-cach-{n}.html"
        articles.append(
            Article(
                id=article_id(url), url=url, canonical_url=url, source="baonghean", channel="newspaper",
                title=f"Cải cách hành chính số {n}", text=TEXT.format(n=n), published_at=start + timedelta(days=n),
                relevant=True, areas=("thu_tuc",), label_source="model",
            )
        )  # fmt: skip
    with SQLiteStore(path) as store:
        store.upsert_many(articles)


def median_ms(args: list[str], runs: int) -> float:
    """The median wall time of `python -m cchc ARGS`, each run in a new interpreter; a failed run stops the bench."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cchc", *args], check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    print(f"cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "startup.db"
        small_archive(db)
        cases = [
            ("cchc --help", ["--help"]),
            ("cchc search --help", ["search", "--help"]),
            ('cchc search "cai cach"', ["search", "cai cach", "--store", f"sqlite:///{db}"]),
            ("cchc coverage --help", ["coverage", "--help"]),
        ]
        for what, args in cases:
            print(f"start-up {what}: p50 {median_ms(args, options.runs):.0f} ms")


if __name__ == "__main__":
    main()
