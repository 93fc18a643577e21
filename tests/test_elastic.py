"""The Elasticsearch backend without a server: template, query DSL, bulk actions, dead letters and replay."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from search import VN_TZ, Article, CountQuery, SearchQuery, StoreError, UpsertOutcome, article_id, open_store
from search.deadletter import DeadLetter
from search.elastic import queries
from search.elastic.documents import LUCENE_TERM_BYTES, cut_to_bytes, from_doc, plan_writes, to_doc
from search.elastic.setup import ARTICLES, RUNS
from search.elastic.store import ElasticStore
from search.sqlite import SQLiteStore
from tests.conftest import POLITENESS_OFF, run_cchc
from tests.liveserver import free_port  # a port nobody listens on


def make(n: int, **changes) -> Article:
    url = f"https://baonghean.vn/bai-{n}-10{n:06d}.html"
    base = Article(
        id=article_id(url), url=url, canonical_url=url, source="baonghean", channel="newspaper",
        title=f"Cải cách hành chính số {n}", text=" ".join(f"thủ tục {n * 97 + i} bước {i * n}" for i in range(40)),
        published_at=datetime(2025, 3, n % 28 + 1, 8, tzinfo=VN_TZ), areas=("thu_tuc",), relevant=True,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


def test_template_maps_every_article_field_strictly() -> None:
    body = ARTICLES.template_body()
    mappings = body["template"]["mappings"]
    assert mappings["dynamic"] == "strict"
    fields = set(mappings["properties"])
    assert fields == {f.name for f in dataclasses.fields(Article)} | {
        "published_month",
        "published_day",
        "simhash_bands",
    }
    for keyword in ("id", "source", "channel", "unit", "areas", "topics", "places", "duplicate_of", "published_month"):
        assert mappings["properties"][keyword]["type"] == "keyword", keyword
    for text in ("title", "lead", "text"):
        prop = mappings["properties"][text]
        assert prop["analyzer"] == "vi_exact" and prop["fields"]["folded"]["analyzer"] == "vi_folded"
    analysis = body["template"]["settings"]["analysis"]
    assert analysis["filter"]["vi_fold"]["type"] == "asciifolding"
    assert body["version"] == ARTICLES.version and ARTICLES.index_name() == f"cchc-articles-v{ARTICLES.version}"
    assert RUNS.template_body()["template"]["mappings"]["dynamic"] == "strict"
    assert "_comment" not in body


def test_vietnamese_plugin_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_ES_VI_ANALYZER", "vi_analyzer")
    assert ARTICLES.template_body()["template"]["mappings"]["properties"]["title"]["analyzer"] == "vi_analyzer"


def test_search_dsl_folds_and_ranks_exact_accents() -> None:
    body = queries.search_body(SearchQuery(text="Đảng ủy", sources=("baonghean",), limit=10, offset=20))
    must = body["query"]["bool"]["must"][0]["bool"]
    assert must["must"][0]["bool"]["should"][0]["multi_match"]["fields"] == queries.FOLDED
    accent, phrase, exact_phrase = (clause["constant_score"] for clause in must["should"])
    assert accent["boost"] > 2 * phrase["boost"] and phrase["boost"] == exact_phrase["boost"]
    assert accent["filter"]["bool"]["must"][0]["bool"]["should"][0]["multi_match"]["fields"] == queries.EXACT
    side_by_side = phrase["filter"]["bool"]["must"][0]["bool"]["should"][0]["multi_match"]
    assert (side_by_side["query"], side_by_side["type"]) == ("Đảng ủy", "phrase")
    assert side_by_side["fields"] == queries.FOLDED
    assert exact_phrase["filter"]["bool"]["must"][0]["bool"]["should"][0]["multi_match"]["fields"] == queries.EXACT
    assert body["query"]["bool"]["filter"] == [{"terms": {"source": ["baonghean"]}}]
    assert (body["from"], body["size"], body["sort"][0]) == (20, 10, "_score")
    assert body["highlight"]["encoder"] == "html" and body["highlight"]["pre_tags"] == ["<mark>"]
    plain = queries.search_body(SearchQuery(text="dang uy"))
    assert [c["constant_score"]["boost"] for c in plain["query"]["bool"]["must"][0]["bool"]["should"]] == [
        queries.PHRASE_BONUS
    ]
    assert queries.search_body(SearchQuery(text="dang"))["query"]["bool"]["must"][0]["bool"]["should"] == []


def test_search_dsl_phrases_exclusions_prefix_and_filters() -> None:
    body = queries.search_body(SearchQuery(
        text='"một cửa" -video dich*', areas=("thu_tuc",), date_from=date(2025, 1, 1), date_to=date(2025, 1, 31),
        relevant=True, fold_reprints=True,
    ))  # fmt: skip
    bool_query = body["query"]["bool"]
    groups = bool_query["must"][0]["bool"]["must"]
    assert groups[0]["bool"]["should"][0]["multi_match"]["type"] == "phrase"
    assert groups[1]["bool"]["should"][0]["multi_match"]["type"] == "phrase_prefix"
    assert bool_query["must"][0]["bool"]["must_not"][0]["multi_match"]["query"] == "video"
    assert {"terms": {"areas": ["thu_tuc"]}} in bool_query["filter"]
    assert {"range": {"published_at": {"gte": "2025-01-01T00:00:00+07:00", "lt": "2025-02-01T00:00:00+07:00"}}} in (
        bool_query["filter"]
    )
    assert {"term": {"relevant": True}} in bool_query["filter"]
    assert bool_query["must_not"] == [{"exists": {"field": "duplicate_of"}}]


def test_search_dsl_browse_and_impossible_queries() -> None:
    browse = queries.search_body(SearchQuery())
    assert "highlight" not in browse and browse["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}
    for text in ('"', "-", "OR", "*", "((("):
        assert queries.search_body(SearchQuery(text=text)) is None
        assert queries.facets_body(SearchQuery(text=text), ("source",), 10) is None


def test_count_and_facet_dsl() -> None:
    body = queries.count_body(("area", "channel", "month"), CountQuery(date_from=date(2025, 1, 1)))
    sources = body["aggs"]["cells"]["composite"]["sources"]
    assert [next(iter(s)) for s in sources] == ["area", "channel", "month"]
    assert (
        sources[0]["area"]["terms"]["field"] == "areas" and sources[2]["month"]["terms"]["field"] == "published_month"
    )
    assert {"term": {"relevant": True}} in body["query"]["bool"]["filter"]
    assert body["query"]["bool"]["must_not"] == [{"exists": {"field": "duplicate_of"}}]
    paged = queries.count_body(("day",), CountQuery(relevant_only=False, exclude_reprints=False, section="Dân hỏi"),
                               after={"day": "2025-01-01"})  # fmt: skip
    assert paged["aggs"]["cells"]["composite"]["after"] == {"day": "2025-01-01"}
    assert paged["query"]["bool"]["filter"] == [{"term": {"section": "Dân hỏi"}}]
    facets = queries.facets_body(SearchQuery(text="cai cach"), ("source", "area"), 15)
    assert facets["aggs"]["area"] == {"terms": {"field": "areas", "size": 15}} and facets["size"] == 0
    # A sum: the same groups over the articles that carry the measure, each with its total.
    summed = queries.sum_body(("channel", "month"), "duration_s", CountQuery(), after={"channel": "broadcaster"})
    counted = queries.count_body(("channel", "month"), CountQuery(), after={"channel": "broadcaster"})
    assert summed["aggs"]["cells"]["composite"] == counted["aggs"]["cells"]["composite"]
    assert summed["aggs"]["cells"]["aggs"] == {"total": {"sum": {"field": "duration_s"}}}
    assert summed["query"]["bool"]["filter"] == [{"exists": {"field": "duration_s"}}, {"term": {"relevant": True}}]
    assert summed["query"]["bool"]["must_not"] == counted["query"]["bool"]["must_not"]


def test_stance_filter_count_and_label_queue_dsl() -> None:
    body = queries.search_body(SearchQuery(stances=("criticism", "praise")))
    assert {"terms": {"stance": ["criticism", "praise"]}} in body["query"]["bool"]["filter"]
    sources = queries.count_body(("channel", "stance"), CountQuery())["aggs"]["cells"]["composite"]["sources"]
    assert sources[1] == {"stance": {"terms": {"field": "stance", "missing_bucket": True}}}  # "unknown" counted
    above, below = queries.label_queue_bodies(0.4, 7)
    assert above["query"]["bool"]["filter"] == [{"range": {"relevance": {"gte": 0.4}}}]
    assert below["query"]["bool"]["filter"] == [{"range": {"relevance": {"lt": 0.4}}}]
    assert (above["sort"][0], below["sort"][0]) == ({"relevance": {"order": "asc"}}, {"relevance": {"order": "desc"}})
    assert {"term": {"label_source": "human"}} in above["query"]["bool"]["must_not"]
    assert {"exists": {"field": "duplicate_of"}} in below["query"]["bool"]["must_not"] and above["size"] == 7
    with pytest.raises(StoreError, match="unknown stance"):
        SearchQuery(stances=("khen",))


def test_documents_round_trip_nfc_and_term_limit() -> None:
    article = make(1, title="Ho\u0300a bi\u0300nh", author="x" * 40_000, tags=("đ" * 20_000,))
    doc = to_doc(article)
    assert doc["title"] == "Hòa bình" and doc["published_month"] == "2025-03" and doc["published_day"] == "2025-03-02"
    assert len(doc["author"].encode()) <= LUCENE_TERM_BYTES and len(doc["tags"][0].encode()) <= LUCENE_TERM_BYTES
    assert cut_to_bytes("đđđ", 5) == "đđ"
    assert from_doc(to_doc(make(2))) == make(2)


def test_bulk_actions_skip_unchanged_and_keep_human_labels() -> None:
    new, same, changed = make(1), make(2), make(3, text="Khác hẳn. " * 30)
    human = {"content_hash": "old", "label_source": "human", "relevant": False, "areas": [], "topics": ["ket_qua"],
             "relevance": None, "scores": {}, "model_version": None, "places": [], "stance": "criticism",
             "labeled_by": "bientap", "labeled_at": "2025-04-01T08:00:00+07:00"}  # fmt: skip
    existing = {same.id: {"content_hash": same.content_hash}, changed.id: human}
    actions, outcomes = plan_writes([new, same, changed], existing, "cchc-articles")
    assert outcomes == {new.id: UpsertOutcome.NEW, same.id: UpsertOutcome.UNCHANGED, changed.id: UpsertOutcome.UPDATED}
    assert [a["_id"] for a in actions] == [new.id, changed.id]
    assert all(a["_op_type"] == "index" and a["_index"] == "cchc-articles" and a["require_alias"] for a in actions)
    kept = actions[1]["_source"]
    assert (kept["relevant"], kept["topics"], kept["labeled_by"]) == (False, ["ket_qua"], "bientap")
    assert kept["stance"] == "criticism"
    assert kept["text"].startswith("Khác hẳn")


def test_bulk_actions_keep_a_changed_pages_earlier_version_and_point_at_the_newest_copy() -> None:
    same, changed = make(1, warc="so_noi_vu/b.warc.gz#900"), make(2, warc="so_noi_vu/b.warc.gz#1800")
    earlier = {"title": "Bản đầu", "lead": "", "text": "Lời cũ.", "fetched_at": "2025-03-01T08:00:00+07:00",
               "content_hash": "old", "warc": "so_noi_vu/a.warc.gz#0"}  # fmt: skip
    existing = {
        same.id: {"content_hash": same.content_hash, "warc": "so_noi_vu/a.warc.gz#300"},
        changed.id: {**earlier, "revisions": [{**earlier, "title": "Bản nháp"}]},
    }
    actions, outcomes = plan_writes([same, changed], existing, "cchc-articles")
    assert outcomes == {same.id: UpsertOutcome.UNCHANGED, changed.id: UpsertOutcome.UPDATED}
    fresh = {"warc": same.warc, "removed_at": None}
    assert actions[0] == {"_op_type": "update", "_index": "cchc-articles", "_id": same.id, "doc": fresh}
    doc = actions[1]["_source"]
    assert doc["warc"] == changed.warc and doc["revisions"] == [{**earlier, "title": "Bản nháp"}, earlier]
    assert from_doc(doc).revisions[1]["warc"] == "so_noi_vu/a.warc.gz#0"


def test_unreachable_cluster_defers_to_dead_letter_and_replays(tmp_path: Path) -> None:
    letters = DeadLetter(tmp_path / "dead")
    store = ElasticStore(f"elasticsearch+http://127.0.0.1:{free_port()}", dead_letter=letters)
    counts = store.upsert_many([make(n) for n in range(1, 8)], batch_size=3)
    assert counts[UpsertOutcome.DEFERRED] == 7 and letters.pending() == 7
    assert store.upsert(make(9)) is UpsertOutcome.DEFERRED
    line = json.loads(letters.files()[0].read_text(encoding="utf-8").splitlines()[0])
    assert line["reason"].startswith("cluster unavailable") and line["article"]["id"] == make(1).id
    result = run_cchc(
        "store", "replay", "--store", f"sqlite:///{tmp_path / 'a.db'}", "--dead-letter", str(tmp_path / "dead")
    )
    assert result.returncode == 0, result.stderr
    assert "8 bài mới" in result.stdout and letters.pending() == 0 and letters.files() == []
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as sqlite:
        assert sqlite.get(make(9).id) == make(9)


def test_reads_on_an_unreachable_cluster_are_one_line_errors(tmp_path: Path) -> None:
    result = run_cchc("stats", "--store", f"elasticsearch+http://127.0.0.1:{free_port()}")
    assert result.returncode == 1
    assert result.stderr.startswith("lỗi: elasticsearch+http://127.0.0.1:") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_crawl_goes_on_when_the_cluster_is_down(mirror_server, tmp_path: Path) -> None:
    result = run_cchc(
        "crawl", "baonghean", "--store", f"elasticsearch+http://127.0.0.1:{free_port()}",
        "--mirror", f"baonghean.vn={mirror_server.base_url}/baonghean", *POLITENESS_OFF,
        cwd=tmp_path, env={"CCHC_DEAD_LETTER_DIR": str(tmp_path / "dead")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "bài chờ ghi lại (cchc store replay)" in result.stdout
    assert DeadLetter(tmp_path / "dead").pending() >= 30


def test_store_copy_between_sqlite_files(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "a.db") as source:
        source.upsert_many([make(n) for n in range(1, 6)])
    result = run_cchc(
        "store", "copy", "--from", f"sqlite:///{tmp_path / 'a.db'}", "--to", f"sqlite:///{tmp_path / 'b.db'}"
    )
    assert result.returncode == 0, result.stderr
    assert "Đã chép 5/5 bài" in result.stdout
    with SQLiteStore(tmp_path / "b.db") as target:
        assert target.get(make(3).id) == make(3)
    again = run_cchc(
        "store", "copy", "--from", f"sqlite:///{tmp_path / 'a.db'}", "--to", f"sqlite:///{tmp_path / 'b.db'}"
    )
    assert "5 đã có" in again.stdout
    same = run_cchc("store", "copy", "--from", "sqlite:///x.db", "--to", "sqlite:///x.db")
    assert same.returncode == 2


def test_store_init_on_sqlite_says_nothing_to_do(tmp_path: Path) -> None:
    result = run_cchc("store", "init", "--store", f"sqlite:///{tmp_path / 'c.db'}")
    assert result.returncode == 0 and "nothing else to do" in result.stdout


def test_bulk_rejections_say_why_in_words() -> None:
    store = ElasticStore(f"opensearch+http://127.0.0.1:{free_port()}")
    busy = {"status": 429, "error": {"type": "es_rejected_execution_exception", "reason": "queue full"}}
    assert "the cluster is overloaded (429 es_rejected_execution_exception), still refused after" in (
        store._rejection(busy)
    )
    block = {"status": 403, "error": {"type": "cluster_block_exception", "reason": "index [x] blocked"}}
    assert store._rejection(block).startswith("the index is read-only (cluster_block_exception")
    assert store._rejection({"status": 400, "error": {"type": "mapper_parsing_exception", "reason": "bad"}}) == (
        "400 mapper_parsing_exception: bad"
    )


def test_engine_urls_pick_their_client(monkeypatch: pytest.MonkeyPatch) -> None:
    assert open_store("opensearch+http://127.0.0.1:9200").engine.name == "OpenSearch"
    assert open_store("elasticsearch+https://127.0.0.1:9200").engine.name == "Elasticsearch"
    monkeypatch.setenv("CCHC_ES_API_KEY", "k")
    with pytest.raises(StoreError, match="OpenSearch takes no API key"):
        open_store("opensearch+http://127.0.0.1:9200")


def test_a_page_fetched_again_writes_only_a_newly_stated_length() -> None:
    """The same words with a player length the stored copy lacks: an update of that field alone (and the WARC
    pointer), as SQLite does; the same length again, or none, writes nothing."""
    timed = dataclasses.replace(make(3), duration_s=205)
    stored = {"content_hash": timed.content_hash, "warc": timed.warc}
    actions, outcomes = plan_writes([timed], {timed.id: stored}, "cchc-articles")
    assert outcomes == {timed.id: UpsertOutcome.UNCHANGED}
    assert actions == [{"_op_type": "update", "_index": "cchc-articles", "_id": timed.id,
                        "doc": {"warc": timed.warc, "removed_at": None, "duration_s": 205}}]  # fmt: skip
    for again in (timed, make(3)):
        assert plan_writes([again], {timed.id: {**stored, "duration_s": 205}}, "cchc-articles")[0] == []
    assert to_doc(timed)["words"] == timed.words > 0 and to_doc(timed)["duration_s"] == 205
    mapped = ARTICLES.template["template"]["mappings"]["properties"]
    assert mapped["words"] == mapped["duration_s"] == {"type": "integer"}
