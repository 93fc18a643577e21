"""The engine backend against a real node: setup, templates, analysis, bulk, dead letters, the CLI end to end.

`make test-es` starts an OpenSearch node on loopback and sets CCHC_TEST_ES_URL (an Elasticsearch 8 URL works
too); each test starts from empty cchc-* indices there. Without the variable these tests are skipped.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from search import (
    VN_TZ,
    Article,
    CountQuery,
    CrawlRun,
    SearchQuery,
    StoreError,
    UpsertOutcome,
    article_id,
    neardup,
    open_store,
)
from search.deadletter import DeadLetter
from search.elastic import setup
from search.elastic import store as elastic_store
from search.elastic.documents import LUCENE_TERM_BYTES
from search.elastic.setup import ARTICLES, RUNS
from search.elastic.store import NEARDUP_LAYOUT, ElasticStore
from search.sqlite import SQLiteStore
from tests.conftest import ENGINE_URL, POLITENESS_OFF, run_cchc

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(not ENGINE_URL, reason="CCHC_TEST_ES_URL is not set: no Elasticsearch/OpenSearch node"),
]


def wipe(store: ElasticStore) -> None:
    store.client.indices.delete(index="cchc-articles-v*,cchc-runs-v*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[ElasticStore]:
    """A store on empty, freshly set-up indices, its dead letters under tmp_path."""
    store = ElasticStore(ENGINE_URL, dead_letter=DeadLetter(tmp_path / "dead"))
    wipe(store)
    setup.init(store.client)
    yield store
    store.close()


def make(n: int, **changes) -> Article:
    url = f"https://baonghean.vn/bai-{n}-10{n:06d}.html"
    base = Article(
        id=article_id(url), url=url, canonical_url=url, source="baonghean", channel="newspaper",
        title=f"Cải cách hành chính số {n}", text=f"Bộ phận một cửa tiếp nhận hồ sơ thứ {n}. " * 5,
        published_at=datetime(2025, 3, n % 28 + 1, 8, tzinfo=VN_TZ), areas=("thu_tuc",), relevant=True,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


def test_the_node_names_itself(engine: ElasticStore) -> None:
    name = engine.ping()
    assert name.split()[0] in ("OpenSearch", "Elasticsearch") and name.split()[1][0].isdigit()
    expected = "OpenSearch" if ENGINE_URL.startswith("opensearch") else "Elasticsearch"
    assert engine.engine.name == expected and name.startswith(expected)


def test_store_init_and_migrate_on_the_cli_are_repeatable(engine: ElasticStore) -> None:
    wipe(engine)
    first = run_cchc("store", "init", "--store", ENGINE_URL)
    assert first.returncode == 0, first.stderr
    assert f"created {ARTICLES.index_name()} behind alias {ARTICLES.alias}" in first.stdout
    again = run_cchc("store", "init", "--store", ENGINE_URL)
    assert again.returncode == 0 and f"{ARTICLES.alias} -> {ARTICLES.index_name()} (kept)" in again.stdout
    migrated = run_cchc("store", "migrate", "--store", ENGINE_URL)
    assert migrated.returncode == 0 and f"{ARTICLES.alias}: already on {ARTICLES.index_name()}" in migrated.stdout


def test_templates_are_installed_with_their_versions(engine: ElasticStore) -> None:
    for family in (ARTICLES, RUNS):
        found = engine.client.indices.get_index_template(name=family.alias)["index_templates"][0]
        assert found["index_template"]["version"] == family.version
    settings = engine.client.indices.get_settings(index=ARTICLES.alias)
    analysis = next(iter(settings.values()))["settings"]["index"]["analysis"]
    assert set(analysis["analyzer"]) == {"vi_exact", "vi_folded"}
    mapping = next(iter(engine.client.indices.get_mapping(index=ARTICLES.alias).values()))["mappings"]
    assert mapping["dynamic"] == "strict" and mapping["properties"]["title"]["fields"]["folded"]["type"] == "text"


@pytest.mark.parametrize(
    ("analyzer", "text", "tokens"),
    [
        ("vi_folded", "Đảng ủy xã Hưng Lộc", ["dang", "uy", "xa", "hung", "loc"]),
        ("vi_exact", "Đảng ủy xã", ["đảng", "ủy", "xã"]),
        ("vi_folded", "CHÍNH QUYỀN SỐ", ["chinh", "quyen", "so"]),
        ("vi_folded", "Chính phủ.Cách làm", ["chinh", "phu", "cach", "lam"]),  # a scraped missing space
    ],
)
def test_the_template_analyzers_fold_vietnamese(engine: ElasticStore, analyzer: str, text: str, tokens) -> None:
    found = engine.client.indices.analyze(index=ARTICLES.alias, body={"analyzer": analyzer, "text": text})
    assert [t["token"] for t in found["tokens"]] == tokens


def test_the_strict_mapping_refuses_unknown_fields(engine: ElasticStore) -> None:
    with pytest.raises(engine.errors) as refused:
        engine.client.index(index=ARTICLES.alias, body={"id": "x", "no_such_field": 1}, refresh=True)
    assert engine.engine.status(refused.value) == 400


def test_writes_never_create_an_unmapped_index(engine: ElasticStore) -> None:
    wipe(engine)  # no alias: `store init` was not run
    assert engine.upsert(make(1)) is UpsertOutcome.DEFERRED
    assert engine.dead_letter.pending() == 1
    assert not engine.client.indices.exists(index=ARTICLES.alias)


def test_migrate_rolls_an_old_index_to_the_current_template(engine: ElasticStore) -> None:
    wipe(engine)
    old = ARTICLES.index_name(1)
    engine.client.indices.put_index_template(name=ARTICLES.alias, body=ARTICLES.template_body())
    engine.client.indices.create(index=old, body={"aliases": {ARTICLES.alias: {"is_write_index": True}}})
    engine.client.indices.create(index=RUNS.index_name(), body={"aliases": {RUNS.alias: {"is_write_index": True}}})
    engine.upsert_many([make(n) for n in range(1, 31)])
    engine.client.indices.put_mapping(index=old, body={"_meta": {NEARDUP_LAYOUT: neardup.LAYOUT}})
    lines = setup.migrate(engine.client)
    assert any(f"{old} -> {ARTICLES.index_name()} (30 documents)" in line for line in lines), lines
    assert setup.current_index(engine.client, ARTICLES) == ARTICLES.index_name()
    # The copies keep the near-duplicate layout their bands were built with: no rebuild at the next write.
    new = engine.client.indices.get_mapping(index=ARTICLES.index_name())[ARTICLES.index_name()]["mappings"]
    assert new["_meta"][NEARDUP_LAYOUT] == neardup.LAYOUT
    engine.refresh()
    assert engine.stats().total == 30 and engine.get(make(7).id) == make(7)


def test_migrate_frees_originals_marked_reprints_of_themselves(engine: ElasticStore) -> None:
    wipe(engine)
    setup.init(engine.client)
    engine.upsert_many([make(1), make(2)])
    # As an edited original stored again was left by the program before this one:
    engine.client.update(index=ARTICLES.alias, id=make(1).id, body={"doc": {"duplicate_of": make(1).id}}, refresh=True)
    assert engine.get(make(1).id).duplicate_of == make(1).id
    assert f"{ARTICLES.alias}: 1 originals marked reprints of themselves freed" in setup.migrate(engine.client)
    assert engine.get(make(1).id).duplicate_of is None
    assert f"{ARTICLES.alias}: 0 originals marked reprints of themselves freed" in setup.migrate(engine.client)


def test_runs_of_more_sources_than_one_page_holds_reads_each_source(engine: ElasticStore, monkeypatch) -> None:
    wipe(engine)
    setup.init(engine.client)
    t = datetime(2025, 1, 1, tzinfo=VN_TZ)
    for day, source in [(1, "baonghean"), (2, "hcc"), (3, "baonghean"), (4, "baonghean")]:
        engine.record_run(CrawlRun(source, t.replace(day=day), t.replace(day=day), "finished", {"day": day}))
    one_page = engine.runs_of(["baonghean", "hcc", "so_noi_vu"], limit=2)
    monkeypatch.setattr(elastic_store, "RUNS_PAGE", 3)  # four runs: more than a page, so one search per source
    per_source = engine.runs_of(["baonghean", "hcc", "so_noi_vu"], limit=2)
    assert one_page == per_source == {"baonghean": engine.runs("baonghean", limit=2), "hcc": engine.runs("hcc"),
                                      "so_noi_vu": []}  # fmt: skip
    assert [r.stats["day"] for r in per_source["baonghean"]] == [4, 3]


def test_bulk_counts_new_unchanged_and_updated(engine: ElasticStore) -> None:
    articles = [make(n) for n in range(1, 1201)]
    counts = engine.upsert_many(articles, batch_size=500)
    assert counts[UpsertOutcome.NEW] == 1200 and counts[UpsertOutcome.DEFERRED] == 0
    engine.refresh()
    again = engine.upsert_many([*articles[:10], dataclasses.replace(articles[10], text="Khác. " * 30, content_hash="")])
    assert (again[UpsertOutcome.UNCHANGED], again[UpsertOutcome.UPDATED]) == (10, 1)


def test_paging_through_many_articles_and_many_count_cells(engine: ElasticStore) -> None:
    start = datetime(2021, 1, 1, 9, tzinfo=VN_TZ)
    engine.upsert_many([make(n, published_at=start + timedelta(days=n)) for n in range(1, 1301)])
    engine.refresh()
    ids = [a.id for a in engine.iter_articles(batch_size=400)]
    assert len(ids) == len(set(ids)) == 1300 and ids == sorted(ids)
    days = engine.count_by(("day",), CountQuery(exclude_reprints=False))  # the texts are near-duplicates
    assert len(days) == 1300 and set(days.values()) == {1}  # more cells than one composite page holds
    assert engine.search(SearchQuery(text="mot cua", limit=5, offset=1295)).total == 1300


def test_long_fields_are_cut_to_the_term_limit_and_kept(engine: ElasticStore) -> None:
    article = make(1, author="Phóng viên " * 4000, tags=("đ" * 20_000,), text="Nội dung rất dài. " * 20_000)
    assert engine.upsert(article) is UpsertOutcome.NEW
    stored = engine.get(article.id)
    assert len(stored.author.encode()) <= LUCENE_TERM_BYTES and len(stored.tags[0].encode()) <= LUCENE_TERM_BYTES
    assert stored.text == article.text


def test_human_labels_survive_a_recrawl(engine: ElasticStore) -> None:
    article = make(1)
    engine.upsert(article)
    engine.set_labels(dataclasses.replace(article, areas=("the_che",), label_source="human", labeled_by="bientap"))
    assert engine.upsert(dataclasses.replace(article, text="Bài đã sửa. " * 20, content_hash="")) is (
        UpsertOutcome.UPDATED
    )
    kept = engine.get(article.id)
    assert kept.areas == ("the_che",) and kept.label_source == "human" and kept.text.startswith("Bài đã sửa")
    with pytest.raises(StoreError, match="no article"):
        engine.set_labels(make(2))


def test_stance_filter_counts_and_label_queue_answer_like_sqlite(engine: ElasticStore, tmp_path: Path) -> None:
    stances = ("praise", "criticism", "neutral", None)
    articles = [
        make(n, text=" ".join(f"Một cửa nhận hồ sơ {n * 7919 + j * 104729} ở xã {n}-{j}." for j in range(30)),
             relevance=round(n / 40, 3), relevant=n >= 20, areas=("thu_tuc",) if n >= 20 else (),
             stance=stances[n % 4] if n >= 20 else None, label_source="human" if n % 9 == 0 else "model")
        for n in range(1, 40)
    ]  # fmt: skip
    with SQLiteStore(tmp_path / "same.db") as sqlite:
        for store in (engine, sqlite):
            store.upsert_many(articles)
        engine.refresh()
        for stances_wanted in (("criticism",), ("praise", "neutral")):
            query = SearchQuery(text="mot cua", stances=stances_wanted, limit=100)
            found = {h.article.id for h in engine.search(query).hits}
            assert found == {h.article.id for h in sqlite.search(query).hits} and found
            assert all(engine.get(i).stance in stances_wanted for i in found)
        counts = engine.count_by(("channel", "stance"), CountQuery())
        assert counts == sqlite.count_by(("channel", "stance"), CountQuery()) and counts[("newspaper", "unknown")] > 0
        assert engine.facets(SearchQuery(), ("stance",)) == sqlite.facets(SearchQuery(), ("stance",))
        for threshold in (0.5, 0.12, 0.97):
            queue = engine.label_queue(threshold, limit=6)
            assert [a.id for a in queue] == [a.id for a in sqlite.label_queue(threshold, limit=6)]
            assert all(a.label_source != "human" for a in queue)
            gaps = [abs(a.relevance - threshold) for a in queue]
            assert gaps == sorted(gaps)


def test_highlights_are_html_escaped(engine: ElasticStore) -> None:
    engine.upsert(make(1, title="Cải cách <script>alert(1)</script> hành chính", text="Một cửa & liên thông. " * 5))
    engine.refresh()
    hit = engine.search(SearchQuery(text="cai cach")).hits[0]
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html and "<mark>" in hit.title_html


def test_a_read_only_index_defers_with_a_clear_reason_then_replays(engine: ElasticStore, tmp_path: Path) -> None:
    engine.client.indices.put_settings(index=ARTICLES.alias, body={"index.blocks.write": True})
    try:
        counts = engine.upsert_many([make(n) for n in range(1, 6)])
        assert counts[UpsertOutcome.DEFERRED] == 5
        line = json.loads(engine.dead_letter.files()[0].read_text(encoding="utf-8").splitlines()[0])
        assert "the index is read-only" in line["reason"]
    finally:
        engine.client.indices.put_settings(index=ARTICLES.alias, body={"index.blocks.write": False})
    result = run_cchc("store", "replay", "--store", ENGINE_URL, "--dead-letter", str(tmp_path / "dead"))
    assert result.returncode == 0, result.stderr
    assert "5 bài mới" in result.stdout and engine.dead_letter.pending() == 0
    assert all(engine.exists(make(n).id) for n in range(1, 6))


def test_the_wrong_client_for_the_engine_is_one_clear_line(engine: ElasticStore) -> None:
    other = ENGINE_URL.replace("opensearch+", "elasticsearch+", 1)
    if other == ENGINE_URL:
        other = ENGINE_URL.replace("elasticsearch+", "opensearch+", 1)
    result = run_cchc("stats", "--store", other)
    if ENGINE_URL.startswith("opensearch"):  # the Elasticsearch 8 client refuses OpenSearch servers
        assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith(f"lỗi: {other}") and "Traceback" not in result.stderr


def test_reads_before_store_init_are_one_clear_line(engine: ElasticStore) -> None:
    wipe(engine)
    result = run_cchc("stats", "--store", ENGINE_URL)
    assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def crawled(mirror_server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One crawl of the mirrored baonghean into SQLite, copied into the engine with `cchc store copy`."""
    cwd = tmp_path_factory.mktemp("engine-crawl")
    with ElasticStore(ENGINE_URL) as store:
        wipe(store)
    assert run_cchc("store", "init", "--store", ENGINE_URL).returncode == 0
    crawl = run_cchc("crawl", "baonghean", "--store", "sqlite:///a.db", "--since", "2000-01-01",
                     "--mirror", f"baonghean.vn={mirror_server.base_url}/baonghean", *POLITENESS_OFF,
                     cwd=cwd)  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr
    copy = run_cchc("store", "copy", "--from", "sqlite:///a.db", "--to", ENGINE_URL, cwd=cwd)
    assert copy.returncode == 0, copy.stderr
    assert "Đã chép" in copy.stdout
    return cwd


def _json(*args: str, cwd: Path) -> dict:
    result = run_cchc(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_crawled_archive_has_the_same_stats_on_both_backends(crawled: Path) -> None:
    sqlite = _json("stats", "--json", "--store", "sqlite:///a.db", cwd=crawled)
    engine = _json("stats", "--json", "--store", ENGINE_URL, cwd=crawled)
    assert sqlite["total"] >= 30 and engine["total"] == sqlite["total"]
    for key in ("relevant", "by_source", "by_channel", "by_month", "by_area", "by_section", "date_range_by_source"):
        assert engine[key] == sqlite[key], key


@pytest.mark.parametrize("query", ["cai cach hanh chinh", "chuyển đổi số", '"mot cua"', "dich*", "cai -video"])
def test_crawled_archive_answers_searches_like_sqlite(crawled: Path, query: str) -> None:
    sqlite = _json("search", query, "--json", "--store", "sqlite:///a.db", cwd=crawled)
    engine = _json("search", query, "--json", "--store", ENGINE_URL, cwd=crawled)
    assert engine["total"] == sqlite["total"], query
    assert {h["id"] for h in engine["hits"]} == {h["id"] for h in sqlite["hits"]} or engine["total"] > len(
        engine["hits"]
    )


def test_crawled_archive_has_the_same_coverage_on_both_backends(crawled: Path) -> None:
    args = ("coverage", "--from", "2024-01-01", "--to", "2025-12-31", "--format", "json")
    sqlite = _json(*args, "--store", "sqlite:///a.db", cwd=crawled)
    engine = _json(*args, "--store", ENGINE_URL, cwd=crawled)
    for report in (sqlite, engine):
        report.pop("store", None), report.pop("generated_at", None)
    assert engine == sqlite


def test_crawl_runs_copied_into_the_engine(crawled: Path) -> None:
    with SQLiteStore(crawled / "a.db") as sqlite, open_store(ENGINE_URL) as engine:
        assert [(r.source, r.status) for r in engine.runs("baonghean")] == [
            (r.source, r.status) for r in sqlite.runs("baonghean")
        ]


def test_a_crawl_writes_straight_into_the_engine(crawled: Path, mirror_server) -> None:
    again = run_cchc("crawl", "hcc", "--store", ENGINE_URL, "--since", "2000-01-01",
                     "--mirror", f"hcc.nghean.gov.vn={mirror_server.base_url}/hcc", *POLITENESS_OFF, cwd=crawled,
                     env={"CCHC_DEAD_LETTER_DIR": str(crawled / "dead")})  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert DeadLetter(crawled / "dead").pending() == 0
    with open_store(ENGINE_URL) as engine:
        engine.refresh()
        assert engine.stats().by_source.get("hcc", 0) > 0 and engine.runs("hcc")


def test_no_credentials_in_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_ES_API_KEY", "k")
    if ENGINE_URL.startswith("opensearch"):
        with pytest.raises(StoreError, match="OpenSearch takes no API key"):
            open_store(ENGINE_URL)
    assert os.environ["CCHC_ES_API_KEY"] == "k"
