"""The real spider against the local mirror on loopback: discovery, robots.txt, storage, stats."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from cchc import MIRRORS_DIR
from cchc.mirrors import MirrorServer
from config import load_sources
from crawler.extraction import decode_html, extract_article
from crawler.labeling import located
from crawler.pipelines import shared_places
from search import VN_TZ, article_id, crawlstats, open_store
from search.article import word_count
from search.neardup import fingerprint
from tests.conftest import POLITENESS_OFF, run_cchc
from tests.extraction_cases import article_pages

SOURCE = load_sources().get("baonghean")
PAGES = article_pages(SOURCE)


def crawl(server: MirrorServer, db: Path, *extra: str):
    result = run_cchc(
        "crawl", "baonghean", "--store", f"sqlite:///{db}", "--mirror", f"baonghean.vn={server.base_url}/baonghean",
        *POLITENESS_OFF, *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def first_run(mirror_server: MirrorServer, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("crawl") / "crawl.db"
    start = len(mirror_server.requested)
    result = crawl(mirror_server, db)
    return db, result, list(mirror_server.requested[start:])


def last_run_stats(db: Path) -> dict:
    with open_store(f"sqlite:///{db}") as store:
        return store.runs("baonghean", limit=1)[0].stats


def test_classifying_beside_the_crawl_labels_as_classifying_in_it(first_run, mirror_server: MirrorServer, tmp_path):
    """The default crawl classifies in a process of its own (CCHC_CLASSIFY_WORKERS=1); with 0 it classifies in the
    crawl's process: every article gets the same labels, scores, explanations and places either way."""
    db, _, _ = first_run
    crawl(mirror_server, tmp_path / "in-process.db", "--set", "CCHC_CLASSIFY_WORKERS=0")

    def labels(path: Path) -> dict:
        fields = ("relevant", "relevance", "areas", "topics", "scores", "stance", "explanations", "places", "simhash")
        with open_store(f"sqlite:///{path}") as store:
            return {a.id: tuple(getattr(a, f) for f in fields) for a in store.iter_articles()}

    beside, inside = labels(db), labels(tmp_path / "in-process.db")
    assert len(beside) == len(PAGES) and beside == inside


def test_a_crawl_records_places_fingerprints_and_words_with_a_model_or_without(first_run, mirror_server: MirrorServer,
                                                                              tmp_path: Path) -> None:  # fmt: skip
    """With a model the places, fingerprints and word counts are computed in the classifier's batches; without one
    (CCHC_MODEL empty), in the crawl's process: the same values either way, those of the stored text, and the
    places counted."""
    db, _, _ = first_run
    crawl(mirror_server, tmp_path / "unlabeled.db", "--set", "CCHC_MODEL=")
    matcher = shared_places()

    def derived(path: Path) -> dict[str, tuple]:
        # Read raw: a record read through the store computes a missing fingerprint or word count again.
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT id, title, lead, text, simhash, words FROM articles").fetchall()
        with open_store(f"sqlite:///{path}") as store:
            places = {a.id: a.places for a in store.iter_articles() if a.places == located(a, matcher).places}
        return {
            id_: (places.get(id_), simhash, words)
            for id_, title, lead, text, simhash, words in rows
            if simhash == fingerprint(lead, text) and words == word_count(title, lead, text)
        }

    labeled, unlabeled = derived(db), derived(tmp_path / "unlabeled.db")
    assert len(labeled) == len(PAGES) and labeled == unlabeled
    assert sum(simhash is not None for _, simhash, _ in labeled.values()) >= len(PAGES) // 2
    mentioning = sum(bool(places) for places, _, _ in labeled.values())
    assert mentioning >= len(PAGES) // 2
    assert last_run_stats(db)[crawlstats.PLACES_MENTIONED] == mentioning
    with open_store(f"sqlite:///{tmp_path / 'unlabeled.db'}") as store:
        assert {a.label_source for a in store.iter_articles()} == {None}
        assert store.runs("baonghean", limit=1)[0].stats[crawlstats.PLACES_MENTIONED] == mentioning


def test_mirror_has_enough_pages() -> None:
    assert len(PAGES) >= 30


def test_every_article_is_stored_under_its_real_url(first_run) -> None:
    db, _, _ = first_run
    with open_store(f"sqlite:///{db}") as store:
        stats = store.stats()
        assert stats.total == len(PAGES)
        for url, _ in PAGES:
            article = store.get(article_id(url))
            assert article is not None, f"{url} was not stored"
            assert article.url == url and article.canonical_url == url
            assert article.source == "baonghean" and article.channel == "newspaper"
            assert article.unit == "bao_va_dai_nghe_an"
            assert article.published_at is not None and article.fetched_at is not None
            assert article.label_source == "model" and article.model_version and article.relevance is not None
        # Tagged by the committed model: a CCHC article and a crime story.
        cchc = store.get(
            article_id(
                f"{SOURCE.base_url}nghe-an-cong-bo-chi-so-cai-cach-hanh-chinh-nam-2023-cua-cac-so-nganh-va-dia-phuong-10264395.html"
            )
        )
        assert cchc.relevant and cchc.areas
        crime = store.get(
            article_id(
                f"{SOURCE.base_url}cong-an-nghe-an-triet-pha-duong-day-mua-ban-ma-tuy-xuyen-bien-gioi-thu-giu-12-banh-heroin-10278013.html"
            )
        )
        assert crime.relevant is False and crime.areas == ()


def test_run_is_recorded_with_stats(first_run) -> None:
    db, _, _ = first_run
    stats = last_run_stats(db)
    assert stats["finish_reason"] == "finished"
    assert stats["cchc/stored/new"] == len(PAGES)
    for via in ("feed", "sitemap", "listing"):
        assert stats[f"cchc/discovered/{via}"] > 0
    assert stats["robotstxt/request_count"] == 1
    for era in ("2023", "2022", "2019"):  # OneCMS, the 2022-23 CMS, the pre-2022 layout
        assert stats[f"cchc/extracted/epi/{era}"] > 0, era
    assert "cchc/extracted/generic" not in stats
    assert stats["cchc/classified/relevant"] + stats["cchc/classified/not_relevant"] == len(PAGES)
    assert "log_count/ERROR" not in stats
    assert not any(k.startswith("spider_exceptions") for k in stats)


def test_polite_and_complete_discovery(first_run) -> None:
    _, _, requested = first_run
    assert "/baonghean/robots.txt" in requested
    assert not any(p.startswith("/baonghean/tim-kiem") for p in requested), "robots.txt forbids /tim-kiem"
    assert any(p.endswith("/trang-3.html") for p in requested), "listing pagination was not followed"
    assert "/baonghean/sitemaps/archive.xml" in requested, "the sitemap index was not followed"
    article_paths = [p for p in requested if p.endswith(".html") and "/trang-" not in p]
    assert len(article_paths) == len(set(article_paths)), "an article page was fetched twice"


def test_second_run_fetches_no_known_article(first_run, mirror_server: MirrorServer) -> None:
    db, _, _ = first_run
    start = len(mirror_server.requested)
    result = crawl(mirror_server, db)
    stats = last_run_stats(db)
    assert "cchc/stored/new" not in stats
    assert stats["cchc/skipped/already_stored"] >= len(PAGES)
    assert not any(k.startswith("cchc/extracted/") for k in stats), "no article page may be fetched again"
    article_paths = {p.split("/baonghean/", 1)[1] for p in mirror_server.requested[start:]}
    assert not article_paths & {path.relative_to(MIRRORS_DIR / "baonghean").as_posix() for _, path in PAGES}
    assert "0 bài mới" in result.stdout
    refreshed = crawl(mirror_server, db, "--refresh")
    assert refreshed.returncode == 0 and last_run_stats(db)["cchc/stored/unchanged"] == len(PAGES)
    with open_store(f"sqlite:///{db}") as store:
        assert store.stats().total == len(PAGES)
        assert len(store.runs("baonghean")) == 3


def test_since_bounds_the_crawl(mirror_server: MirrorServer, tmp_path: Path) -> None:
    cutoff = datetime(2025, 1, 1, tzinfo=VN_TZ)
    dates = [extract_article(decode_html(p.read_bytes()), u, "epi").published_at for u, p in PAGES]
    expected = sum(d >= cutoff for d in dates)
    assert 0 < expected < len(PAGES)
    db = tmp_path / "since.db"
    crawl(mirror_server, db, "--since", "2025-01-01")
    with open_store(f"sqlite:///{db}") as store:
        assert store.stats().total == expected
    assert last_run_stats(db)["cchc/dropped/before_since"] == len(PAGES) - expected


def test_unknown_source_is_one_line_error() -> None:
    result = run_cchc("crawl", "nosuch")
    assert result.returncode == 2
    assert "không có nguồn nosuch" in result.stderr
    assert "Traceback" not in result.stderr


def test_listing_walk_stops_past_since(mirror_server: MirrorServer, tmp_path: Path) -> None:
    start = len(mirror_server.requested)
    crawl(mirror_server, tmp_path / "recent.db", "--since", "2026-01-01")
    listings = [p for p in mirror_server.requested[start:] if "/trang-" in p]
    assert listings and not any(p.endswith("/trang-3.html") for p in listings), "page 3 is older than --since"
    assert last_run_stats(tmp_path / "recent.db")["cchc/listing/stopped_at_since"] >= 1


def test_sources_are_crawled_at_most_the_parallel_limit_at_once(mirror_server: MirrorServer, tmp_path: Path) -> None:
    from urllib.parse import urlsplit

    chosen = [load_sources().get(s) for s in ("so_noi_vu", "so_y_te", "so_vhttdl", "quang_chau", "dcs")]
    mirrors = [
        arg for s in chosen for arg in ("--mirror", f"{urlsplit(s.base_url).netloc}={mirror_server.base_url}/{s.id}")
    ]
    db = tmp_path / "parallel.db"
    result = run_cchc("crawl", *(s.id for s in chosen), "--store", f"sqlite:///{db}", *mirrors, *POLITENESS_OFF,
                      "--set", "CCHC_PARALLEL_SOURCES=2")  # fmt: skip
    assert result.returncode == 0, result.stderr
    with open_store(f"sqlite:///{db}") as store:
        runs = [store.runs(s.id, limit=1)[0] for s in chosen]
    assert all(r.status == "finished" and r.stats.get("cchc/stored/new") for r in runs)
    # However the five overlap in time, no instant sees more than two of them running.
    instants = sorted({r.started_at for r in runs})
    assert max(sum(r.started_at <= t < r.finished_at for r in runs) for t in instants) == 2


def test_a_source_keeps_only_articles_of_its_own_dates() -> None:
    from crawler.spiders.news import NewsSpider

    def day(d: str) -> datetime:
        return datetime.fromisoformat(d).replace(tzinfo=VN_TZ)

    commune = NewsSpider(source="dien_chau_xa")  # the host served the district until 30/6/2025
    assert (commune.since, commune.until) == (day("2025-07-01"), None)
    assert NewsSpider(source="dien_chau_xa", since="2025-09-01").since == day("2025-09-01")
    district = NewsSpider(source="dien_chau_huyen", since="2024-01-01", until="2026-01-31")
    assert (district.since, district.until) == (day("2024-01-01"), day("2025-07-01"))
    assert NewsSpider(source="baonghean", until="2025-03-31").until == day("2025-04-01")
