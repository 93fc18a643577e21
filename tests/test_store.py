"""The SQLite store: upsert by id, accent-insensitive FTS5, filters, highlights, odd queries."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from search import VN_TZ, Article, CrawlRun, SearchQuery, StoreError, UpsertOutcome, article_id, open_store
from search import sqlite as sqlite_store
from search.sqlite import SQLiteStore
from search.sqlite_schema import MIGRATIONS, SCHEMA_VERSION
from search.store import human_labels


def make(url: str, title: str, text: str, *, source: str = "baonghean", channel: str = "newspaper",
         when: datetime | None = None, lead: str = "", areas: tuple[str, ...] = ()) -> Article:  # fmt: skip
    return Article(
        id=article_id(url), url=url, canonical_url=url, source=source, channel=channel, title=title,
        lead=lead, text=text, published_at=when or datetime(2025, 3, 4, 8, 15, tzinfo=VN_TZ), areas=areas,
    )  # fmt: skip


CCHC = make(
    "https://baonghean.vn/a-10000001.html",
    "Nghệ An đẩy mạnh cải cách hành chính",
    "Ban Thường vụ Đảng ủy tỉnh chỉ đạo đẩy mạnh cải cách hành chính, rút ngắn thời gian giải quyết "
    "thủ tục cho người dân và doanh nghiệp tại Trung tâm Phục vụ hành chính công.",
    lead="Đảng ủy khối chỉ đạo quyết liệt.",
    areas=("thu_tuc",),
)
UNACCENTED = make(
    "https://nghean.gov.vn/tin/b-123456",
    "Hoi nghi cai cach hanh chinh",
    "Bai viet khong dau ve cai cach hanh chinh cua huyen, dang uy xa chi dao.",
    source="nghean_gov",
    channel="provincial_portal",
    when=datetime(2024, 12, 31, 23, 30, tzinfo=VN_TZ),
)
OTHER = make(
    "https://baonghean.vn/c-10000002.html",
    "Nông dân Quỳnh Lưu thu hoạch lúa xuân",
    "Vụ lúa xuân năm nay năng suất cao, nông dân phấn khởi. Cách làm mới giúp giảm chi phí.",
    when=datetime(2025, 5, 1, 6, 0, tzinfo=VN_TZ),
)


@pytest.fixture
def filled(store: SQLiteStore) -> SQLiteStore:
    for article in (CCHC, UNACCENTED, OTHER):
        store.upsert(article)
    return store


def ids(store: SQLiteStore, text: str, **filters: object) -> list[str]:
    return [h.article.id for h in store.search(SearchQuery(text=text, **filters)).hits]


def test_upsert_is_idempotent_and_detects_changes(store: SQLiteStore) -> None:
    assert store.upsert(CCHC) is UpsertOutcome.NEW
    assert store.upsert(CCHC) is UpsertOutcome.UNCHANGED
    changed = make(CCHC.url, CCHC.title, CCHC.text + " Thêm một câu.", lead=CCHC.lead)
    assert store.upsert(changed) is UpsertOutcome.UPDATED
    assert store.stats().total == 1
    assert store.get(CCHC.id).text.endswith("Thêm một câu.")
    assert ids(store, "them mot cau") == [CCHC.id]
    assert store.search(SearchQuery(text="cai cach")).total == 1


def test_get_round_trips_every_field(store: SQLiteStore) -> None:
    store.upsert(CCHC)
    assert store.get(CCHC.id) == CCHC
    assert store.exists(CCHC.id) and not store.exists("nope")
    assert store.get("nope") is None


@pytest.mark.parametrize("query", ["cai cach hanh chinh", "CẢI CÁCH HÀNH CHÍNH", "cải cach hanh chính"])
def test_accent_insensitive(filled: SQLiteStore, query: str) -> None:
    assert set(ids(filled, query)) == {CCHC.id, UNACCENTED.id}


def test_d_with_stroke_folds(filled: SQLiteStore) -> None:
    assert set(ids(filled, "dang uy")) == {CCHC.id, UNACCENTED.id}
    assert set(ids(filled, "Đảng ủy")) == {CCHC.id, UNACCENTED.id}


def test_accented_query_ranks_exact_accents_first(filled: SQLiteStore) -> None:
    assert ids(filled, "Đảng ủy")[0] == CCHC.id
    # "cach" also matches "cách" (OTHER has "Cách làm"); the accented query puts an exact match first.
    assert ids(filled, "cách")[0] in (CCHC.id, OTHER.id)


def test_phrase(filled: SQLiteStore) -> None:
    assert set(ids(filled, '"hanh chinh cong"')) == {CCHC.id}
    assert ids(filled, '"chinh hanh"') == []


def test_exclusion_or_and_prefix(filled: SQLiteStore) -> None:
    assert set(ids(filled, "cai cach -huyen")) == {CCHC.id}
    assert set(ids(filled, "cai cach NOT huyen")) == {CCHC.id}
    assert set(ids(filled, "lua OR huyen")) == {OTHER.id, UNACCENTED.id}
    assert set(ids(filled, "quynh*")) == {OTHER.id}


def test_filters(filled: SQLiteStore) -> None:
    assert ids(filled, "cai cach", sources=("nghean_gov",)) == [UNACCENTED.id]
    assert ids(filled, "cai cach", channels=("newspaper",)) == [CCHC.id]
    assert ids(filled, "cai cach", areas=("thu_tuc",)) == [CCHC.id]
    # 2024-12-31 23:30 +07:00 is still 2024 locally (16:30 UTC).
    assert ids(filled, "cai cach", date_to=date(2024, 12, 31)) == [UNACCENTED.id]
    assert ids(filled, "cai cach", date_from=date(2025, 1, 1)) == [CCHC.id]
    assert ids(filled, "", date_from=date(2025, 4, 1)) == [OTHER.id]


def test_a_search_reads_the_narrowest_index_that_holds_its_filters(filled: SQLiteStore) -> None:
    """Dates and reprints only: the ranking index (half the cost of the facet index per match); a filter by a label
    or a publisher: the facet index. Either way the hits and the facets are those of the filters."""
    plans: list[str] = []

    def searched(**filters: object) -> list[str]:
        plans.clear()
        filled._conn.set_trace_callback(plans.append)  # noqa: SLF001 - which index the store's statements name
        try:
            query = SearchQuery(text="cai cach", **filters)
            found = [h.article.id for h in filled.search(query).hits]
            assert sum(filled.facets(query, ("source",))["source"].values()) == len(found)
        finally:
            filled._conn.set_trace_callback(None)  # noqa: SLF001
        return found

    def named(index: str) -> bool:
        return any(f"INDEXED BY {index}" in sql for sql in plans)

    assert set(searched(fold_reprints=True, date_to=date(2025, 12, 31))) == {CCHC.id, UNACCENTED.id}
    assert named("articles_ranking") and not named("articles_facets")
    for filters in (
        {"sources": ("nghean_gov",)},
        {"areas": ("thu_tuc",)},
        {"stances": ("praise",)},
        {"relevant": True},
    ):
        browsed = {h.article.id for h in filled.search(SearchQuery(**filters)).hits}  # the filters alone
        assert set(searched(**filters)) == browsed & {CCHC.id, UNACCENTED.id}
        assert named("articles_facets") and not named("articles_ranking")


def test_browse_without_text_is_newest_first(filled: SQLiteStore) -> None:
    assert ids(filled, "") == [OTHER.id, CCHC.id, UNACCENTED.id]


def test_highlights_keep_original_accents_and_escape_html(store: SQLiteStore) -> None:
    store.upsert(make("https://x.vn/1", "<script>alert(1)</script> cải cách", "Nội dung cải cách & đổi mới. " * 5))
    hit = store.search(SearchQuery(text="cai cach")).hits[0]
    assert hit.title_html == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>cải</mark> <mark>cách</mark>"
    assert "<mark>cải</mark> <mark>cách</mark> &amp; đổi mới" in hit.snippet_html


@pytest.mark.parametrize(
    "query",
    ['"', '""', "*", "-", "--", "OR", "AND", "NOT", "NEAR(", "NEAR(a b", "(((", ")", "cai (cach", '"cai cach',
     "a OR", "OR OR OR", "-cai", "title:cai", "^cai", "cai + cach", "'; DROP TABLE articles; --", "\x00", "ـ",
     "🙂", "%", "\\", "{title_f}: x", "cai" * 200],
)  # fmt: skip
def test_odd_queries_never_raise(filled: SQLiteStore, query: str) -> None:
    result = filled.search(SearchQuery(text=query))
    assert result.total == len(result.hits) or result.total > len(result.hits)
    assert filled.stats().total == 3


def test_bad_requests_are_store_errors() -> None:
    with pytest.raises(StoreError):
        SearchQuery(limit=0)
    with pytest.raises(StoreError):
        SearchQuery(date_from=date(2025, 2, 1), date_to=date(2025, 1, 1))
    with pytest.raises(StoreError):
        open_store("mysql://x")
    with pytest.raises(StoreError):
        open_store("sqlite://")


def test_stats(filled: SQLiteStore) -> None:
    stats = filled.stats()
    assert stats.total == 3
    assert stats.relevant == 0
    assert stats.by_source == {"baonghean": 2, "nghean_gov": 1}
    assert stats.by_channel == {"newspaper": 2, "provincial_portal": 1}
    assert stats.by_month == {"2024-12": 1, "2025-03": 1, "2025-05": 1}
    assert stats.by_area == {"thu_tuc": 1}
    assert stats.date_range_by_source["nghean_gov"] == ("2024-12-31T23:30:00+07:00",) * 2
    assert stats.size_bytes > 0


def test_an_upgrade_frees_originals_marked_reprints_of_themselves(tmp_path) -> None:
    path = tmp_path / "self.db"
    with SQLiteStore(path) as s:
        s.upsert(CCHC)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE articles SET duplicate_of = id")  # as an edited original stored again was left
    # An archive of the version before the fix: without the facet log and the ranking index that came after it.
    conn.executescript("DROP TRIGGER facet_log_update; DROP TABLE facet_log; DROP INDEX articles_ranking;")
    fix = next(
        n
        for n, step in enumerate(MIGRATIONS)
        if "UPDATE articles SET duplicate_of = NULL WHERE duplicate_of = id" in step
    )
    conn.execute(f"PRAGMA user_version = {fix}")
    conn.commit()
    conn.close()
    with SQLiteStore(path) as s:
        assert s.get(CCHC.id).duplicate_of is None
        assert s.stats().total == 1 and s.search(SearchQuery(text="cai cach", fold_reprints=True)).total == 1


def test_schema_version_wal_and_reopen(tmp_path) -> None:
    path = tmp_path / "a.db"
    with SQLiteStore(path) as s:
        s.upsert(CCHC)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with open_store(f"sqlite:///{path}") as s:
        assert s.get(CCHC.id) == CCHC
        assert s.integrity_check() == "ok"


def test_newer_schema_is_refused(tmp_path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this program"):
        SQLiteStore(path)


def test_not_a_database_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="không mở được kho SQLite"):
        SQLiteStore(path)


def test_failed_update_rolls_back_whole(store: SQLiteStore) -> None:
    store.upsert(CCHC)
    # An update deletes the old row, then inserts; make the insert fail.
    store._conn.execute("CREATE TRIGGER fail AFTER INSERT ON articles BEGIN SELECT RAISE(ABORT, 'boom'); END")
    with pytest.raises(StoreError, match="boom"):
        store.upsert(make(CCHC.url, CCHC.title, "Nội dung mới hoàn toàn."))
    assert store.get(CCHC.id) == CCHC
    assert ids(store, "cai cach") == [CCHC.id]


def test_crawl_runs_newest_first(store: SQLiteStore) -> None:
    t = datetime(2025, 1, 1, tzinfo=VN_TZ)
    store.record_run(CrawlRun("baonghean", t, t, "finished", {"cchc/stored/new": 3}))
    store.record_run(CrawlRun("baonghean", t.replace(day=2), t.replace(day=2), "shutdown", {}))
    runs = store.runs("baonghean")
    assert [r.status for r in runs] == ["shutdown", "finished"]
    assert runs[1].stats == {"cchc/stored/new": 3}
    assert store.runs("hcc") == []


def test_labels_are_set_and_iterated(filled: SQLiteStore) -> None:
    tagged = dataclasses.replace(
        CCHC, relevant=True, relevance=0.93, areas=("thu_tuc",), topics=("ket_qua",), scores={"relevant": 0.93},
        label_source="model", model_version="m1",
    )  # fmt: skip
    filled.set_labels(tagged)
    assert filled.get(CCHC.id) == tagged
    assert [a.id for a in filled.iter_articles(label_source="model")] == [CCHC.id]
    assert {a.id for a in filled.iter_articles(batch_size=1)} == {CCHC.id, UNACCENTED.id, OTHER.id}
    with pytest.raises(StoreError, match="no article"):
        filled.set_labels(dataclasses.replace(tagged, id="missing"))


def test_human_labels_survive_a_content_update(store: SQLiteStore) -> None:
    store.upsert(dataclasses.replace(CCHC, relevant=False, areas=(), label_source="human"))
    recrawled = dataclasses.replace(
        CCHC, text=CCHC.text + " Cập nhật.", content_hash="", relevant=True, areas=("cong_vu",), label_source="model"
    )
    assert store.upsert(recrawled) is UpsertOutcome.UPDATED
    kept = store.get(CCHC.id)
    assert kept.text.endswith("Cập nhật.")
    assert (kept.relevant, kept.areas, kept.label_source) == (False, (), "human")


def test_migrates_a_version_1_archive(tmp_path) -> None:
    from search.sqlite_schema import MIGRATIONS

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO articles (id, url, canonical_url, source, channel, title, text, content_hash)"
        " VALUES ('x', 'u', 'u', 's', 'newspaper', 't', 'body', 'h')"
    )
    conn.commit()
    conn.close()
    with SQLiteStore(path) as s:
        old = s.get("x")
        assert old.labeled_by is None and old.warc is None and old.revisions == ()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_facets_reprints_and_more_filters(filled: SQLiteStore) -> None:
    reprint = dataclasses.replace(
        make("https://nghean24h.vn/x-a123456.html", "Bản đăng lại về cải cách hành chính", CCHC.text),
        duplicate_of=CCHC.id,
        source="nghean24h",
        channel="aggregator",
    )
    filled.upsert(reprint)
    query = SearchQuery(text="cai cach")
    facets = filled.facets(query, ("source", "channel", "area"))
    assert facets["source"] == {"baonghean": 1, "nghean_gov": 1, "nghean24h": 1}
    assert facets["area"] == {"thu_tuc": 1}
    folded = SearchQuery(text="cai cach", fold_reprints=True)
    assert filled.facets(folded, ("source",))["source"] == {"baonghean": 1, "nghean_gov": 1}
    assert filled.search(folded).total == 2
    assert [a.id for a in filled.reprints((CCHC.id, OTHER.id))[CCHC.id]] == [reprint.id]
    assert filled.facets(SearchQuery(text='"'), ("source",)) == {"source": {}}
    with pytest.raises(StoreError):
        filled.facets(query, ("weekday",))
    assert ids(filled, "", relevant=True) == []


def test_facets_after_a_search_count_the_archive_as_it_is_now(filled: SQLiteStore) -> None:
    # The facets of the query just searched read its matches again, unless a write (by this store or another
    # connection) came in between.
    query = SearchQuery(text="cai cach")
    assert filled.search(query).total == 2
    assert filled.facets(query, ("source",))["source"] == {"baonghean": 1, "nghean_gov": 1}
    filled.search(query)
    filled.upsert(make("https://baonghean.vn/d-10000003.html", "Cải cách hành chính ở Vinh", "Cải cách."))
    assert filled.facets(query, ("source",))["source"] == {"baonghean": 2, "nghean_gov": 1}
    filled.search(query)
    with SQLiteStore(filled.path) as other:
        other.set_labels(dataclasses.replace(other.get(CCHC.id), relevant=True, areas=("cong_vu",)))
    assert filled.facets(query, ("area",))["area"] == {"cong_vu": 1}
    filled.search(SearchQuery(text="lua xuan"))
    assert filled.facets(query, ("source",))["source"] == {"baonghean": 2, "nghean_gov": 1}


def _facets_by_sql(path, dims: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Every article's facet counts grouped in SQL: what the values in memory must count."""
    conn = sqlite3.connect(path)
    counted = {}
    for dim in dims:
        column = {"area": "areas", "topic": "topics", "place": "places"}.get(dim)
        sql = (f"SELECT j.value, count(*) FROM articles a, json_each(a.{column}) j GROUP BY 1" if column else
               f"SELECT {dim}, count(*) FROM articles WHERE {dim} IS NOT NULL GROUP BY 1")  # fmt: skip
        counted[dim] = dict(conn.execute(sql).fetchall())
    conn.close()
    return counted


def test_facet_values_held_in_memory_follow_every_connections_writes(store: SQLiteStore, monkeypatch) -> None:
    # Facets count from values this process holds, read again only for the articles the archive's log says
    # changed: after writes by another connection (new articles, an edited page stored again under a new rowid,
    # labels changed), after the log lost changes it never gave out (it keeps the latest 100,000 only), and after
    # a row's list was damaged (it counts as none, as the other rows still do).
    dims = ("area", "topic", "place", "channel", "source", "unit", "stance")

    def article(n: int, text: str = "Cải cách hành chính.") -> Article:
        return dataclasses.replace(
            make(f"https://baonghean.vn/f-{n}.html", f"Bài {n}", text, areas=(("thu_tuc", "cong_vu")[: n % 3])),
            places=tuple(f"xa_{k}" for k in range(n % 4)), stance=(None, "praise", "criticism")[n % 3],
            topics=("ket_qua",) if n % 5 == 0 else (), unit=f"unit_{n % 2}" if n % 3 else None,
            source=f"site_{n % 4}",
        )  # fmt: skip

    store.upsert_many(article(n) for n in range(60))  # a few changes among many: only they are read again
    assert store.facets(SearchQuery(), dims, limit=100) == _facets_by_sql(store.path, dims)
    with SQLiteStore(store.path) as other:
        other.upsert_many([article(n) for n in range(60, 66)] + [article(3, "Cải cách hành chính, bản sửa.")])
        other.set_labels(dataclasses.replace(other.get(article(4).id), areas=("the_che",), places=("xa_9",),
                                             stance="criticism", topics=()))  # fmt: skip
    assert store.facets(SearchQuery(), dims, limit=100) == _facets_by_sql(store.path, dims)
    assert store.facets(SearchQuery(), ("place",))["place"]["xa_9"] == 1
    monkeypatch.setattr(sqlite_store, "FACET_LOG_KEPT", 2)
    with SQLiteStore(store.path) as other:
        for n in range(5, 9):
            other.set_labels(dataclasses.replace(other.get(article(n).id), areas=("chi_so",), places=()))
        other.upsert(article(66))  # the log is pruned after each batch: 3 of these 5 changes are gone unread
    assert sqlite3.connect(store.path).execute("SELECT count(*) FROM facet_log").fetchone()[0] == 2
    assert store.facets(SearchQuery(), dims, limit=100) == _facets_by_sql(store.path, dims)
    expected = _facets_by_sql(store.path, ("place",))["place"]
    expected["xa_0"] -= 1
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE articles SET places = 'xa_0, xa_1' WHERE id = ?", (article(1).id,))
    assert store.facets(SearchQuery(), ("place",), limit=100)["place"] == expected


def test_pages_of_ranked_hits_are_slices_of_the_whole_ranking(store: SQLiteStore, monkeypatch) -> None:
    # Ranking reads the narrow index and only the page shown is read and highlighted (by seeking each hit in a
    # short page among many matches, in one pass over the matches for a long one): any page must equal the same
    # slice of one long page, scores and highlights included. Here a page of 25 among 60 matches seeks.
    monkeypatch.setattr(sqlite_store, "SEEK_MATCHES_PER_HIT", 2)
    store.upsert_many(
        make(f"https://baonghean.vn/p-{n}.html", f"Cải cách hành chính số {n}",
             "Một cửa liên thông. " * (n % 13 + 1) + "Cai cach hanh chinh, " * (n % 7 + 1),
             when=datetime(2025, 1, 1, tzinfo=VN_TZ) + timedelta(days=n))
        for n in range(60)
    )  # fmt: skip
    for text in ("cải cách hành chính", "mot cua", '"cai cach"'):
        for sort in ("relevance", "date"):
            whole = store.search(SearchQuery(text=text, sort=sort, limit=60)).hits
            pages = [store.search(SearchQuery(text=text, sort=sort, limit=25, offset=o)).hits for o in (0, 25, 50)]
            assert [h for page in pages for h in page] == list(whole) and len(whole) == 60
            assert all("<mark>" in h.title_html or "<mark>" in h.snippet_html for h in whole)


def test_facet_limit_counts_only_articles_with_a_value(store: SQLiteStore) -> None:
    # Newspapers have no unit: the limit's places go to units that exist (as the engine's terms aggregation).
    for n in range(3):
        store.upsert(make(f"https://baonghean.vn/u-{n}.html", "Cải cách hành chính", "Cải cách hành chính."))
    portal = dataclasses.replace(make("https://sotuphap.nghean.gov.vn/t-1", "Cải cách hành chính", "Cải cách."),
                                 source="stp", channel="unit_portal", unit="so_tu_phap")  # fmt: skip
    store.upsert(portal)
    assert store.facets(SearchQuery(text="cai cach"), ("unit", "channel"), limit=1) == {
        "unit": {"so_tu_phap": 1}, "channel": {"newspaper": 3}}  # fmt: skip


def test_upsert_many_batches_and_counts(store: SQLiteStore) -> None:
    changed = dataclasses.replace(CCHC, text=CCHC.text + " Phụ lục bổ sung.", content_hash="")
    counts = store.upsert_many([CCHC, UNACCENTED, OTHER, CCHC, changed], batch_size=2)
    assert counts == {
        UpsertOutcome.NEW: 3,
        UpsertOutcome.UNCHANGED: 1,
        UpsertOutcome.UPDATED: 1,
        UpsertOutcome.DEFERRED: 0,
    }
    assert store.stats().total == 3 and ids(store, "phu luc") == [CCHC.id]


def test_stance_is_a_label_kept_in_history_disputes_and_filters(store: SQLiteStore) -> None:
    store.upsert(dataclasses.replace(CCHC, relevant=True, relevance=0.7, stance="praise", label_source="model"))
    store.set_labels(dataclasses.replace(store.get(CCHC.id), stance="neutral", model_version="m2"))  # reclassified
    assert store.get(CCHC.id).stance == "neutral"
    at = datetime(2025, 4, 1, 9, tzinfo=VN_TZ)
    first = human_labels(store.get(CCHC.id), True, ("thu_tuc",), (), "criticism", "bientap", at)
    assert not store.correct_labels(store.get(CCHC.id), first).conflict
    assert ids(store, "", stances=("criticism",)) == [CCHC.id] and ids(store, "", stances=("neutral",)) == []
    second = human_labels(store.get(CCHC.id), True, ("thu_tuc",), (), "praise", "phongvien", at)
    assert store.correct_labels(store.get(CCHC.id), second).conflict  # only the stance differs: still a dispute
    assert store.label_conflicts() == [CCHC.id]
    store.resolve_conflict(CCHC.id, "quantri")
    history = [(h.user, h.before["stance"], h.after["stance"]) for h in store.label_history(CCHC.id)]
    assert history == [("bientap", "neutral", "criticism"), ("phongvien", "criticism", "praise"),
                       ("quantri", "praise", "praise")]  # fmt: skip
    assert ids(store, "cai cach", stances=("praise",)) == [CCHC.id]
    not_cchc = human_labels(store.get(CCHC.id), False, ("thu_tuc",), ("ket_qua",), "praise", "bientap", at)
    assert (not_cchc.areas, not_cchc.topics, not_cchc.stance) == ((), (), None)
    with pytest.raises(StoreError, match="unknown stance"):
        human_labels(CCHC, True, (), (), "khen", "bientap", at)
    names = {r[0] for r in sqlite3.connect(store.path).execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"articles_relevance", "articles_facets"} <= names
