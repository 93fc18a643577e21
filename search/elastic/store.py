"""The scale-out backend: the Store contract on Elasticsearch or OpenSearch, through aliases, with nothing lost.

When the cluster cannot take a batch (unreachable, rejected), its articles go to the dead-letter
file and count as deferred; `cchc store replay` writes them later.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from html import escape
from typing import Any, TypeVar

from config.channels import CHANNELS
from search import neardup
from search.article import LABEL_FIELDS, REVISION_FIELDS, VN_TZ, Article
from search.deadletter import DeadLetter
from search.elastic import queries
from search.elastic.documents import from_doc, plan_writes, to_doc
from search.elastic.engines import Engine, EngineConfigError, connect
from search.elastic.setup import ARTICLES, RUNS, current_index, mapping_meta
from search.store import (
    FACET_DIMENSIONS,
    MEASURES,
    CountQuery,
    CrawlRun,
    Grouping,
    SearchHit,
    SearchQuery,
    SearchResult,
    Store,
    StoreError,
    StoreStats,
    Total,
    UpsertOutcome,
    nearest_first,
)

RecordT = TypeVar("RecordT", Article, neardup.Copy)
logger = logging.getLogger(__name__)

# Crawl runs one search reads (the engine's default result window).
RUNS_PAGE = 10_000
# After a failed connection, writes go straight to the dead-letter file for this long: a crawl goes on at speed.
BACKOFF_SECONDS = 30.0
BULK_RETRIES = 3
# The articles index mapping's _meta key that records the near-duplicate layout (search/neardup.py LAYOUT) its
# fingerprints and band keys were built with.
NEARDUP_LAYOUT = "neardup_layout"
# Articles read per page while their fingerprints are rebuilt.
REBAND_PAGE = 500


class ElasticStore(Store):
    def __init__(self, url: str, dead_letter: DeadLetter | None = None, engine: Engine | None = None) -> None:
        self.url = url
        try:
            self.engine = engine or connect(url)
        except EngineConfigError as exc:
            raise StoreError(f"{url}: {exc}") from None
        self.client = self.engine.client
        self.errors = self.engine.errors
        self.dead_letter = dead_letter or DeadLetter()
        self._down_until = 0.0
        self._unrefreshed = False  # this store wrote since the last refresh: searches do not see it yet
        self._layout_checked = False

    def _fail(self, exc: Exception, doing: str) -> StoreError:
        return StoreError(f"{self.url}: cannot {doing}: {type(exc).__name__}: {str(exc)[:200]}")

    # -- writes -------------------------------------------------------------------------------

    def upsert_batch(self, articles: Sequence[Article]) -> list[UpsertOutcome]:
        """What the cluster cannot take goes to the dead-letter file and counts as deferred (never StoreError)."""
        batch = list(articles)
        if not batch:
            return []
        if time.monotonic() < self._down_until:
            self.dead_letter.append(batch, self.url, "cluster unavailable (recent failure)")
            return [UpsertOutcome.DEFERRED] * len(batch)
        try:
            existing = self._stored(batch)
        except self.errors as exc:
            if isinstance(exc, self.engine.unreachable):
                self._down_until = time.monotonic() + BACKOFF_SECONDS
            self.dead_letter.append(batch, self.url, f"cluster unavailable: {type(exc).__name__}")
            return [UpsertOutcome.DEFERRED] * len(batch)
        try:
            batch, repoint = self._link_reprints(batch)
        except self.errors as exc:
            self.dead_letter.append(batch, self.url, f"cluster unavailable: {type(exc).__name__}")
            return [UpsertOutcome.DEFERRED] * len(batch)
        actions, outcomes = plan_writes(batch, existing, ARTICLES.alias)
        failed: set[str] = set()
        reasons: Counter[str] = Counter()
        try:
            # Too-many-requests (429) answers are retried with backoff by the helper. require_alias goes in the
            # request: the helpers drop it from the actions' metadata.
            results = self.engine.streaming_bulk(
                self.client, actions, raise_on_error=False, raise_on_exception=False, max_retries=BULK_RETRIES,
                initial_backoff=1, require_alias=True,
            )  # fmt: skip
            for ok, item in results:
                if not ok:
                    (result,) = item.values()  # {"index": ...} or, for a new WARC pointer, {"update": ...}
                    failed.add(result["_id"])
                    reasons[self._rejection(result)] += 1
        except self.errors as exc:
            failed = {a["_id"] for a in actions}
            reasons[f"{type(exc).__name__}: {str(exc)[:160]}"] += len(failed)
            if isinstance(exc, self.engine.unreachable):
                self._down_until = time.monotonic() + BACKOFF_SECONDS
        if failed:
            reason = "; ".join(f"{r} (x{n})" for r, n in reasons.most_common(3))
            self.dead_letter.append([a for a in batch if a.id in failed], self.url, f"bulk write rejected: {reason}")
            logger.error("%s: %d articles not written, kept for `cchc store replay`: %s", self.url, len(failed), reason)
            outcomes.update(dict.fromkeys(failed, UpsertOutcome.DEFERRED))
        self._unrefreshed = self._unrefreshed or len(failed) < len(actions)
        for root, new_id in repoint.items():
            self._repoint(root, new_id)
        return [outcomes[a.id] for a in batch]

    def _stored(self, batch: list[Article]) -> dict[str, dict[str, Any]]:
        """What the index holds of the batch's articles: hashes, pointers and labels; for a changed page also the
        version it replaces (read only then: most re-crawled pages are unchanged)."""
        wanted = {"includes": ["content_hash", "warc", "removed_at", "duration_s", *LABEL_FIELDS]}
        docs = [{"_id": a.id, "_source": wanted} for a in batch]
        found = self.client.mget(index=ARTICLES.alias, body={"docs": docs})["docs"]
        existing = {d["_id"]: d["_source"] for d in found if d.get("found")}
        changed = [a.id for a in batch if a.id in existing and existing[a.id].get("content_hash") != a.content_hash]
        if changed:
            wanted = {"includes": ["revisions", *REVISION_FIELDS]}
            docs = [{"_id": i, "_source": wanted} for i in changed]
            for doc in self.client.mget(index=ARTICLES.alias, body={"docs": docs})["docs"]:
                existing[doc["_id"]].update(doc.get("_source") or {})
        return existing

    def _rejection(self, result: dict[str, Any]) -> str:
        """Why the cluster refused one bulk item, in words a person can act on."""
        error, status = result.get("error"), result.get("status")
        if isinstance(result.get("exception"), self.engine.unreachable):
            self._down_until = time.monotonic() + BACKOFF_SECONDS
            return f"cluster unavailable: {type(result['exception']).__name__}"
        kind = error.get("type", "") if isinstance(error, dict) else ""
        detail = (error.get("reason") if isinstance(error, dict) else str(error or "")) or ""
        if status == 429:
            return f"the cluster is overloaded (429 {kind}), still refused after {BULK_RETRIES} retries"
        if kind == "cluster_block_exception":
            return f"the index is read-only ({kind}: {detail[:120]}); lift the block, then replay"
        return f"{status} {kind}: {detail[:160]}".strip()

    def _link_reprints(self, batch: list[Article]) -> tuple[list[Article], dict[str, str]]:
        """The batch with duplicate_of set for reprints, and stored originals that a new article predates."""
        keys = sorted({b for a in batch if a.simhash and a.duplicate_of is None for b in neardup.bands(a.simhash)})
        if not keys:
            return batch, {}
        if not self._layout_checked:
            self._check_neardup_layout()
        if self._unrefreshed:
            # The copies this store wrote in its last batches must be found, as SQLite finds them.
            self.client.indices.refresh(index=ARTICLES.alias)
            self._unrefreshed = False
        body = {"query": {"terms": {"simhash_bands": keys}}, "size": 10_000,
                "_source": ["id", "simhash", "published_at", "duplicate_of"]}  # fmt: skip
        copies = [
            neardup.Copy(
                h["_source"]["id"],
                h["_source"]["simhash"],
                datetime.fromisoformat(h["_source"]["published_at"]) if h["_source"].get("published_at") else None,
                h["_source"].get("duplicate_of"),
            )  # fmt: skip
            for h in self.client.search(index=ARTICLES.alias, body=body)["hits"]["hits"]
        ]
        linked: list[Article] = []
        repoint: dict[str, str] = {}
        for article in batch:
            if article.simhash and article.duplicate_of is None:
                verdict = neardup.judge(article.id, article.simhash, article.published_at, copies)
                article = dataclasses.replace(article, duplicate_of=verdict.duplicate_of)
                if (root := verdict.new_original_of) is not None:
                    # The old original and its copies point to the new one, as in SQLite's transaction: this batch's
                    # here (the index cannot find them before the write), the stored ones after the write.
                    linked = [_repointed(a, root, article.id) for a in linked]
                    copies = [_repointed(c, root, article.id) for c in copies]
                    repoint = {old: article.id if new == root else new for old, new in repoint.items()}
                    repoint[root] = article.id
                copies.append(neardup.Copy(article.id, article.simhash, article.published_at, article.duplicate_of))
            linked.append(article)
        return linked, repoint

    def _check_neardup_layout(self) -> None:
        """Rebuild every stored fingerprint and band key when the index's were built with another near-duplicate
        layout than this program's (its mapping's _meta says which; an index without it was built before this check):
        else new articles would silently miss their stored copies. A new index records the layout at its first
        write. If some articles cannot be rewritten, the layout is not recorded, and the next store object tries
        again."""
        index = current_index(self.client, ARTICLES)
        if index is None:  # no alias (`cchc store init` not run): the write is refused and deferred
            return
        meta = mapping_meta(self.client, index)
        if meta.get(NEARDUP_LAYOUT) != neardup.LAYOUT:
            total = self.client.count(index=index)["count"]
            neardup.rebuilding(index, meta.get(NEARDUP_LAYOUT), total)
            failed = [item for ok, item in self.engine.streaming_bulk(
                self.client, self._refingerprinted(index), raise_on_error=False, raise_on_exception=False,
                max_retries=BULK_RETRIES, initial_backoff=1,
            ) if not ok]  # fmt: skip
            if failed:
                logger.error("%s: %d of %d articles kept their old bands; the next start tries again: %s", index,
                             len(failed), total, self._rejection(next(iter(failed[0].values()))))  # fmt: skip
            else:
                self.client.indices.put_mapping(index=index, body={"_meta": {**meta, NEARDUP_LAYOUT: neardup.LAYOUT}})
            self.client.indices.refresh(index=index)
        self._layout_checked = True

    def _refingerprinted(self, index: str) -> Iterator[dict[str, Any]]:
        """An update of each stored article's fingerprint and band keys, from its stored lead and text. The engine's
        own errors pass through (the caller defers its batch on them)."""
        body = {"query": {"match_all": {}}, "size": REBAND_PAGE, "_source": ["lead", "text"]}
        for hits in _pages(lambda i, b: self.client.search(index=i, body=b), index, body):
            for hit in hits:
                simhash = neardup.fingerprint(hit["_source"].get("lead") or "", hit["_source"].get("text") or "")
                bands = neardup.bands(simhash) if simhash else []
                yield {"_op_type": "update", "_index": index, "_id": hit["_id"],
                       "doc": {"simhash": simhash, "simhash_bands": bands}}  # fmt: skip

    def _repoint(self, root: str, new_id: str) -> None:
        """Make `new_id` the original of a story whose copies pointed to `root`."""
        try:
            self.client.update_by_query(index=ARTICLES.alias, refresh=True, conflicts="proceed", body={
                "query": {"bool": {"should": [{"term": {"id": root}}, {"term": {"duplicate_of": root}}]}},
                "script": {"source": "ctx._source.duplicate_of = params.id", "params": {"id": new_id}},
            })  # fmt: skip
        except self.errors as exc:
            logger.error("could not relink the copies of %s to %s: %s", root, new_id, exc)

    def mark_removed(self, article_id: str, at: datetime) -> bool:
        keep_first = (
            "if (ctx._source.removed_at == null) { ctx._source.removed_at = params.at } else { ctx.op = 'noop' }"
        )
        body = {"script": {"source": keep_first, "params": {"at": at.isoformat()}}}
        try:
            result = self.client.update(index=ARTICLES.alias, id=article_id, body=body, refresh="wait_for")
        except self.engine.not_found:
            return False
        except self.errors as exc:
            raise self._fail(exc, f"mark article {article_id} removed") from None
        return result["result"] == "updated"

    def set_labels(self, article: Article) -> None:
        doc = to_doc(article)
        try:
            self.client.update(index=ARTICLES.alias, id=article.id, body={"doc": {f: doc[f] for f in LABEL_FIELDS}},
                               refresh="wait_for")  # fmt: skip
        except self.engine.not_found:
            raise StoreError(f"{self.url}: no article {article.id} to label") from None
        except self.errors as exc:
            raise self._fail(exc, f"label article {article.id}") from None

    def record_run(self, run: CrawlRun) -> None:
        doc = {"source": run.source, "started_at": run.started_at.isoformat(),
               "finished_at": run.finished_at.isoformat(), "status": run.status, "stats": run.stats}  # fmt: skip
        try:
            self.client.index(index=RUNS.alias, body=doc, refresh="wait_for", require_alias=True)
        except self.errors as exc:
            raise self._fail(exc, "record the crawl run") from None

    # -- reads --------------------------------------------------------------------------------

    def _search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return dict(self.client.search(index=index, body=body))
        except self.errors as exc:
            raise self._fail(exc, "search") from None

    def exists(self, article_id: str) -> bool:
        try:
            return bool(self.client.exists(index=ARTICLES.alias, id=article_id))
        except self.errors as exc:
            raise self._fail(exc, "read") from None

    def get(self, article_id: str) -> Article | None:
        try:
            return from_doc(self.client.get(index=ARTICLES.alias, id=article_id)["_source"])
        except self.engine.not_found:
            return None
        except self.errors as exc:
            raise self._fail(exc, "read") from None

    def iter_articles(self, label_source: str | None = None, batch_size: int = 500) -> Iterator[Article]:
        query = {"term": {"label_source": label_source}} if label_source else {"match_all": {}}
        for hits in _pages(self._search, ARTICLES.alias, {"query": query, "size": batch_size}):
            yield from (from_doc(h["_source"]) for h in hits)

    def label_queue(self, threshold: float, limit: int = 20) -> list[Article]:
        above, below = (
            [from_doc(h["_source"]) for h in self._search(ARTICLES.alias, body)["hits"]["hits"]]
            for body in queries.label_queue_bodies(threshold, limit)
        )
        return nearest_first(above, below, threshold, limit)

    def search(self, query: SearchQuery) -> SearchResult:
        body = queries.search_body(query)
        if body is None:
            return SearchResult(total=0, hits=())
        found = self._search(ARTICLES.alias, body)["hits"]
        return SearchResult(total=found["total"]["value"], hits=tuple(_hit(h) for h in found["hits"]))

    def facets(self, query: SearchQuery, dims: tuple[str, ...], limit: int = 50) -> dict[str, dict[str, int]]:
        if set(dims) - set(FACET_DIMENSIONS):
            raise StoreError(f"cannot facet by {sorted(set(dims) - set(FACET_DIMENSIONS))}")
        body = queries.facets_body(query, dims, limit)
        if body is None:
            return {dim: {} for dim in dims}
        aggs = self._search(ARTICLES.alias, body)["aggregations"]
        return {dim: {str(b["key"]): b["doc_count"] for b in aggs[dim]["buckets"]} for dim in dims}

    def reprints(self, article_ids: tuple[str, ...]) -> dict[str, list[Article]]:
        if not article_ids:
            return {}
        body = {"query": {"terms": {"duplicate_of": list(article_ids)}}, "size": 1000,
                "sort": [{"published_at": {"order": "asc", "missing": "_last"}}]}  # fmt: skip
        found: dict[str, list[Article]] = {}
        for hit in self._search(ARTICLES.alias, body)["hits"]["hits"]:
            article = from_doc(hit["_source"])
            found.setdefault(article.duplicate_of or "", []).append(article)
        return found

    def count_by(self, dims: tuple[str, ...], query: CountQuery) -> dict[tuple[str, ...], int]:
        return self.tally([Grouping(dims, query)])[0]

    def sum_by(self, dims: tuple[str, ...], measure: str, query: CountQuery) -> dict[tuple[str, ...], Total]:
        return self.tally([Grouping(dims, query, measure)])[0]

    def tally(self, groupings: Sequence[Grouping]) -> list[dict[tuple[str, ...], Any]]:
        """Every grouping's first page of groups in one multi-search request; a grouping with more groups than a
        page holds reads the rest alone, page by page."""
        bodies = [self._grouping_body(g) for g in groupings]
        if not bodies:
            return []
        searches: list[dict[str, Any]] = []
        for body in bodies:
            searches += [{"index": ARTICLES.alias}, body(None)]
        try:
            responses = self.client.msearch(body=searches)["responses"]
        except self.errors as exc:
            raise self._fail(exc, "search") from None
        tallies = []
        for grouping, body, response in zip(groupings, bodies, responses, strict=True):
            if "error" in response:
                raise StoreError(f"{self.url}: cannot count: {str(response['error'])[:200]}")
            tallies.append(dict(self._cells(grouping, body, response["aggregations"]["cells"])))
        return tallies

    def _grouping_body(self, grouping: Grouping) -> Callable[[dict[str, Any] | None], dict[str, Any]]:
        """The request of a grouping's page of groups after a key (None: the first page)."""
        unknown = set(grouping.dims) - set(queries.FIELDS)
        if unknown or not grouping.dims:
            raise StoreError(f"cannot count by {sorted(unknown) or 'nothing'}")
        if grouping.measure is None:
            return lambda after: queries.count_body(grouping.dims, grouping.query, after)
        if grouping.measure not in MEASURES:
            raise StoreError(f"cannot sum {grouping.measure!r}: use {', '.join(MEASURES)}")
        return lambda after: queries.sum_body(grouping.dims, grouping.measure, grouping.query, after)

    def _cells(
        self, grouping: Grouping, body: Callable[[dict[str, Any] | None], dict[str, Any]], cells: dict[str, Any]
    ) -> Iterator[tuple[tuple[str, ...], Any]]:
        """(group, count or Total) of every bucket of a composite aggregation, from its first page `cells` on."""
        while True:
            for bucket in cells["buckets"]:
                key = tuple("unknown" if bucket["key"][d] is None else str(bucket["key"][d]) for d in grouping.dims)
                value = bucket["doc_count"]
                yield key, value if grouping.measure is None else Total(int(bucket["total"]["value"]), value)
            after = cells.get("after_key")
            if not after or len(cells["buckets"]) < queries.COMPOSITE_PAGE:  # the engine gives after_key on every page
                return
            cells = self._search(ARTICLES.alias, body(after))["aggregations"]["cells"]

    def stats(self) -> StoreStats:
        terms = lambda field, size=1000: {"terms": {"field": field, "size": size}}  # noqa: E731
        body = {"size": 0, "track_total_hits": True, "aggs": {
            "source": {**terms("source"), "aggs": {"section": terms("section", 100),
                       "oldest": {"min": {"field": "published_at"}}, "newest": {"max": {"field": "published_at"}}}},
            "channel": terms("channel"), "month": terms("published_month", 10_000), "area": terms("areas"),
            "relevant": {"filter": {"term": {"relevant": True}}},
        }}  # fmt: skip
        result = self._search(ARTICLES.alias, body)
        aggs = result["aggregations"]

        def flat(name: str) -> dict[str, int]:
            return {b["key"]: b["doc_count"] for b in sorted(aggs[name]["buckets"], key=lambda b: b["key"])}

        try:
            size = self.client.indices.stats(index=ARTICLES.alias)["_all"]["primaries"]["store"]["size_in_bytes"]
        except self.errors:
            size = 0
        return StoreStats(
            total=result["hits"]["total"]["value"],
            relevant=aggs["relevant"]["doc_count"],
            by_source=flat("source"),
            by_channel={c: n for c, n in flat("channel").items() if c in CHANNELS},
            by_month=flat("month"),
            by_area=flat("area"),
            by_section={
                b["key"]: {s["key"]: s["doc_count"] for s in b["section"]["buckets"]} for b in aggs["source"]["buckets"]
            },  # fmt: skip
            date_range_by_source={b["key"]: (_iso(b["oldest"]), _iso(b["newest"])) for b in aggs["source"]["buckets"]},
            size_bytes=size,
        )

    def runs(self, source: str | None = None, limit: int = 50) -> list[CrawlRun]:
        try:
            hits = self.client.search(index=RUNS.alias, body=_runs_body(source, limit))["hits"]["hits"]
        except self.engine.not_found:
            return []
        except self.errors as exc:
            raise self._fail(exc, "read crawl runs") from None
        return [_run(h) for h in hits]

    def runs_of(self, sources: Sequence[str], limit: int = 50) -> dict[str, list[CrawlRun]]:
        """Every source's runs: one search when they all fit in one page (each source's newest `limit` kept), else
        a multi-search of each source's runs() query (a search per source costs the engine about 0.4 ms: 190
        sources took 70 ms in one multi-search, against a few ms in one search)."""
        chosen = list(dict.fromkeys(sources))
        if not chosen:
            return {}
        body = {"query": {"terms": {"source": chosen}}, "size": RUNS_PAGE, "sort": [{"started_at": "desc"}],
                "track_total_hits": True}  # fmt: skip
        try:
            found = self.client.search(index=RUNS.alias, body=body)["hits"]
            if found["total"]["value"] <= len(found["hits"]):
                runs: dict[str, list[CrawlRun]] = {source: [] for source in chosen}
                for hit in found["hits"]:
                    kept = runs[hit["_source"]["source"]]
                    if len(kept) < limit:
                        kept.append(_run(hit))
                return runs
            lines = [line for source in chosen for line in ({"index": RUNS.alias}, _runs_body(source, limit))]
            responses = self.client.msearch(body=lines)["responses"]
        except self.engine.not_found:
            return {source: [] for source in chosen}
        except self.errors as exc:
            raise self._fail(exc, "read crawl runs") from None
        for response in responses:
            if "error" in response:
                raise StoreError(f"{self.url}: cannot read crawl runs: {response['error'].get('reason')}")
        return {source: [_run(h) for h in r["hits"]["hits"]] for source, r in zip(chosen, responses, strict=True)}

    def ready(self) -> bool:
        """Whether `cchc store init` has made the aliases."""
        try:
            return current_index(self.client, ARTICLES) is not None
        except self.errors as exc:
            raise self._fail(exc, "reach the cluster") from None

    def ping(self) -> str:
        """The engine's name and version, e.g. `OpenSearch 2.19.6`; a StoreError when it does not answer."""
        try:
            info = self.client.info()
        except self.errors as exc:
            raise self._fail(exc, f"reach {self.engine.name}") from None
        distribution = info["version"].get("distribution", "elasticsearch")
        return f"{'OpenSearch' if distribution == 'opensearch' else 'Elasticsearch'} {info['version']['number']}"

    def refresh(self) -> None:
        self.client.indices.refresh(index=ARTICLES.alias)

    def close(self) -> None:
        self.client.close()


def _pages(search: Callable[[str, dict[str, Any]], Any], index: str, body: dict[str, Any]) -> Iterator[list[Any]]:
    """Every hit of `body` (its query, page size and _source) in `index`, a page at a time, in id order (search_after):
    `search(index, body)` runs each request."""
    after: list[Any] | None = None
    while True:
        page = {**body, "sort": [{"id": "asc"}], **({"search_after": after} if after else {})}
        hits = search(index, page)["hits"]["hits"]
        if not hits:
            return
        yield hits
        after = hits[-1]["sort"]


def _iso(agg: dict[str, Any]) -> str | None:
    """A min/max date aggregation's value in +07:00, as the SQLite store reports it."""
    if agg.get("value") is None:
        return None
    return datetime.fromtimestamp(agg["value"] / 1000, VN_TZ).isoformat()


def _hit(hit: dict[str, Any]) -> SearchHit:
    article = from_doc(hit["_source"])
    marks = hit.get("highlight", {})
    title = marks.get("title.folded", [None])[0]
    snippet = (marks.get("text.folded") or marks.get("lead.folded") or [None])[0]
    return SearchHit(
        article=article,
        score=float(hit.get("_score") or 0.0),
        title_html=title or escape(article.title),
        snippet_html=snippet or escape(article.lead or article.text[:240]),
    )


def _runs_body(source: str | None, limit: int) -> dict[str, Any]:
    """The query of a source's newest `limit` runs (every source's when None)."""
    return {"query": {"term": {"source": source}} if source else {"match_all": {}}, "size": limit,
            "sort": [{"started_at": "desc"}]}  # fmt: skip


def _run(hit: dict[str, Any]) -> CrawlRun:
    doc = hit["_source"]
    started, finished = datetime.fromisoformat(doc["started_at"]), datetime.fromisoformat(doc["finished_at"])
    return CrawlRun(doc["source"], started, finished, doc["status"], doc["stats"])


def _repointed(record: RecordT, root: str, new_id: str) -> RecordT:
    """An article or a near-duplicate candidate pointing to `new_id` if it was the story's original `root` or one of
    its copies."""
    if root in (record.id, record.duplicate_of):
        return dataclasses.replace(record, duplicate_of=new_id)
    return record
