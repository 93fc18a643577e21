"""One contract, every backend: the same store tests on SQLite and on a search engine (Elasticsearch or OpenSearch).

The engine run needs a disposable cluster: CCHC_TEST_ES_URL (e.g. elasticsearch+http://localhost:9200 or
opensearch+http://localhost:9200; `make test-es` starts one and sets it); it deletes and recreates the cchc-*
indices there. Without it those cases are skipped with that reason; with it, a skip fails the run.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from search import (
    VN_TZ,
    Article,
    CountQuery,
    CrawlRun,
    Grouping,
    SearchQuery,
    Store,
    StoreError,
    Total,
    UpsertOutcome,
    article_id,
    word_count,
)
from search.sqlite import SQLiteStore

ES_URL = os.environ.get("CCHC_TEST_ES_URL")


def _sqlite(tmp_path: Path) -> Store:
    return SQLiteStore(tmp_path / "conformance.db")


def _engine(tmp_path: Path) -> Store:
    if not ES_URL:
        pytest.skip("CCHC_TEST_ES_URL is not set: no Elasticsearch/OpenSearch node to test against")
    from search.deadletter import DeadLetter
    from search.elastic import setup
    from search.elastic.store import ElasticStore

    store = ElasticStore(ES_URL, dead_letter=DeadLetter(tmp_path / "dead"))
    store.client.indices.delete(index="cchc-articles-v*,cchc-runs-v*", ignore_unavailable=True, allow_no_indices=True)
    setup.init(store.client)
    return store


BACKENDS = {"sqlite": _sqlite, "engine": _engine}


@pytest.fixture(params=["sqlite", pytest.param("engine", marks=pytest.mark.engine)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store = BACKENDS[request.param](tmp_path)
    yield store
    store.close()


def settle(store: Store) -> None:
    """Make writes visible to searches (Elasticsearch refreshes; SQLite needs nothing)."""
    if hasattr(store, "refresh"):
        store.refresh()


def make(slug: str, title: str, text: str, **fields) -> Article:
    url = f"https://baonghean.vn/{slug}-10000000.html"
    defaults = {"source": "baonghean", "channel": "newspaper", "published_at": datetime(2025, 3, 4, 8, tzinfo=VN_TZ)}
    return Article(id=article_id(url), url=url, canonical_url=url, title=title, text=text, **{**defaults, **fields})


CORPUS = [
    make("a", "Nghệ An đẩy mạnh cải cách hành chính", "Đảng ủy tỉnh chỉ đạo cải cách thủ tục tại bộ phận một cửa.",
         relevant=True, areas=("thu_tuc",), topics=("chu_truong",), unit="bao_va_dai_nghe_an", places=("vinh_tp",)),
    make("b", "Hoi nghi cai cach hanh chinh", "Bai viet khong dau ve cai cach hanh chinh va dang uy xa.",
         source="nghean_gov", channel="provincial_portal", relevant=True, areas=("cong_vu",),
         published_at=datetime(2024, 12, 31, 23, 30, tzinfo=VN_TZ)),
    make("c", "Nông dân thu hoạch lúa xuân", "Vụ lúa năng suất cao, cách làm mới giảm chi phí.", relevant=False,
         published_at=datetime(2025, 5, 1, 6, tzinfo=VN_TZ)),
]  # fmt: skip
QUERIES = ["cai cach hanh chinh", "Đảng ủy", '"mot cua"', "lua -hanh", "cai OR lua", "thu*", '"', "NEAR((", "-x"]


@pytest.fixture
def filled(any_store: Store) -> Store:
    assert any_store.upsert_many(CORPUS)[UpsertOutcome.NEW] == 3
    settle(any_store)
    return any_store


def hit_ids(store: Store, text: str, **filters) -> set[str]:
    return {h.article.id for h in store.search(SearchQuery(text=text, **filters)).hits}


def test_upsert_get_exists_round_trip(any_store: Store) -> None:
    assert any_store.upsert(CORPUS[0]) is UpsertOutcome.NEW
    settle(any_store)
    assert any_store.upsert(CORPUS[0]) is UpsertOutcome.UNCHANGED
    assert (
        any_store.upsert(dataclasses.replace(CORPUS[0], text="Đổi nội dung.", content_hash="")) is UpsertOutcome.UPDATED
    )
    settle(any_store)
    assert any_store.exists(CORPUS[0].id) and not any_store.exists("nope")
    assert any_store.get(CORPUS[0].id).text == "Đổi nội dung."
    assert any_store.get("nope") is None


def test_changed_pages_keep_revisions_and_gone_pages_are_marked_not_deleted(any_store: Store) -> None:
    first = dataclasses.replace(
        CORPUS[0], warc="baonghean/a.warc.gz#0", fetched_at=datetime(2025, 3, 4, 9, tzinfo=VN_TZ)
    )
    assert any_store.upsert(first) is UpsertOutcome.NEW
    settle(any_store)
    again = dataclasses.replace(first, warc="baonghean/b.warc.gz#512")
    assert any_store.upsert(again) is UpsertOutcome.UNCHANGED
    settle(any_store)
    assert any_store.get(first.id).warc == "baonghean/b.warc.gz#512" and any_store.get(first.id).revisions == ()
    edited = dataclasses.replace(again, text="Nội dung đã sửa.", content_hash="", warc="baonghean/c.warc.gz#64")
    assert any_store.upsert(edited) is UpsertOutcome.UPDATED
    settle(any_store)
    stored = any_store.get(first.id)
    assert stored.text == "Nội dung đã sửa." and stored.warc == "baonghean/c.warc.gz#64"
    earlier = {"title": first.title, "lead": "", "text": first.text, "content_hash": first.content_hash,
               "fetched_at": first.fetched_at.isoformat(), "warc": "baonghean/b.warc.gz#512"}  # fmt: skip
    assert stored.revisions == (earlier,)
    gone = datetime(2025, 6, 1, 7, tzinfo=VN_TZ)
    assert any_store.mark_removed(first.id, gone) and not any_store.mark_removed(first.id, datetime.now(VN_TZ))
    assert not any_store.mark_removed("nope", gone)
    settle(any_store)
    assert any_store.get(first.id).removed_at == gone and any_store.get(first.id).text == "Nội dung đã sửa."
    assert any_store.upsert(edited) is UpsertOutcome.UNCHANGED  # the page is back
    settle(any_store)
    assert any_store.get(first.id).removed_at is None and any_store.get(first.id).revisions == stored.revisions


def test_accent_insensitive_search_filters_and_highlights(filled: Store) -> None:
    a, b, c = (x.id for x in CORPUS)
    assert hit_ids(filled, "cai cach hanh chinh") == {a, b}
    assert hit_ids(filled, "dang uy") == {a, b}
    assert hit_ids(filled, "cai cach", sources=("nghean_gov",)) == {b}
    assert hit_ids(filled, "cai cach", areas=("thu_tuc",)) == {a}
    assert hit_ids(filled, "", date_to=date(2024, 12, 31)) == {b}
    assert hit_ids(filled, "", relevant=False) == {c}
    first = filled.search(SearchQuery(text="Đảng ủy")).hits[0]
    assert first.article.id == a and "<mark>" in first.snippet_html + first.title_html


def test_facets_counts_labels_and_reprints(filled: Store) -> None:
    a = CORPUS[0]
    assert filled.facets(SearchQuery(text="cai cach"), ("source", "area"))["area"] == {"thu_tuc": 1, "cong_vu": 1}
    counts = filled.count_by(("area", "channel", "month"), CountQuery())
    assert counts == {("thu_tuc", "newspaper", "2025-03"): 1, ("cong_vu", "provincial_portal", "2024-12"): 1}
    assert filled.count_by(("place",), CountQuery()) == {("vinh_tp",): 1}
    filled.set_labels(dataclasses.replace(a, areas=("the_che",), label_source="human", labeled_by="bientap"))
    reprint = make("d", a.title, a.text, source="nghean24h", channel="aggregator", duplicate_of=a.id)
    filled.upsert(reprint)
    settle(filled)
    assert filled.get(a.id).areas == ("the_che",)
    assert [x.id for x in filled.iter_articles(label_source="human")] == [a.id]
    assert [x.id for x in filled.reprints((a.id,))[a.id]] == [reprint.id]
    assert filled.search(SearchQuery(text="cai cach", fold_reprints=True)).total == 2
    stats = filled.stats()
    assert (stats.total, stats.relevant) == (4, 2) and stats.by_source["baonghean"] == 2


def test_crawl_runs(any_store: Store) -> None:
    t = datetime(2025, 1, 1, tzinfo=VN_TZ)
    any_store.record_run(CrawlRun("baonghean", t, t, "finished", {"cchc/stored/new": 3}))
    any_store.record_run(CrawlRun("baonghean", t.replace(day=2), t.replace(day=2), "shutdown", {}))
    assert [r.status for r in any_store.runs("baonghean")] == ["shutdown", "finished"]
    assert any_store.runs("hcc") == []
    any_store.record_run(CrawlRun("hcc", t.replace(day=3), t.replace(day=3), "finished", {}))
    any_store.record_run(CrawlRun("baonghean", t.replace(day=4), t.replace(day=4), "failed", {}))
    # Many sources at once (a coverage report's read): each source's newest `limit`, as runs() gives them.
    both = any_store.runs_of(["baonghean", "hcc", "so_noi_vu"], limit=2)
    assert {s: [r.status for r in runs] for s, runs in both.items()} == {
        "baonghean": ["failed", "shutdown"], "hcc": ["finished"], "so_noi_vu": []}  # fmt: skip
    assert both["baonghean"] == any_store.runs("baonghean", limit=2)


@pytest.mark.engine
@pytest.mark.skipif(not ES_URL, reason="CCHC_TEST_ES_URL is not set: no Elasticsearch/OpenSearch node to compare with")
def test_same_hits_on_both_backends(tmp_path: Path) -> None:
    stores = [_sqlite(tmp_path), _engine(tmp_path)]
    for store in stores:
        store.upsert_many(CORPUS)
        settle(store)
    for query in QUERIES:
        assert hit_ids(stores[0], query) == hit_ids(stores[1], query), query


STORY = ("Sáng 12/3, Trung tâm Phục vụ hành chính công tỉnh tổ chức hội nghị đánh giá kết quả giải quyết thủ tục hành "
         "chính quý I. Theo báo cáo, trung tâm đã tiếp nhận hơn 15.000 hồ sơ, trong đó 98% được trả kết quả đúng hạn. "
         "Nhiều thủ tục về đất đai, đầu tư, xây dựng được rút ngắn thời gian so với quy định. Người dân đánh giá cao "
         "thái độ phục vụ của cán bộ, công chức tại các quầy tiếp nhận. Lãnh đạo trung tâm yêu cầu tiếp tục đẩy mạnh "
         "dịch vụ công trực tuyến toàn trình và số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.")  # fmt: skip


def test_reprints_link_to_the_earliest_copy(any_store: Store) -> None:
    original = make("goc", "Trung tâm Phục vụ hành chính công: 98% hồ sơ đúng hạn", STORY, source="hcc",
                    channel="unit_portal", published_at=datetime(2025, 3, 12, 10, tzinfo=VN_TZ))  # fmt: skip
    signed = STORY + "\n\nTác giả: Minh Châu\n\nNguồn tin: hcc.nghean.gov.vn"
    reprint = make("dang-lai", "Nghệ An: 98% hồ sơ hành chính được trả đúng hạn", signed, source="nghean24h",
                   channel="aggregator", published_at=datetime(2025, 3, 12, 15, tzinfo=VN_TZ))  # fmt: skip
    other = make("khac", "Nông dân thu hoạch lúa", "Vụ lúa xuân năm nay được mùa được giá. " * 20)
    # The reprint is crawled first: when the original arrives, it becomes the story's original.
    any_store.upsert_many([reprint, other])
    settle(any_store)
    assert any_store.get(reprint.id).duplicate_of is None
    any_store.upsert(original)
    settle(any_store)
    assert any_store.get(original.id).duplicate_of is None
    assert any_store.get(reprint.id).duplicate_of == original.id
    assert any_store.get(other.id).duplicate_of is None
    late = make("dang-lai-2", "Hồ sơ đúng hạn", STORY, source="dcs", channel="unit_portal",
                published_at=datetime(2025, 3, 14, tzinfo=VN_TZ))  # fmt: skip
    any_store.upsert(late)
    settle(any_store)
    assert any_store.get(late.id).duplicate_of == original.id
    counts = any_store.count_by(("source",), CountQuery(relevant_only=False))
    assert ("nghean24h",) not in counts and ("dcs",) not in counts and counts[("hcc",)] == 1
    # The original, edited and fetched again, finds its own reprints: it stays their original, no copy of itself.
    edited = dataclasses.replace(original, text=STORY + " Cập nhật lúc 17 giờ.", content_hash="", simhash=None)
    any_store.upsert(edited)
    settle(any_store)
    assert any_store.get(original.id).duplicate_of is None
    assert any_store.get(reprint.id).duplicate_of == any_store.get(late.id).duplicate_of == original.id


def test_an_earlier_original_in_the_same_batch_takes_over_its_story(any_store: Store) -> None:
    """Copies first, then an earlier copy, in one batch: every copy points to the earliest (the engine cannot find
    the batch's own articles before writing them), and so does a later batch's."""

    def copy(slug: str, day: int, ending: str) -> Article:
        return make(slug, f"Hồ sơ đúng hạn ({slug})", f"{STORY}\n\nNguồn: {ending}", source="nghean24h",
                    channel="aggregator", published_at=datetime(2025, 3, day, 8, tzinfo=VN_TZ))  # fmt: skip

    first, stored = copy("ban-8", 8, "báo A"), copy("ban-25", 25, "báo B")
    any_store.upsert_many([first])
    settle(any_store)
    batch = [copy("ban-20", 20, "báo C"), copy("ban-2", 2, "báo D"), copy("ban-27", 27, "báo E"), stored]
    any_store.upsert_many(batch)
    settle(any_store)
    any_store.upsert_many([copy("ban-5", 5, "báo F")])
    settle(any_store)
    earliest = batch[1].id
    pointers = {a.url.split("/")[-1].split("-1")[0]: a.duplicate_of for a in any_store.iter_articles()}
    assert pointers == {"ban-2": None, **dict.fromkeys(["ban-8", "ban-20", "ban-25", "ban-27", "ban-5"], earliest)}


@pytest.mark.engine
def test_an_engine_index_rebuilds_its_bands_when_the_near_duplicate_layout_changed(tmp_path: Path) -> None:
    from search import neardup
    from search.deadletter import DeadLetter
    from search.elastic.setup import ARTICLES, current_index
    from search.elastic.store import NEARDUP_LAYOUT, ElasticStore

    store = _engine(tmp_path)
    index = current_index(store.client, ARTICLES)

    def layout() -> str | None:
        return store.client.indices.get_mapping(index=index)[index]["mappings"].get("_meta", {}).get(NEARDUP_LAYOUT)

    original = make("goc", "Trung tâm Phục vụ hành chính công: 98% hồ sơ đúng hạn", STORY, source="hcc",
                    channel="unit_portal", published_at=datetime(2025, 3, 12, 10, tzinfo=VN_TZ))  # fmt: skip
    store.upsert(original)
    settle(store)
    assert layout() == neardup.LAYOUT  # a new index records it at its first write
    # As an index written by a program with other bands: its keys no longer match this program's.
    changed = store.client.update_by_query(index=index, refresh=True, body={
        "query": {"match_all": {}}, "script": {"source": "ctx._source.simhash_bands = ['x']"}})  # fmt: skip
    assert changed["updated"] == 1
    store.client.indices.put_mapping(index=index, body={"_meta": {NEARDUP_LAYOUT: "simhash64 bands=4x16"}})
    store.close()
    store = ElasticStore(ES_URL, dead_letter=DeadLetter(tmp_path / "dead"))
    signed = STORY + "\n\nNguồn: hcc.nghean.gov.vn"
    reprint = make("dang-lai", "Nghệ An: 98% hồ sơ hành chính được trả đúng hạn", signed, source="nghean24h",
                   channel="aggregator", published_at=datetime(2025, 3, 12, 15, tzinfo=VN_TZ))  # fmt: skip
    store.upsert(reprint)
    settle(store)
    assert store.get(reprint.id).duplicate_of == original.id
    assert layout() == neardup.LAYOUT
    assert store.client.count(index=index, body={"query": {"term": {"simhash_bands": "x"}}})["count"] == 0
    store.close()


def test_counting_everything_includes_unclassified_articles(any_store: Store) -> None:
    # relevant_only=False counts every article: judged relevant, judged not, and never classified (None).
    judged = [("co", True), ("khong", False), ("chua", None)]
    any_store.upsert_many([make(slug, f"Bài {slug}", f"Nội dung riêng của bài {slug} số {n}.", relevant=relevant)
                           for n, (slug, relevant) in enumerate(judged)])  # fmt: skip
    settle(any_store)
    assert any_store.count_by(("month",), CountQuery(relevant_only=False)) == {("2025-03",): 3}
    assert any_store.count_by(("month",), CountQuery()) == {("2025-03",): 1}


def _judged(slug: str, relevance: float, stance: str | None = None, **fields) -> Article:
    """A classified article with words of its own (never a near-duplicate of another)."""
    own = " ".join(f"hồ sơ {slug} số {i * 7919 + len(slug)}" for i in range(12))
    return make(slug, f"Bài {slug} về thủ tục hành chính", own, relevant=relevance >= 0.5, relevance=relevance,
                areas=("thu_tuc",) if relevance >= 0.5 else (), stance=stance if relevance >= 0.5 else None,
                label_source="model", **fields)  # fmt: skip


def test_stance_filter_facets_counts_and_label_queue(any_store: Store) -> None:
    praise, criticism = _judged("khen", 0.97, "praise"), _judged("che", 0.58, "criticism")
    portal = _judged("cong", 0.81, "criticism", source="nghean_gov", channel="provincial_portal")
    near_below, far_below = _judged("gan", 0.46), _judged("xa", 0.02)
    human = dataclasses.replace(_judged("nguoi", 0.5), label_source="human", labeled_by="bientap")
    reprint = dataclasses.replace(_judged("dang-lai", 0.51, "praise"), duplicate_of=praise.id)
    any_store.upsert_many([praise, criticism, portal, near_below, far_below, human, reprint])
    settle(any_store)
    criticisms = {criticism.id, portal.id}
    assert {h.article.id for h in any_store.search(SearchQuery(stances=("criticism",))).hits} == criticisms
    both = hit_ids(any_store, "thu tuc", stances=("praise", "criticism"), sources=("baonghean",), fold_reprints=True)
    assert both == {praise.id, criticism.id}
    assert any_store.facets(SearchQuery(), ("stance",))["stance"] == {"criticism": 2, "praise": 2}
    assert any_store.facets(SearchQuery(fold_reprints=True), ("stance",))["stance"] == {"criticism": 2, "praise": 1}
    counts = any_store.count_by(("channel", "stance"), CountQuery())
    assert counts == {("newspaper", "praise"): 1, ("newspaper", "criticism"): 1, ("newspaper", "unknown"): 1,
                      ("provincial_portal", "criticism"): 1}  # fmt: skip
    # The model's least sure first: relevance nearest 0.5; people's labels and reprints are not asked again.
    assert [a.id for a in any_store.label_queue(0.5, limit=3)] == [near_below.id, criticism.id, portal.id]
    assert [a.id for a in any_store.label_queue(0.9, limit=2)] == [praise.id, portal.id]
    assert len(any_store.label_queue(0.5, limit=50)) == 5
    # A person's stance is a label like the others: kept in place of the model's on a re-crawl.
    any_store.set_labels(dataclasses.replace(criticism, stance="neutral", label_source="human", labeled_by="bt"))
    any_store.upsert(dataclasses.replace(criticism, text=criticism.text + " Cập nhật.", content_hash=""))
    settle(any_store)
    assert any_store.get(criticism.id).stance == "neutral"
    assert criticism.id not in {a.id for a in any_store.label_queue(0.5, limit=50)}
    assert hit_ids(any_store, "", stances=("neutral",)) == {criticism.id}


# Ranking: the words as typed first. bm25 alone puts each decoy first (their titles and texts repeat the folded
# words: "của" folds like "cửa", and scattered "cải cách ... hành chính" like the phrase).
RANKED = [
    make("mot-cua", "Xã Nghi Phong: 99% hồ sơ được trả đúng hạn",
         "Năm nay, bộ phận một cửa của xã tiếp nhận 1.250 hồ sơ, trả kết quả đúng hạn 99%. Cán bộ hướng dẫn người "
         "dân nộp hồ sơ trực tuyến, không để người dân phải đi lại nhiều lần."),
    make("cua-hang", "Sức mua tăng nhờ sự vào cuộc của các ngành",
         "Sự vào cuộc của các cấp, của các ngành và của doanh nghiệp giúp sức mua tăng. Nhiều cửa hàng tiện lợi mở "
         "thêm; giá của một số mặt hàng thiết yếu giảm. Niềm tin của người tiêu dùng vào hàng Việt của tỉnh tăng.",
         channel="provincial_portal", source="nghean_gov"),
    make("cua-de-danh", "Mảnh vườn là một của để dành",
         "Với ông Tâm, mảnh vườn cam là một của để dành của cả gia đình. Thu nhập của vườn cam năm nay đạt 300 "
         "triệu đồng, là tài sản của con cháu sau này."),
    make("cchc-lien-tuc", "Người dân hài lòng hơn với dịch vụ công",
         "Kết quả khảo sát cho thấy công tác cải cách hành chính của tỉnh có chuyển biến rõ, nhất là ở cấp xã."),
    make("cach-lam", "Cải cách cách làm, hành động vì chính quyền gần dân",
         "Huyện đổi mới cách làm, cải cách lề lối làm việc; thủ tục hành chính được rút gọn, chính sách đến với "
         "người dân nhanh hơn. Cách làm này được cải cách liên tục, hành chính công khai, chính quyền minh bạch.",
         source="nghean_gov", channel="provincial_portal"),
]  # fmt: skip


def ranked_slugs(store: Store, text: str, **query) -> list[str]:
    slugs = {a.id: a.url.split("/")[-1].rsplit("-", 1)[0] for a in RANKED}
    return [slugs[h.article.id] for h in store.search(SearchQuery(text=text, **query)).hits]


def test_words_as_typed_rank_first(any_store: Store) -> None:
    any_store.upsert_many(RANKED)
    settle(any_store)
    # Exact accents, side by side; then exact accents apart; then the folded phrase ("một của").
    assert ranked_slugs(any_store, "một cửa") == ["mot-cua", "cua-hang", "cua-de-danh"]
    # Adjacent words before scattered ones, typed with or without accents, with the plan's acronyms expanded.
    acronyms = (("CCHC", "cải cách hành chính"),)
    for text in ("cải cách hành chính", "cai cach hanh chinh"):
        assert ranked_slugs(any_store, text, synonyms=acronyms) == ["cchc-lien-tuc", "cach-lam"], text
        assert ranked_slugs(any_store, text) == ["cchc-lien-tuc", "cach-lam"], text


def test_sum_by_adds_up_airtime_and_words_per_group(any_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Airtime sums the reports whose length is known (and says how many); words every article's; reprints and
    articles not about CCHC are left out, as in count_by."""
    tv = {"source": "truyenhinhnghean", "channel": "broadcaster"}
    march, april = datetime(2025, 3, 4, 19, tzinfo=VN_TZ), datetime(2025, 4, 1, 0, 30, tzinfo=VN_TZ)
    one_stop = _judged("mot-cua", 0.9, duration_s=185, published_at=march, **tv)
    vneid = _judged("vneid", 0.8, duration_s=252, published_at=april, **tv)
    no_player = _judged("chu", 0.7, published_at=march, **tv)
    weather = _judged("thoi-tiet", 0.1, duration_s=90, published_at=march, **tv)
    copy = dataclasses.replace(_judged("phat-lai", 0.9, duration_s=600, published_at=march, **tv),
                               duplicate_of=one_stop.id)  # fmt: skip
    paper = _judged("bao", 0.9)
    any_store.upsert_many([one_stop, vneid, no_player, weather, copy, paper])
    settle(any_store)
    airtime = any_store.sum_by(("channel", "month"), "duration_s", CountQuery())
    assert airtime == {("broadcaster", "2025-03"): Total(185, 1), ("broadcaster", "2025-04"): Total(252, 1)}
    assert any_store.sum_by(("area",), "duration_s", CountQuery(relevant_only=False)) == {("thu_tuc",): Total(437, 2)}
    words = any_store.sum_by(("channel",), "words", CountQuery())
    tv_words = sum(word_count(a.title, a.lead, a.text) for a in (one_stop, vneid, no_player))
    assert words == {("broadcaster",): Total(tv_words, 3), ("newspaper",): Total(paper.words, 1)}
    assert any_store.get(paper.id).words == paper.words == word_count(paper.title, paper.text) > 0
    with pytest.raises(StoreError):
        any_store.sum_by(("channel",), "text", CountQuery())
    # A tally answers many groupings at once (one statement on SQLite), each exactly as count_by or sum_by would.
    groupings = [Grouping(("area", "channel", "month"), CountQuery()), Grouping(("channel", "month"), CountQuery(),
                 "duration_s"), Grouping(("month",), CountQuery(relevant_only=False, exclude_reprints=False)),
                 Grouping(("day",), CountQuery(date_from=date(2025, 4, 1), relevant_only=False)),
                 Grouping(("source",), CountQuery(date_to=date(2024, 1, 1)))]  # fmt: skip
    assert any_store.tally(groupings) == [
        any_store.count_by(g.dims, g.query) if g.measure is None else any_store.sum_by(g.dims, g.measure, g.query)
        for g in groupings
    ]
    assert any_store.tally(groupings)[1] == airtime and any_store.tally(groupings)[4] == {}
    assert any_store.tally(groupings)[2] == {("2025-03",): 5, ("2025-04",): 1}
    if not isinstance(any_store, SQLiteStore):  # the engine answers them all in one request
        requests: list[str] = []
        for name in ("search", "msearch"):
            method = getattr(any_store.client, name)

            def spy(*args: Any, _method: Any = method, _name: str = name, **kwargs: Any) -> Any:
                requests.append(_name)
                return _method(*args, **kwargs)

            monkeypatch.setattr(any_store.client, name, spy)
        assert any_store.tally(groupings)[1] == airtime and requests == ["msearch"]
    # The newest local day per group (half past midnight on 1 April is still 31 March in UTC).
    assert any_store.latest(("channel",), CountQuery()) == {
        ("broadcaster",): "2025-04-01",
        ("newspaper",): "2025-03-04",
    }
    assert any_store.latest(("source", "channel"), CountQuery(date_to=date(2025, 3, 31))) == {
        ("truyenhinhnghean", "broadcaster"): "2025-03-04", ("baonghean", "newspaper"): "2025-03-04"}  # fmt: skip


def test_a_page_fetched_again_with_its_length_now_stated_gives_the_airtime(any_store: Store) -> None:
    silent = _judged("phong-su", 0.9, source="truyenhinhnghean", channel="broadcaster")
    any_store.upsert(silent)
    assert any_store.upsert(dataclasses.replace(silent, duration_s=205)) == UpsertOutcome.UNCHANGED
    assert any_store.upsert(silent) == UpsertOutcome.UNCHANGED  # a later fetch that misses it keeps it
    settle(any_store)
    assert any_store.get(silent.id).duration_s == 205
