"""Every bundled mirror crawled by the real spider: each CMS family's discovery, rules and quirks."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from cchc import MIRRORS_DIR
from cchc.mirrors import MirrorServer, article_pages
from config import CONFIG_DIR, SourcesFile, load_plan, load_sources
from config.generate_sources import split
from config.loader import parse_model
from crawler.urls import canonicalize
from search import Article, open_store
from tests.conftest import POLITENESS_OFF, run_cchc
from tests.extraction_cases import extracted_record

OTHERS = [s for s in load_sources().sources if (MIRRORS_DIR / s.id).is_dir() and s.id != "baonghean"]
MIRRORED = {s.id for s in OTHERS} | {"baonghean"}
ENDED = {s.id for s in OTHERS if s.valid_to}


@pytest.fixture(scope="module")
def archive(mirror_server: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Article]]:
    if not OTHERS:
        pytest.skip("no mirror besides baonghean")
    db = tmp_path_factory.mktemp("mirrors") / "mirrors.db"
    mirrors = [
        arg for s in OTHERS for host in s.all_hosts for arg in ("--mirror", f"{host}={mirror_server.base_url}/{s.id}")
    ]
    result = run_cchc("crawl", *(s.id for s in OTHERS), "--store", f"sqlite:///{db}", *mirrors, *POLITENESS_OFF)
    assert result.returncode == 0, result.stderr
    with open_store(f"sqlite:///{db}") as store:
        for source in OTHERS:
            run = store.runs(source.id, limit=1)[0]
            assert run.status == "finished", source.id
            assert "cchc/extracted/generic" not in run.stats, f"{source.id}: a page fell back to the generic path"
        by_source: dict[str, list[Article]] = {}
        for article in store.iter_articles():
            by_source.setdefault(article.source, []).append(article)
    return by_source


@pytest.mark.parametrize("source", OTHERS, ids=[s.id for s in OTHERS])
def test_every_article_of_the_mirror_dated_while_the_source_was_valid_is_stored(archive, source) -> None:
    published = {
        url: extracted_record(source, url, path)["published_at"] for url, path in article_pages(MIRRORS_DIR, source)
    }
    # A source keeps only its own dates' articles (a host that served a district and then its commune).
    expected = {canonicalize(url) for url, at in published.items()
                if at is None or source.valid_on(datetime.fromisoformat(at).date())}  # fmt: skip
    if source.valid_to:
        assert len(expected) < len(published), f"{source.id}: the mirror shows no page after the source ended"
    stored = archive.get(source.id, [])
    assert {a.canonical_url for a in stored} == expected
    for article in stored:
        assert (article.channel, article.unit) == (source.channel, source.unit)
        assert article.published_at is not None and article.title and len(article.text) > 200
        assert "\ufffd" not in article.title + article.text
        assert article.label_source == "model"


def mirrored(source_id: str) -> None:
    if source_id not in {s.id for s in OTHERS}:
        pytest.skip(f"no {source_id} mirror in cchc/sites")


def test_nukeviet_skips_savefile_copies(archive) -> None:
    mirrored("hcc")
    urls = [a.url for a in archive.get("hcc", [])]
    assert urls and not any("/savefile/" in u for u in urls)


def test_portal_qa_column_and_tracking_links(archive) -> None:
    mirrored("nghean_gov")
    stored = archive.get("nghean_gov", [])
    assert stored and not any("pageindex" in a.url for a in stored)
    column = load_plan().qa_column.section
    assert Counter(a.section for a in stored)[column] == 6
    assert all(a.relevant for a in stored if a.section == column), "every Q&A item is about procedures"


def test_broadcaster_media_types(archive) -> None:
    mirrored("truyenhinhnghean")
    media = Counter(a.media for a in archive.get("truyenhinhnghean", []))
    assert media["video"] >= 3 and media["audio"] >= 1 and media["text"] >= 1


def test_since_cuts_older_articles(mirror_server: MirrorServer, tmp_path: Path) -> None:
    mirrored("hcc")
    source = load_sources().get("hcc")
    db = tmp_path / "since.db"
    result = run_cchc("crawl", "hcc", "--since", "2025-01-01", "--store", f"sqlite:///{db}",
                      "--mirror", f"hcc.nghean.gov.vn={mirror_server.base_url}/hcc", *POLITENESS_OFF)  # fmt: skip
    assert result.returncode == 0, result.stderr
    with open_store(f"sqlite:///{db}") as store:
        kept = list(store.iter_articles())
        dropped = store.runs("hcc")[0].stats.get("cchc/dropped/before_since", 0)
    assert kept and dropped >= 1 and len(kept) + dropped == len(article_pages(MIRRORS_DIR, source))
    assert all(a.published_at.year >= 2025 for a in kept)


def test_aggregator_reprints_count_once(archive) -> None:
    mirrored("nghean24h")
    originals = {a.id: a for s in ("hcc", "nghean_gov") for a in archive.get(s, [])}
    reprints = [a for a in archive.get("nghean24h", []) if a.duplicate_of]
    assert len(reprints) == 6, "the aggregator's six reprints must link to their originals"
    for reprint in reprints:
        original = originals[reprint.duplicate_of]
        assert original.published_at < reprint.published_at and original.lead == reprint.lead
    own = [a for a in archive.get("nghean24h", []) if not a.duplicate_of]
    assert len(own) == 4 and all(a.author for a in own)


def test_every_hand_written_source_has_a_mirror() -> None:
    """The generated unit portals (config/generate_sources.py) and the national outlets' Nghệ An pages have none."""
    path = CONFIG_DIR / "sources.yaml"
    hand = parse_model(split(path.read_text(encoding="utf-8"))[0], path, SourcesFile).sources
    assert {s.id for s in OTHERS} | {"baonghean"} == {s.id for s in hand if s.channel != "central_press"}


def test_a_changed_layout_shows_as_broken(tmp_path: Path) -> None:
    """The mirror's article markup renamed, as when a site redesigns: the source reports broken next day."""
    site = tmp_path / "sites" / "hcc"
    shutil.copytree(MIRRORS_DIR / "hcc", site)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        page.write_text(
            html.replace("news-bodyhtml", "noi-dung").replace('class="title', 'class="tieu-de'), encoding="utf-8"
        )
    db = tmp_path / "changed.db"
    with MirrorServer(tmp_path / "sites") as server:
        result = run_cchc("crawl", "hcc", "--store", f"sqlite:///{db}", "--mirror",
                          f"hcc.nghean.gov.vn={server.base_url}/hcc", *POLITENESS_OFF)  # fmt: skip
    # A source read through the wrong layout was not read: exit 1 and one line saying so (issue 13; was exit 0).
    assert result.returncode == 1, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("lỗi:")]
    assert "(hcc): bố cục trang có thể đã đổi" in line
    status = json.loads(run_cchc("sources", "status", "--json", "--store", f"sqlite:///{db}").stdout)
    hcc = next(row for row in status if row["source"] == "hcc")
    assert hcc["health"] == "broken" and "Bố cục trang có thể đã đổi" in hcc["health_detail"]
    assert next(row for row in status if row["source"] == "dcs")["health"] == "never"


def test_demo_reads_every_source_and_status_reports_each(demo_archive: Path) -> None:
    store = ["--store", f"sqlite:///{demo_archive}"]
    stats = json.loads(run_cchc("stats", "--json", *store).stdout)
    assert set(stats["by_source"]) == MIRRORED
    status = json.loads(run_cchc("sources", "status", "--json", *store).stdout)
    assert {row["source"] for row in status} == {s.id for s in load_sources().sources}
    assert {row["health"] for row in status if row["source"] not in MIRRORED} == {"never"}
    for row in (row for row in status if row["source"] in MIRRORED):
        # Sources that ended (so_tttt, vinh) keep only their own dates' few articles; the exact sets are checked above.
        least = 1 if row["source"] in ENDED else 10
        assert row["last_run"] and row["health"] == "ok" and row["articles"] >= least, row
        record = row["last_run_record"]
        assert record["pages_fetched"] > row["articles"] and record["http_status"]["200"] > 0
        assert record["articles"]["new"] == row["articles"] and all(record["published_reached"])
    # Every page the demo fetched is kept as WARC under data/warc/, one folder per source.
    # Every mirrored source's spider wrote in one process: every file reads back whole, digests checked.
    warc = demo_archive.parent / "warc"
    assert {p.parent.name for p in warc.glob("*/*.warc.gz")} == MIRRORED
    responses = 0
    for path in warc.glob("*/*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise"):
                record.content_stream().read()
                responses += record.rec_type == "response"
    assert responses > stats["total"]


def test_dcs_slug_with_percent_encoded_characters_is_crawled(archive) -> None:
    """nghean.dcs.vn slugs keep typographic quotes percent-encoded; the article is found, served and stored."""
    mirrored("dcs")
    urls = [a.canonical_url for a in archive["dcs"]]
    assert any("-ve-%E2%80%9Cchuyen-doi-so%E2%80%9D-trong-he-thong-chinh-tri/9-26-4602" in u for u in urls), urls
