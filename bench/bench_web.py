"""Web app latency on a large SQLite archive: p50/p95 of the search, article and coverage pages.

`make bench-web` builds a 100,000-article archive (texts from ../shared/data read at run time, else the
bundled mirror) with labels, places, reprints and crawl records, then times each page in-process.
Prints figures only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import lzma
import os
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from cchc import MIRRORS_DIR, SHARED_DATA_DIR
from cchc.mirrors import article_pages
from cchc.web.app import create_app
from classifier import DEFAULT_MODEL_DIR, load
from config import load_places, load_sources, load_taxonomy
from crawler.extraction import decode_html, extract_article
from crawler.labeling import classify_articles
from search import VN_TZ, Article, CrawlRun, article_id
from search.limits import MAX_TEXT_CHARS
from search.sqlite import SQLiteStore

PAGES = [
    ("search: one word", "/tim-kiem?q=cach"),
    ("search: folded phrase", "/tim-kiem?q=cai+cach+hanh+chinh"),
    ("search: quoted phrase", "/tim-kiem?q=%22d%E1%BB%8Bch+v%E1%BB%A5+c%C3%B4ng%22"),
    ("search: word + facets", "/tim-kiem?q=dang+uy&area=thu_tuc&channel=newspaper"),
    ("search: browse, CCHC only", "/tim-kiem?relevant=1"),
    ("coverage: 12 months", "/do-phu"),
    ("coverage: one year by quarter", "/do-phu?from=2025-01-01&to=2025-12-31&period=quarter"),
    ("sources", "/nguon"),
]
START = datetime(2023, 1, 1, tzinfo=VN_TZ)


def corpus(limit: int) -> list[tuple[str, str]]:
    """(title, text) pairs: VNTC and provincial news when ../shared/data is there, else the mirror."""
    texts: list[tuple[str, str]] = []
    for path in [SHARED_DATA_DIR / "vntc10" / "train.jsonl.xz",
                 *sorted((SHARED_DATA_DIR / "vn-provincial-news").glob("*.jsonl.xz"))]:  # fmt: skip
        if path.exists():
            with lzma.open(path, "rt", encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    body = record["text"]
                    title = record.get("title") or body.split("\n", 1)[0][:120]
                    texts.append((title, body))
                    if len(texts) >= limit:
                        return texts
    if not texts:
        source = load_sources().get("baonghean")
        for url, path in article_pages(MIRRORS_DIR, source):
            page = extract_article(decode_html(path.read_bytes()), url, source.cms)
            texts.append((page.title, page.lead + "\n" + page.text))
    return texts


def build(path: Path, count: int) -> None:
    rng = random.Random(47)
    sources = [s for s in load_sources().sources]
    taxonomy = load_taxonomy()
    areas, topics = [a.id for a in taxonomy.areas], [t.id for t in taxonomy.topics]
    places = [p.id for p in load_places().places]
    texts = corpus(count)
    store = SQLiteStore(path)
    started = time.perf_counter()
    span = (datetime.now(VN_TZ) - START).total_seconds()
    ids: list[str] = []

    def articles():
        for n in range(count):
            title, text = texts[n % len(texts)]
            source = rng.choice(sources)
            url = f"{source.base_url}bai-{n}"
            relevant = rng.random() < 0.15
            labels = tuple(rng.sample(areas, rng.randint(1, 2))) if relevant else ()
            aid = article_id(url)
            reprint_of = rng.choice(ids) if ids and rng.random() < 0.03 else None
            ids.append(aid)
            yield Article(
                id=aid, url=url, canonical_url=url, source=source.id, channel=source.channel, unit=source.unit,
                title=f"{title} ({n})", text=text, published_at=START + timedelta(seconds=rng.random() * span),
                relevant=relevant, relevance=rng.random(), areas=labels,
                topics=tuple(rng.sample(topics, rng.randint(0, 2))) if relevant else (),
                places=tuple(rng.sample(places, rng.randint(0, 2))), label_source="model", duplicate_of=reprint_of,
            )  # fmt: skip

    store.upsert_many(articles())
    for source in sources:
        store.record_run(CrawlRun(source.id, datetime.now(VN_TZ), datetime.now(VN_TZ), "finished",
                                  {"cchc/published/oldest": START.isoformat(), "cchc/stored/new": 10}))  # fmt: skip
    elapsed = time.perf_counter() - started
    print(f"archive: {count} articles from {len(texts)} distinct texts in {elapsed:.0f} s "
          f"({count / elapsed:.0f}/s), {path.stat().st_size / 1_048_576:.0f} MB")  # fmt: skip
    store.close()


def prepare_archive(db: Path, count: int, reuse: bool) -> None:
    """Build the archive at `db`, unless `reuse` and it is there already."""
    if reuse and db.exists():
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    build(db, count)


def store_largest_article(path: Path) -> str:
    """Store (again) an article of the largest text the archive keeps, classified as a crawl would; its page URL."""
    texts = [text for _, text in corpus(200)]
    body = "\n".join(itertools.islice(itertools.cycle(texts), 2_000))[:MAX_TEXT_CHARS]
    url = "https://baonghean.vn/bai-dai-nhat-duoc-phep.html"
    article = Article(id=article_id(url), url=url, canonical_url=url, source="baonghean", channel="newspaper",
                      title="Bài dài nhất được phép", text=body, published_at=datetime.now(VN_TZ))  # fmt: skip
    (labeled,) = classify_articles(load(DEFAULT_MODEL_DIR, load_taxonomy()), [article], None)
    with SQLiteStore(path) as store:
        store.upsert(labeled)
    return f"/bai-viet/{labeled.id}"


def time_pages(path: Path, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        client = TestClient(create_app(f"sqlite:///{path}", Path(tmp) / "u.json", Path(tmp) / "s.key"))
        conn = sqlite3.connect(path)
        article = conn.execute("SELECT id FROM articles WHERE relevant = 1 LIMIT 1").fetchone()[0]
        largest = store_largest_article(path)
        for name, url in [*PAGES, ("article", f"/bai-viet/{article}"), ("article: largest allowed", largest)]:
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            print(f"{name:<32} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")
        raw = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            match = '{title_f lead_f text_f} : ("cai" AND "cach" AND "hanh" AND "chinh")'
            conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()
            raw.append((time.perf_counter() - t0) * 1000)
        print(f"raw FTS5 count of the folded phrase: p50 {statistics.median(raw):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "cchc-bench-web.db")
    parser.add_argument("--reuse", action="store_true", help="keep an existing archive at --db")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    prepare_archive(args.db, args.articles, args.reuse)
    time_pages(args.db, args.repeat)


if __name__ == "__main__":
    main()
