"""Batched pipelines: each item keeps its own result and stats; a batch the store refuses waits in the dead-letter
file and replays; near-duplicate lookups stay bounded and survive a change of band layout."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import multiprocessing
import os
import sqlite3
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cchc.mirrors import MirrorServer
from classifier import DEFAULT_MODEL_DIR, load
from classifier.text import document
from config import CONFIG_DIR, load_sources, load_taxonomy
from crawler.batches import Batcher
from crawler.labeling import classify_articles, explanations
from crawler.pipelines import classifier_processes, classify_batch, close_classifier_processes, shared_places
from search import VN_TZ, Article, article_id, neardup, open_store
from search.deadletter import DeadLetter
from search.sqlite import SQLiteStore
from tests.conftest import POLITENESS_OFF, run_cchc
from tests.extraction_cases import article_pages

PAGES = article_pages(load_sources().get("baonghean"))


def _gather(batcher: Batcher, items: list) -> list:
    async def run() -> list:
        return await asyncio.gather(*(batcher.submit(i) for i in items), return_exceptions=True)

    return asyncio.run(run())


def test_each_item_gets_its_own_result_from_shared_calls() -> None:
    calls: list[list[int]] = []
    batcher = Batcher(lambda items: calls.append(items) or [i * 10 for i in items], size=3, max_wait=60)
    # Seven items: two full batches at once, and the tail when the test flushes it (as close_spider does).

    async def run() -> list[int]:
        waiting = [asyncio.ensure_future(batcher.submit(i)) for i in range(7)]
        await asyncio.sleep(0)
        assert batcher.pending == 1
        batcher.flush()
        return await asyncio.gather(*waiting)

    assert asyncio.run(run()) == [0, 10, 20, 30, 40, 50, 60]
    assert calls == [[0, 1, 2], [3, 4, 5], [6]]


def test_a_short_batch_goes_after_max_wait() -> None:
    calls: list[list[str]] = []
    batcher = Batcher(lambda items: calls.append(items) or [s.upper() for s in items], size=100, max_wait=0.01)
    assert _gather(batcher, ["a", "b"]) == ["A", "B"]
    assert calls == [["a", "b"]] and batcher.pending == 0


def test_work_on_an_executor_thread_keeps_order_and_results() -> None:
    threads: set[str] = set()

    def work(items: list[int]) -> list[int]:
        threads.add(threading.current_thread().name)
        return [-i for i in items]

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="writer") as writer:
        batcher = Batcher(work, size=4, max_wait=60, executor=writer)

        async def run() -> list[int]:
            waiting = [asyncio.ensure_future(batcher.submit(i)) for i in range(10)]
            await asyncio.sleep(0)
            await batcher.drain()
            assert all(w.done() for w in waiting), "drain waits for every batch sent"
            return [w.result() for w in waiting]

        assert asyncio.run(run()) == [-i for i in range(10)]
    assert len(threads) == 1 and threads.pop().startswith("writer")


def _pids(items: list[int]) -> list[tuple[int, int]]:
    """Work for a batcher whose executor is a process pool: each item with the process that handled it."""
    if -1 in items:
        os._exit(3)  # the process dies mid-batch, as a classifier process killed for memory would
    return [(i, os.getpid()) for i in items]


def test_work_in_another_process_returns_each_result_and_a_dead_process_fails_its_items() -> None:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        batcher = Batcher(_pids, size=3, max_wait=60, executor=pool)

        async def run(items: list[int]) -> list:
            waiting = [asyncio.ensure_future(batcher.submit(i)) for i in items]
            await asyncio.sleep(0)
            await batcher.drain()
            return await asyncio.gather(*waiting, return_exceptions=True)

        def results(items: list[int]) -> list:
            return asyncio.run(asyncio.wait_for(run(items), 60))  # a batch left waiting fails, not hangs, the test

        done = results([1, 2, 3, 4])
        assert [i for i, _ in done] == [1, 2, 3, 4]
        assert {pid for _, pid in done} != {os.getpid()} and len({pid for _, pid in done}) == 1
        # A batch whose process dies fails each of its items, and so does every batch after it: none waits forever.
        died, after = results([5, -1]), results([6])
        assert [type(r) for r in died] == [BrokenProcessPool, BrokenProcessPool]
        assert [type(r) for r in after] == [BrokenProcessPool]


def test_a_failed_batch_fails_each_of_its_items() -> None:
    def refuse(items: list[int]) -> list[int]:
        raise OSError("disk full")

    results = _gather(Batcher(refuse, size=2, max_wait=60), [1, 2])
    assert [type(r) for r in results] == [OSError, OSError]
    short = _gather(Batcher(lambda items: items[:1], size=2, max_wait=60), [1, 2])
    assert all(isinstance(r, RuntimeError) for r in short), "a result per item, or the batch fails"


def test_bad_batch_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Batcher(list, size=0, max_wait=1)
    with pytest.raises(ValueError, match="negative"):
        Batcher(list, size=1, max_wait=-1)


def test_a_refused_batch_waits_in_the_dead_letter_file_and_replays(mirror_server: MirrorServer, tmp_path: Path):
    db, dead = tmp_path / "batches.db", tmp_path / "dead"
    SQLiteStore(db).close()
    refused_url, _ = PAGES[len(PAGES) // 2]
    conn = sqlite3.connect(db)
    conn.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.url = '{refused_url}'"
                 " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")  # fmt: skip
    conn.close()
    result = run_cchc(
        "crawl", "baonghean", "--store", f"sqlite:///{db}",
        "--mirror", f"baonghean.vn={mirror_server.base_url}/baonghean", "--set", "CCHC_BATCH_SIZE=4",
        *POLITENESS_OFF, env={"CCHC_DEAD_LETTER_DIR": str(dead)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with open_store(f"sqlite:///{db}") as store:
        stats = store.runs("baonghean", limit=1)[0].stats
        stored = store.stats().total
    deferred = stats["cchc/stored/deferred"]
    assert 1 <= deferred <= 4, "the refused article's batch, and only it, is deferred"
    assert stats["cchc/stored/new"] == stored == len(PAGES) - deferred
    assert stats["cchc/classified/relevant"] + stats["cchc/classified/not_relevant"] == len(PAGES)
    assert "cchc/dropped/store_error" not in stats
    assert f"{deferred} bài chờ ghi lại" in result.stdout
    letters = DeadLetter(dead)
    assert letters.pending() == deferred
    assert refused_url in {a.url for _, articles in letters.take() for a in articles}
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER refuse")
    conn.close()
    replay = run_cchc("store", "replay", "--store", f"sqlite:///{db}", "--dead-letter", str(dead))
    assert replay.returncode == 0, replay.stderr
    with open_store(f"sqlite:///{db}") as store:
        assert store.stats().total == len(PAGES)
        assert store.get(article_id(refused_url)).label_source == "model"


STORY = " ".join(
    f"Trung tâm Phục vụ hành chính công tỉnh tiếp nhận {n} hồ sơ thủ tục hành chính trong tuần thứ {n} của năm."
    for n in range(12)
)


def _copy(n: int, text: str = STORY) -> Article:
    url = f"https://baonghean.vn/ban-{n}-1000{n:04d}.html"
    published = datetime(2025, 3, 1, tzinfo=VN_TZ) + timedelta(hours=n)
    return Article(id=article_id(url), url=url, canonical_url=url, source="baonghean", channel="newspaper",
                   title=f"Bản {n}", text=text, published_at=published)  # fmt: skip


def test_copies_past_the_band_cap_still_link_to_the_original(store: SQLiteStore) -> None:
    copies = [_copy(n) for n in range(neardup.MAX_CANDIDATES_PER_BAND + 20)]
    store.upsert_many(copies, batch_size=7)
    assert store.get(copies[0].id).duplicate_of is None
    assert {store.get(c.id).duplicate_of for c in copies[1:]} == {copies[0].id}
    # The lookup is bounded; the original is outside it, and a later copy still finds it through recent copies.
    candidates = store.near_duplicate_candidates(copies[0].simhash)
    assert len(candidates) == neardup.MAX_CANDIDATES_PER_BAND
    assert copies[0].id not in {c.id for c in candidates}
    assert store.upsert(_copy(999)).value == "new" and store.get(_copy(999).id).duplicate_of == copies[0].id


def test_a_changed_band_layout_is_rebuilt_before_the_next_write(tmp_path: Path) -> None:
    db = tmp_path / "layout.db"
    with SQLiteStore(db) as store:
        store.upsert(_copy(0))
    # As a store written by a program with other bands: its keys no longer match this program's.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE simhash_bands SET band = 'x' || band")
        conn.execute("UPDATE meta SET value = 'simhash64 bands=4x16' WHERE key = 'neardup_layout'")
    conn.close()
    with SQLiteStore(db) as store:
        store.upsert(_copy(1))
        assert store.get(_copy(1).id).duplicate_of == _copy(0).id
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM meta WHERE key = 'neardup_layout'").fetchone()[0] == neardup.LAYOUT
    assert conn.execute("SELECT count(*) FROM simhash_bands WHERE band LIKE 'x%'").fetchone()[0] == 0
    conn.close()


def test_explanations_come_from_the_rows_classification_computed() -> None:
    loaded = load(DEFAULT_MODEL_DIR, load_taxonomy())
    (labeled,) = classify_articles(loaded, [dataclasses.replace(_copy(0), title="Cải cách thủ tục hành chính")], None)
    doc = document(labeled.title, labeled.lead, labeled.text)
    assert labeled.explanations == explanations(loaded, doc, labeled)
    assert labeled.explanations["relevant"]


def test_a_classifier_process_forked_after_this_process_classified_still_classifies() -> None:
    # The relevance mix's trees run OpenMP code: here first, so its threads exist in this process when the
    # classifier process is forked (as in a crawl after one that classified in its own process, or bench_ingest
    # after its bare run).
    directory = str(DEFAULT_MODEL_DIR)
    article = dataclasses.replace(_copy(0), title="Cải cách thủ tục hành chính")
    (here,) = classify_batch(directory, None, [article])
    close_classifier_processes()
    pool = classifier_processes(1)
    try:
        (there,) = pool.submit(classify_batch, directory, None, [article]).result(timeout=120)
    except TimeoutError:
        for process in list(pool._processes.values()):  # noqa: SLF001 - a hung process would hang the shutdown
            process.kill()
        raise
    finally:
        close_classifier_processes()
    assert there.scores == here.scores and there.relevant == here.relevant


def test_a_classifier_process_runs_its_numeric_libraries_on_one_thread() -> None:
    """The crawl beside it needs the other core: a second BLAS or OpenMP thread there only waits busily."""
    from threadpoolctl import threadpool_info

    close_classifier_processes()
    try:
        pools = classifier_processes(1).submit(threadpool_info).result(timeout=60)
    finally:
        close_classifier_processes()
    assert {pool["user_api"] for pool in pools} >= {"blas", "openmp"}
    assert {pool["num_threads"] for pool in pools} == {1}


def test_a_record_as_a_dict_is_json_ready_and_shares_nothing_with_it() -> None:
    explained = {"relevant": [["một cửa", 0.8]], "thu_tuc": [["thủ tục", 0.5]]}
    article = dataclasses.replace(_copy(0), tags=("cchc",), areas=("thu_tuc",), scores={"relevant": 0.9},
                                  explanations=explained, revisions=({"title": "Bản cũ"},))  # fmt: skip
    data = article.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["tags"] == ["cchc"] and data["published_at"] == "2025-03-01T00:00:00+07:00"
    data["scores"]["relevant"] = 0.0
    data["explanations"]["relevant"][0][1] = 0.0
    data["revisions"][0]["title"] = "khác"
    assert article.scores == {"relevant": 0.9} and article.explanations["relevant"] == [["một cửa", 0.8]]
    assert article.revisions == ({"title": "Bản cũ"},)
    assert Article.from_dict(article.to_dict()) == article


def test_the_crawlers_of_a_process_share_one_gazetteer_matcher_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = tmp_path / "cfg"
    config_dir.mkdir()
    places = config_dir / "places.yaml"
    places.write_bytes((CONFIG_DIR / "places.yaml").read_bytes())
    monkeypatch.setenv("CCHC_CONFIG_DIR", str(config_dir))
    first = shared_places()
    assert shared_places() is first
    os.utime(places, ns=(places.stat().st_mtime_ns + 10**9,) * 2)  # places.yaml edited between two runs
    assert shared_places() is not first
