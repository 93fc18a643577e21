"""A node that dies in the middle of an ingest: nothing is lost, nothing is written twice.

This test starts a second node of its own (engines/run_engine.py, the one `make test-es` uses), kills it
with SIGKILL while a bulk ingest runs, lets a crawl run against the dead node, restarts the node on the same
data and replays the dead-letter file.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from engines.run_engine import EngineError, Node
from search import VN_TZ, Article, UpsertOutcome, article_id
from search.deadletter import DeadLetter
from search.elastic import setup
from search.elastic.store import ElasticStore
from tests.conftest import ENGINE_URL, POLITENESS_OFF, run_cchc

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(not ENGINE_URL, reason="CCHC_TEST_ES_URL is not set: make test-es builds the test node"),
]

TOTAL = 4000
BATCH = 200


def make(n: int) -> Article:
    url = f"https://nghean.gov.vn/tin-{n}.html"
    # Distinct texts: near-duplicate detection must not fold them into reprints.
    text = " ".join(f"từ{(n * 7919 + i * 104729) % 1_000_003}" for i in range(60))
    return Article(
        id=article_id(url), url=url, canonical_url=url, source="nghean_gov", channel="provincial_portal",
        title=f"Tin số {n}", text=text, published_at=datetime(2024, 1, 1, 9, tzinfo=VN_TZ) + timedelta(hours=n),
    )  # fmt: skip


@pytest.fixture
def own_node() -> Node:
    node = Node(heap="512m")
    try:
        node.start()
        yield node
    finally:
        node.stop()


def test_killing_the_node_mid_ingest_loses_nothing(own_node: Node, tmp_path: Path, mirror_server) -> None:
    url, dead = own_node.store_url, tmp_path / "dead"
    store = ElasticStore(url, dead_letter=DeadLetter(dead))
    setup.init(store.client)
    articles = [make(n) for n in range(TOTAL)]
    counts = dict.fromkeys(UpsertOutcome, 0)

    def ingest() -> None:
        for start in range(0, TOTAL, BATCH):
            for outcome, n in store.upsert_many(articles[start : start + BATCH]).items():
                counts[outcome] += n

    writer = threading.Thread(target=ingest)
    writer.start()
    deadline = time.monotonic() + 120
    while counts[UpsertOutcome.NEW] < 3 * BATCH and time.monotonic() < deadline:
        time.sleep(0.05)
    own_node.kill()  # while the writer is sending the next batches
    writer.join(300)
    assert not writer.is_alive()
    written, deferred = counts[UpsertOutcome.NEW], counts[UpsertOutcome.DEFERRED]
    assert written >= 3 * BATCH and deferred > 0 and written + deferred == TOTAL
    assert store.dead_letter.pending() == deferred

    crawl = run_cchc("crawl", "hcc", "--store", url, "--since", "2000-01-01",
                     "--mirror", f"hcc.nghean.gov.vn={mirror_server.base_url}/hcc", *POLITENESS_OFF, cwd=tmp_path,
                     env={"CCHC_DEAD_LETTER_DIR": str(dead)})  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr  # the crawl finishes; what it read waits in the dead-letter file
    crawled = DeadLetter(dead).pending() - deferred
    assert crawled > 0 and "cchc store replay" in crawl.stdout

    own_node.stop(keep_data=True)
    own_node.start()  # same data folder and port: what was written before the crash is there
    replay = run_cchc("store", "replay", "--store", url, "--dead-letter", str(dead))
    assert replay.returncode == 0, replay.stderr
    assert DeadLetter(dead).pending() == 0 and DeadLetter(dead).files() == []
    store.refresh()
    stats = store.stats()
    assert stats.by_source["nghean_gov"] == TOTAL and stats.by_source["hcc"] == crawled
    ids = [a.id for a in store.iter_articles()]
    assert len(ids) == len(set(ids)) == TOTAL + crawled  # every article exactly once
    assert {a.id for a in articles} <= set(ids)
    again = run_cchc("store", "replay", "--store", url, "--dead-letter", str(dead))
    assert again.returncode == 0 and "0 bài mới" in again.stdout
    store.close()


def test_a_node_that_never_started_fails_loudly(tmp_path: Path) -> None:
    """The launcher's own error path: a node that cannot bind its port says so in one line."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        node = Node(heap="256m", port=busy.getsockname()[1])
        try:
            with pytest.raises(EngineError, match="node exited") as failed:
                node.start()
        finally:
            node.stop()
    assert "\n" not in str(failed.value)
