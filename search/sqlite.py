"""The embedded backend: one SQLite file, WAL, FTS5 with accent-insensitive matching."""

from __future__ import annotations

import html
import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from search import neardup, snippets
from search.article import (
    LABEL_FIELDS,
    REVISION_FIELDS,
    VN_TZ,
    Article,
    fresher,
    keep_human_labels,
    keep_revision,
)
from search.batching import batched
from search.folding import fold, nfc
from search.query import ParsedQuery, parse_query
from search.sqlite_schema import backup, migrate
from search.store import (
    COUNT_DIMENSIONS,
    FACET_DIMENSIONS,
    MEASURES,
    CountQuery,
    CrawlRun,
    Grouping,
    LabelChange,
    LabelCorrection,
    SearchHit,
    SearchQuery,
    SearchResult,
    Store,
    StoreDamaged,
    StoreError,
    StoreMissing,
    StoreStats,
    Total,
    UpsertOutcome,
    label_values,
    nearest_first,
)

logger = logging.getLogger(__name__)

SNIPPET_TOKENS = 32
# A page's highlights are read by seeking each of its hits in the full-text index when the query matches more
# than this many articles per hit shown; else one pass over the matches costs less (a seek reopens every term in
# every index segment: a few hundred matches' worth).
SEEK_MATCHES_PER_HIT = 400
# Sources whose crawl runs one statement reads (a bound well under SQLite's limit on a statement's parameters).
RUNS_OF_SOURCES = 500
# Changes of facet values the archive's log keeps (search/facet_values.py): a copy of the values further behind
# reads them all again.
FACET_LOG_KEPT = 100_000
# bm25 weights for title_f, lead_f, text_f (the original columns are only matched for the accent bonus).
BM25_WEIGHTS = "0, 0, 0, 10.0, 4.0, 1.0"

_JSON_FIELDS = ("tags", "areas", "topics", "places", "scores", "explanations", "revisions")
_LIST_DIMENSIONS = {"area": "areas", "topic": "topics", "place": "places"}
_SCALAR_DIMENSIONS = {
    "channel": "a.channel",
    "source": "a.source",
    "unit": "a.unit",
    "section": "a.section",
    "stance": "a.stance",
    "month": "a.published_month",
    "day": "date(a.published_ts + 7 * 3600, 'unixepoch')",
    "label_source": "a.label_source",
    "model_version": "a.model_version",
}
_COLUMNS = (
    "id", "url", "canonical_url", "source", "channel", "unit", "title", "lead", "text", "author", "section",
    "tags", "media", "language", "published_at", "fetched_at", "content_hash", "duplicate_of", "relevant",
    "relevance", "areas", "topics", "scores", "label_source", "model_version", "places", "stance", "labeled_by",
    "labeled_at", "simhash", "explanations", "warc", "revisions", "removed_at", "words", "duration_s",
)  # fmt: skip


# SQLite's result codes for a damaged file or one that is not a database at all.
DAMAGE_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def _failure(message: str, exc: sqlite3.Error) -> StoreError:
    """The store error for a failed SQLite call: StoreDamaged when the file itself is damaged."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if type(exc) is sqlite3.DatabaseError or name.startswith(DAMAGE_CODES):
        return StoreDamaged(f"{message} (kho bị hỏng: chạy `cchc store check`)")
    return StoreError(message)


def _covering_index(query: SearchQuery) -> str:
    """The narrowest index that holds every column `query`'s filters read: a full-text search reads it once per
    match (the ranking index costs half the facet index there: 1.9 against 3.1-3.4 ms for 4,200 matches)."""
    by_labels = query.sources or query.channels or query.units or query.areas or query.topics or query.places
    return "articles_facets" if by_labels or query.stances or query.relevant is not None else "articles_ranking"


def _local_day_start(day: date) -> int:
    return int(datetime.combine(day, time.min, VN_TZ).timestamp())


def _iso(timestamp: int | None) -> str | None:
    return datetime.fromtimestamp(timestamp, VN_TZ).isoformat() if timestamp is not None else None


def _key(values: Any) -> tuple[str, ...]:
    """A group's key as count_by and sum_by give it: text values, "unknown" for a missing one."""
    return tuple(str(v) if v is not None else "unknown" for v in values)


def _row_values(article: Article) -> dict[str, Any]:
    data = article.to_dict()
    for name in _JSON_FIELDS:
        data[name] = json.dumps(data[name], ensure_ascii=False)
    for name in ("title", "lead", "text"):
        data[name] = nfc(data[name])
    if data["relevant"] is not None:
        data["relevant"] = int(data["relevant"])
    published = article.published_at
    data["published_ts"] = int(published.timestamp()) if published else None
    data["published_month"] = published.astimezone(VN_TZ).strftime("%Y-%m") if published else None
    return data


def _article(row: sqlite3.Row) -> Article:
    data = {name: row[name] for name in _COLUMNS}
    for name in _JSON_FIELDS:
        data[name] = json.loads(data[name])
    if data["relevant"] is not None:
        data["relevant"] = bool(data["relevant"])
    return Article.from_dict(data)


def _run(row: sqlite3.Row) -> CrawlRun:
    return CrawlRun(
        source=row["source"],
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=datetime.fromisoformat(row["finished_at"]),
        status=row["status"],
        stats=json.loads(row["stats"]),
    )


def _misses(expression: str, exact: bool) -> tuple[str, list[Any]]:
    """SQL that is 1 for a row the FTS5 `expression` does not match (on the accented or the folded columns)."""
    columns = "{title lead text}" if exact else "{title_f lead_f text_f}"
    sql = "(a.rowid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
    return sql, [f"{columns} : ({expression})"]


def _rank_keys(parsed: ParsedQuery) -> tuple[str, str, list[Any]]:
    """Ranking before bm25 (which barely tells common words apart): an accented query puts the articles with
    its exact accents first (accent_rank); words typed one by one rank higher side by side (phrase_rank: with
    the exact accents, then folded)."""
    params: list[Any] = []
    accent_rank = phrase_rank = "0"
    if parsed.has_diacritics:
        accent_rank, params = _misses(parsed.to_fts(folded=False), exact=True)
    adjacent = parsed.adjacent()
    if adjacent is not None:
        misses = [_misses(adjacent.to_fts(folded=True), exact=False)]
        if parsed.has_diacritics:
            misses.insert(0, _misses(adjacent.to_fts(folded=False), exact=True))
        phrase_rank = " + ".join(sql for sql, _ in misses)
        params += [p for _, ps in misses for p in ps]
    return accent_rank, phrase_rank, params


class SQLiteStore(Store):
    """Articles in one SQLite file; writes are transactions, readers never block the writer (WAL)."""

    def __init__(self, path: str | os.PathLike[str], url: str | None = None, create: bool = True) -> None:
        self.path = Path(path)
        self.url = url or f"sqlite:///{self.path}"
        if not create and not self.path.is_file():
            raise StoreMissing(str(self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One connection per store object; the web app opens one per request, possibly on a worker thread.
            self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA temp_store=MEMORY")  # the matches of the last full-text query (_matches)
            self._matched: tuple[str, list[Any], tuple[int, int]] | None = None
            migrate(self._conn, self.path)
            self._layout_checked = False  # checked by the first write (reads never use the bands)
        except (sqlite3.Error, OSError) as exc:
            raise _failure(f"{self.path}: không mở được kho SQLite: {exc}", exc) from None

    # -- writes -------------------------------------------------------------------------------

    def upsert_batch(self, articles: Sequence[Article]) -> list[UpsertOutcome]:
        """One transaction for the batch: an interrupted run loses at most the open batch."""
        if not articles:
            return []
        try:
            with self._transaction():
                if not self._layout_checked:
                    self._check_neardup_layout()
                outcomes = [self._write(article) for article in articles]
                self._conn.execute(
                    "DELETE FROM facet_log WHERE seq <= (SELECT max(seq) FROM facet_log) - ?", (FACET_LOG_KEPT,)
                )
                return outcomes
        except sqlite3.Error as exc:
            what = (
                f"article {articles[0].id}" if len(articles) == 1 else f"{len(articles)} articles from {articles[0].id}"
            )
            raise _failure(f"{self.path}: không ghi được {what} (cannot store): {exc}", exc) from None

    def _write(self, article: Article) -> UpsertOutcome:
        """Insert or replace one article inside the caller's transaction."""
        values = _row_values(article)
        row = self._conn.execute(
            f"SELECT rowid, content_hash, warc, removed_at, duration_s, {', '.join(LABEL_FIELDS)} FROM articles"
            " WHERE id = ?",
            (article.id,),
        ).fetchone()
        if row is not None and row["content_hash"] == article.content_hash:
            if fresher(article, dict(row)):
                # The same words fetched again: point at the newest copy (the one retention keeps longest); a page
                # marked removed is back; a player that now says its length gives the airtime.
                self._conn.execute(
                    "UPDATE articles SET warc = coalesce(?, warc), removed_at = NULL,"
                    " duration_s = coalesce(?, duration_s) WHERE rowid = ?",
                    (article.warc, article.duration_s, row["rowid"]),
                )
            return UpsertOutcome.UNCHANGED
        if row is not None:
            keep_human_labels(values, dict(row))
            self._keep_revision(values, row["rowid"])
            self._conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (row["rowid"],))
            self._conn.execute("DELETE FROM simhash_bands WHERE article = ?", (row["rowid"],))
            self._conn.execute("DELETE FROM articles WHERE rowid = ?", (row["rowid"],))
        if article.duplicate_of is None and article.simhash:
            verdict = self._near_duplicates(article)
            values["duplicate_of"] = verdict.duplicate_of
            if verdict.new_original_of:
                self._conn.execute(
                    "UPDATE articles SET duplicate_of = ? WHERE id = ? OR duplicate_of = ?",
                    (article.id, verdict.new_original_of, verdict.new_original_of),
                )
        names = list(values)
        cursor = self._conn.execute(
            f"INSERT INTO articles ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [values[n] for n in names],
        )
        self._conn.execute("INSERT INTO facet_log (article) VALUES (?)", (cursor.lastrowid,))
        fields = (values["title"], values["lead"], values["text"])
        self._conn.execute(
            "INSERT INTO articles_fts (rowid, title, lead, text, title_f, lead_f, text_f) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (cursor.lastrowid, *fields, *(fold(f) for f in fields)),
        )
        if article.simhash:
            self._conn.executemany(
                "INSERT INTO simhash_bands (band, article) VALUES (?, ?)",
                [(band, cursor.lastrowid) for band in neardup.bands(article.simhash)],
            )
        return UpsertOutcome.NEW if row is None else UpsertOutcome.UPDATED

    def _keep_revision(self, values: dict[str, Any], rowid: int) -> None:
        """Append the stored version of a changed page to `values`' revisions."""
        old = dict(
            self._conn.execute(
                f"SELECT revisions, {', '.join(REVISION_FIELDS)} FROM articles WHERE rowid = ?", (rowid,)
            ).fetchone()
        )
        old["revisions"] = json.loads(old["revisions"])
        values["revisions"] = json.dumps(keep_revision({}, old)["revisions"], ensure_ascii=False)

    def _check_neardup_layout(self) -> None:
        """Rebuild every fingerprint and band inside the caller's transaction when they were built with another
        near-duplicate layout than this program's: else new articles would silently miss their stored copies."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'neardup_layout'").fetchone()
        if row is None or row[0] != neardup.LAYOUT:
            total = self._conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            neardup.rebuilding(str(self.path), row[0] if row else None, total)
            self._conn.execute("DELETE FROM simhash_bands")
            for rowid, lead, text in self._conn.execute("SELECT rowid, lead, text FROM articles").fetchall():
                simhash = neardup.fingerprint(lead, text)
                self._conn.execute("UPDATE articles SET simhash = ? WHERE rowid = ?", (simhash, rowid))
                if simhash:
                    self._conn.executemany(
                        "INSERT INTO simhash_bands (band, article) VALUES (?, ?)",
                        [(band, rowid) for band in neardup.bands(simhash)],
                    )
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES ('neardup_layout', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (neardup.LAYOUT,),
            )
        self._layout_checked = True

    def _near_duplicates(self, article: Article) -> neardup.Verdict:
        copies = self.near_duplicate_candidates(article.simhash or "")
        return neardup.judge(article.id, article.simhash, article.published_at, copies)

    def near_duplicate_candidates(self, simhash: str) -> list[neardup.Copy]:
        """The stored articles a new one with `simhash` is compared with: the latest few of each of its bands
        (one index range each, at most MAX_CANDIDATES_PER_BAND), not every article that ever fell in them."""
        keys = neardup.bands(simhash)
        latest = " UNION ".join(
            "SELECT * FROM (SELECT article FROM simhash_bands WHERE band = ? ORDER BY article DESC LIMIT ?)"
            for _ in keys
        )
        rows = self._conn.execute(
            f"SELECT a.id, a.simhash, a.published_at, a.duplicate_of FROM articles a WHERE a.rowid IN ({latest})",
            [value for key in keys for value in (key, neardup.MAX_CANDIDATES_PER_BAND)],
        ).fetchall()
        return [
            neardup.Copy(
                r["id"],
                r["simhash"],
                datetime.fromisoformat(r["published_at"]) if r["published_at"] else None,
                r["duplicate_of"],
            )  # fmt: skip
            for r in rows
        ]

    def mark_removed(self, article_id: str, at: datetime) -> bool:
        try:
            with self._transaction():
                cursor = self._conn.execute(
                    "UPDATE articles SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                    (at.isoformat(), article_id),
                )
        except sqlite3.Error as exc:
            raise _failure(f"{self.path}: cannot mark article {article_id} removed: {exc}", exc) from None
        return cursor.rowcount > 0

    def set_labels(self, article: Article) -> None:
        try:
            with self._transaction():
                self._write_labels(article)
        except sqlite3.Error as exc:
            raise _failure(f"{self.path}: cannot label article {article.id}: {exc}", exc) from None

    def _write_labels(self, article: Article) -> None:
        """Rewrite an article's label fields inside the caller's transaction; StoreError when there is no such id."""
        values = _row_values(article)
        assignments = ", ".join(f"{name} = ?" for name in LABEL_FIELDS)
        cursor = self._conn.execute(
            f"UPDATE articles SET {assignments} WHERE id = ?", [*(values[n] for n in LABEL_FIELDS), article.id]
        )
        if cursor.rowcount == 0:
            raise StoreError(f"{self.path}: no article {article.id} to label")

    def save_explanations(self, article: Article) -> None:
        """Keep explanations computed after the fact, unless the article's words changed meanwhile."""
        try:
            with self._transaction():
                self._conn.execute(
                    "UPDATE articles SET explanations = ? WHERE id = ? AND content_hash = ?",
                    (json.dumps(article.explanations, ensure_ascii=False), article.id, article.content_hash),
                )
        except sqlite3.Error as exc:
            raise _failure(f"{self.path}: cannot keep explanations of {article.id}: {exc}", exc) from None

    def correct_labels(self, before: Article, after: Article) -> LabelCorrection:
        """A person's labels, their history entry and, when they overrule another person, an open conflict."""
        user = after.labeled_by or "?"
        at = (after.labeled_at or datetime.now(VN_TZ)).isoformat()
        disagrees = (
            before.label_source == "human" and before.labeled_by not in (None, user)
            and label_values(before) != label_values(after)
        )  # fmt: skip
        try:
            with self._transaction():
                self._write_labels(after)
                self._history(after.id, user, at, "correct", label_values(before), label_values(after))
                if disagrees:
                    self._conn.execute(
                        "INSERT INTO label_conflicts (article_id, opened_at, opened_by) VALUES (?, ?, ?)"
                        " ON CONFLICT (article_id) DO UPDATE SET opened_at = excluded.opened_at,"
                        " opened_by = excluded.opened_by, resolved_at = NULL, resolved_by = NULL",
                        (after.id, at, user),
                    )
                open_conflict = self._conn.execute(
                    "SELECT 1 FROM label_conflicts WHERE article_id = ? AND resolved_at IS NULL", (after.id,)
                ).fetchone()
        except sqlite3.Error as exc:
            raise _failure(f"{self.path}: cannot label article {after.id}: {exc}", exc) from None
        return LabelCorrection(conflict=open_conflict is not None)

    def _history(self, article_id: str, user: str, at: str, action: str, before: dict, after: dict) -> None:
        self._conn.execute(
            "INSERT INTO label_history (article_id, user, at, action, before, after) VALUES (?, ?, ?, ?, ?, ?)",
            (article_id, user, at, action, json.dumps(before, ensure_ascii=False),
             json.dumps(after, ensure_ascii=False)),
        )  # fmt: skip

    def label_history(self, article_id: str) -> list[LabelChange]:
        rows = self._query(
            "SELECT article_id, user, at, action, before, after FROM label_history WHERE article_id = ? ORDER BY id",
            (article_id,),
        )
        return [
            LabelChange(r["article_id"], r["user"], datetime.fromisoformat(r["at"]), r["action"],
                        json.loads(r["before"]), json.loads(r["after"]))
            for r in rows
        ]  # fmt: skip

    def label_conflicts(self) -> list[str]:
        rows = self._query("SELECT article_id FROM label_conflicts WHERE resolved_at IS NULL ORDER BY opened_at")
        return [r[0] for r in rows]

    def resolve_conflict(self, article_id: str, user: str) -> None:
        at = datetime.now(VN_TZ).isoformat()
        try:
            with self._transaction():
                cursor = self._conn.execute(
                    "UPDATE label_conflicts SET resolved_at = ?, resolved_by = ? WHERE article_id = ?"
                    " AND resolved_at IS NULL",
                    (at, user, article_id),
                )
                if cursor.rowcount == 0:
                    raise StoreError(f"{self.path}: no open label conflict on {article_id}")
                row = self._conn.execute(
                    f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE id = ?", (article_id,)
                ).fetchone()
                kept = label_values(_article(row))
                self._history(article_id, user, at, "resolve", kept, kept)
        except sqlite3.Error as exc:
            raise _failure(f"{self.path}: cannot resolve the conflict on {article_id}: {exc}", exc) from None

    def label_queue(self, threshold: float, limit: int = 20) -> list[Article]:
        # Two walks of the relevance index, outwards from the threshold; the nearest of both sides win.
        unlabeled = "(label_source IS NULL OR label_source != 'human') AND duplicate_of IS NULL"
        sides = [
            self._query(
                f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE relevance {op} ? AND {unlabeled}"
                f" ORDER BY relevance {order}, id LIMIT ?",
                (threshold, limit),
            )  # fmt: skip
            for op, order in ((">=", "ASC"), ("<", "DESC"))
        ]
        return nearest_first(map(_article, sides[0]), map(_article, sides[1]), threshold, limit)

    def iter_articles(self, label_source: str | None = None, batch_size: int = 500) -> Iterator[Article]:
        where, params = ("AND label_source = ?", [label_source]) if label_source else ("", [])
        if label_source == "human":  # disputed corrections stay out of training until someone resolves them
            where += " AND id NOT IN (SELECT article_id FROM label_conflicts WHERE resolved_at IS NULL)"
        last = ""
        while True:
            rows = self._query(
                f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE id > ? {where} ORDER BY id LIMIT ?",
                (last, *params, batch_size),
            )
            if not rows:
                return
            yield from (_article(r) for r in rows)
            last = rows[-1]["id"]

    def record_run(self, run: CrawlRun) -> None:
        try:
            with self._transaction():
                self._conn.execute(
                    "INSERT INTO crawl_runs (source, started_at, finished_at, status, stats) VALUES (?, ?, ?, ?, ?)",
                    (
                        run.source,
                        run.started_at.isoformat(),
                        run.finished_at.isoformat(),
                        run.status,
                        json.dumps(run.stats, ensure_ascii=False, default=str),
                    ),
                )
        except sqlite3.Error as exc:
            raise _failure(f"{self.path}: không ghi được bản ghi lần thu thập: {exc}", exc) from None

    def _transaction(self) -> sqlite3.Connection:
        """BEGIN IMMEDIATE ... COMMIT (or ROLLBACK on error) as a context manager."""
        return _Transaction(self._conn)  # type: ignore[return-value]

    # -- reads --------------------------------------------------------------------------------

    def exists(self, article_id: str) -> bool:
        return self._query_one("SELECT 1 FROM articles WHERE id = ?", (article_id,)) is not None

    def get(self, article_id: str) -> Article | None:
        row = self._query_one(f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE id = ?", (article_id,))
        return _article(row) if row else None

    def runs(self, source: str | None = None, limit: int = 50) -> list[CrawlRun]:
        where, params = ("WHERE source = ?", [source]) if source else ("", [])
        rows = self._query(
            f"SELECT * FROM crawl_runs {where} ORDER BY started_at DESC, id DESC LIMIT ?", (*params, limit)
        )
        return [_run(r) for r in rows]

    def runs_of(self, sources: Sequence[str], limit: int = 50) -> dict[str, list[CrawlRun]]:
        """One statement per RUNS_OF_SOURCES sources (a coverage report reads every source's runs)."""
        found: dict[str, list[CrawlRun]] = {source: [] for source in sources}
        for chunk in batched(list(found), RUNS_OF_SOURCES):
            rows = self._query(
                "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC, id DESC)"
                f" AS n FROM crawl_runs WHERE source IN ({', '.join('?' * len(chunk))})) WHERE n <= ? ORDER BY n",
                (*chunk, limit),
            )
            for r in rows:
                found[r["source"]].append(_run(r))
        return found

    def stats(self) -> StoreStats:
        def counts(sql: str) -> dict[str, int]:
            return {(key if key is not None else "unknown"): n for key, n in self._query(sql)}

        size = sum(p.stat().st_size for p in self._files() if p.exists())
        return StoreStats(
            total=self._query_one("SELECT count(*) FROM articles")[0],
            relevant=self._query_one("SELECT count(*) FROM articles WHERE relevant = 1")[0],
            by_source=counts("SELECT source, count(*) FROM articles GROUP BY source ORDER BY source"),
            by_channel=counts("SELECT channel, count(*) FROM articles GROUP BY channel ORDER BY channel"),
            by_month=counts(
                "SELECT published_month, count(*) FROM articles GROUP BY published_month ORDER BY published_month"
            ),
            by_area=counts(
                "SELECT j.value, count(*) FROM articles, json_each(articles.areas) AS j"
                " GROUP BY j.value ORDER BY j.value"
            ),
            by_section=self._by_section(),
            date_range_by_source={
                source: (_iso(oldest), _iso(newest))
                for source, oldest, newest in self._query(
                    "SELECT source, min(published_ts), max(published_ts) FROM articles GROUP BY source"
                )
            },
            size_bytes=size,
        )

    def count_by(self, dims: tuple[str, ...], query: CountQuery) -> dict[tuple[str, ...], int]:
        return self.tally([Grouping(dims, query)])[0]

    def sum_by(self, dims: tuple[str, ...], measure: str, query: CountQuery) -> dict[tuple[str, ...], Total]:
        return self.tally([Grouping(dims, query, measure)])[0]

    def tally(self, groupings: Sequence[Grouping]) -> list[dict[tuple[str, ...], Any]]:
        """One statement: each grouping a GROUP BY over the counts index, the results side by side (UNION ALL),
        tagged with the grouping's place and padded to the widest grouping's columns."""
        if not groupings:
            return []
        width = max(len(g.dims) for g in groupings)
        selects, params = [], []
        for n, grouping in enumerate(groupings):
            sql, grouping_params = self._grouped(n, grouping, width)
            selects.append(sql)
            params += grouping_params
        results: list[dict[tuple[str, ...], Any]] = [{} for _ in groupings]
        for row in self._query(" UNION ALL ".join(selects), params):
            grouping = groupings[row[0]]
            key = _key(row[1 : 1 + len(grouping.dims)])
            results[row[0]][key] = row[-2] if grouping.measure is None else Total(int(row[-2]), row[-1])
        return results

    def latest(self, dims: tuple[str, ...], query: CountQuery) -> dict[tuple[str, ...], str]:
        """The newest timestamp per group, not every day's count."""
        sql, params = self._grouped(0, Grouping(dims, query), len(dims), "max(a.published_ts), NULL")
        return {
            _key(row[1:-2]): datetime.fromtimestamp(row[-2], VN_TZ).date().isoformat()
            for row in self._query(sql, params)
            if row[-2] is not None
        }

    def _grouped(
        self, tag: int, grouping: Grouping, width: int, aggregates: str = "count(*), NULL"
    ) -> tuple[str, list[Any]]:
        """SELECT <tag>, <dims> (NULL up to `width`), <aggregates: count, NULL | with a measure sum, count> over
        the articles the grouping selects, GROUP BY <dims>."""
        dims, query, measure = grouping.dims, grouping.query, grouping.measure
        unknown = set(dims) - set(COUNT_DIMENSIONS)
        if unknown or not dims:
            raise StoreError(f"cannot count by {sorted(unknown) or 'nothing'}: use {', '.join(COUNT_DIMENSIONS)}")
        if measure is not None and measure not in MEASURES:
            raise StoreError(f"cannot sum {measure!r}: use {', '.join(MEASURES)}")
        joins, columns = [], []
        for dim in dims:
            if dim in _LIST_DIMENSIONS:
                alias = f"j_{dim}"
                joins.append(f"JOIN json_each(a.{_LIST_DIMENSIONS[dim]}) AS {alias}")
                columns.append(f"{alias}.value")
            else:
                columns.append(_SCALAR_DIMENSIONS[dim])
        clauses, params = self._filters(SearchQuery(sources=query.sources, date_from=query.date_from,
                                                    date_to=query.date_to))  # fmt: skip
        # Every value of relevant spelled out when all count: the counts index is then read by date range too.
        clauses.append("a.relevant = 1" if query.relevant_only else "(a.relevant IN (0, 1) OR a.relevant IS NULL)")
        if query.exclude_reprints:
            clauses.append("a.duplicate_of IS NULL")
        if query.section is not None:
            clauses.append("a.section = ?")
            params.append(query.section)
        if measure is not None:
            clauses.append(f"a.{measure} IS NOT NULL")
            aggregates = f"sum(a.{measure}), count(a.{measure})"
        group = ", ".join(columns)
        padding = ", NULL" * (width - len(dims))
        return (
            f"SELECT {tag}, {group}{padding}, {aggregates} FROM articles a {' '.join(joins)}"
            f" WHERE {' AND '.join(clauses)} GROUP BY {group}",
            params,
        )

    def _by_section(self) -> dict[str, dict[str, int]]:
        result: dict[str, dict[str, int]] = {}
        rows = self._query("SELECT source, section, count(*) FROM articles GROUP BY source, section ORDER BY 1, 3 DESC")
        for source, section, n in rows:
            result.setdefault(source, {})[section or "unknown"] = n
        return result

    def search(self, query: SearchQuery) -> SearchResult:
        scope = self._scope(query)
        if scope is None:
            return SearchResult(total=0, hits=())
        if scope.parsed.empty:
            return self._browse(query, scope)
        # One snapshot for the matches and the page read after them (a write may come in between).
        with self._snapshot():
            return self._full_text(query, self._scope(query, covering=True))

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """A read transaction: the matches table written in it is this connection's alone."""
        try:
            with _Transaction(self._conn, "BEGIN"):
                yield
        except BaseException as exc:
            self._matched = None  # the rollback may have undone (or brought back) the matches table
            if isinstance(exc, sqlite3.Error):
                raise _failure(f"{self.path}: tìm kiếm thất bại (search failed): {exc}", exc) from None
            raise

    def facets(self, query: SearchQuery, dims: tuple[str, ...], limit: int = 50) -> dict[str, dict[str, int]]:
        unknown = set(dims) - set(FACET_DIMENSIONS)
        if unknown:
            raise StoreError(f"cannot facet by {sorted(unknown)}: use {', '.join(FACET_DIMENSIONS)}")
        scope = self._scope(query, covering=True)
        if scope is None or not dims:
            return {dim: {} for dim in dims}
        from search.facet_values import shared_values  # numpy, loaded by the web app's first facets only

        columns = {dim: _LIST_DIMENSIONS.get(dim) or _SCALAR_DIMENSIONS[dim].removeprefix("a.") for dim in dims}
        # The matches (a full-text query's: the table its search filled, or this fills) and the values they are
        # counted by, read in one snapshot.
        with self._snapshot():
            if scope.parsed.empty:
                matches, params = f"SELECT a.rowid AS article {scope.source} WHERE {scope.where}", scope.params
            else:
                self._matches(scope, reuse=True)
                matches, params = "SELECT article FROM temp.matches", []
            counted = shared_values(self.path).counts(self._conn, matches, params, list(columns.values()))
        return {dim: dict(sorted(counted[column].items(), key=lambda p: (-p[1], p[0]))[:limit])
                for dim, column in columns.items()}  # fmt: skip

    def _matches(self, scope: _Scope, reuse: bool) -> None:
        """Fill temp.matches with every article the full-text `scope` selects, read from the covering index (its
        ranking keys and date): a search's count and ranking read it, and so do the facets of the
        same query asked next (`reuse`: unless the archive changed meanwhile) instead of matching the full-text
        index again. A search always matches afresh."""
        accent_rank, phrase_rank, rank_params = _rank_keys(scope.parsed)
        sql = (
            f"CREATE TEMP TABLE matches AS SELECT a.rowid AS article, {accent_rank} AS accent_rank,"
            f" {phrase_rank} AS phrase_rank, bm25(articles_fts, {BM25_WEIGHTS}) AS score, a.published_ts"
            f" {scope.source} WHERE {scope.where}"
        )
        params = [*rank_params, *scope.params]
        # data_version moves when another connection commits, total_changes when this one writes.
        state = (self._run("PRAGMA data_version", [])[0][0], self._conn.total_changes)
        if reuse and self._matched == (sql, params, state):
            return
        self._matched = None
        self._run("DROP TABLE IF EXISTS temp.matches", [])
        self._run(sql, params)
        self._matched = (sql, params, (state[0], self._conn.total_changes))

    def reprints(self, article_ids: tuple[str, ...]) -> dict[str, list[Article]]:
        if not article_ids:
            return {}
        rows = self._query(
            f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE duplicate_of IN ({', '.join('?' * len(article_ids))})"
            " ORDER BY published_ts",
            article_ids,
        )
        found: dict[str, list[Article]] = {}
        for row in rows:
            found.setdefault(row["duplicate_of"], []).append(_article(row))
        return found

    def _scope(self, query: SearchQuery, covering: bool = False) -> _Scope | None:
        """FROM and WHERE of the articles a query selects; None when its text can match nothing.

        `covering` reads the narrow facet index instead of the articles (for counting, not for showing).
        """
        parsed = parse_query(query.text, query.synonyms)
        if parsed.empty and query.text.strip():
            return None
        clauses, params = self._filters(query)
        articles = f"articles a INDEXED BY {_covering_index(query)}" if covering else "articles a"
        if parsed.empty:
            return _Scope(f"FROM {articles}", " AND ".join(clauses) or "1", params, parsed)
        match = "{title_f lead_f text_f} : (" + parsed.to_fts(folded=True) + ")"
        return _Scope(
            f"FROM articles_fts JOIN {articles} ON a.rowid = articles_fts.rowid",
            " AND ".join(["articles_fts MATCH ?", *clauses]),
            [match, *params],
            parsed,
        )

    def _filters(self, query: SearchQuery) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, values in (("a.source", query.sources), ("a.channel", query.channels), ("a.unit", query.units)):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        for column, values in (("areas", query.areas), ("topics", query.topics), ("places", query.places)):
            if values:
                clauses.append(
                    f"EXISTS (SELECT 1 FROM json_each(a.{column}) WHERE value IN ({', '.join('?' * len(values))}))"
                )
                params.extend(values)
        if query.date_from:
            clauses.append("a.published_ts >= ?")
            params.append(_local_day_start(query.date_from))
        if query.date_to:
            clauses.append("a.published_ts < ?")
            params.append(_local_day_start(query.date_to + timedelta(days=1)))
        if query.relevant is not None:
            clauses.append("a.relevant = ?")
            params.append(int(query.relevant))
        if query.stances:
            clauses.append(f"a.stance IN ({', '.join('?' * len(query.stances))})")
            params.extend(query.stances)
        if query.fold_reprints:
            clauses.append("a.duplicate_of IS NULL")
        return clauses, params

    def _browse(self, query: SearchQuery, scope: _Scope) -> SearchResult:
        total = self._query_one(f"SELECT count(*) {scope.source} WHERE {scope.where}", scope.params)[0]
        rows = self._query(
            f"SELECT {', '.join('a.' + c for c in _COLUMNS)} {scope.source} WHERE {scope.where}"
            " ORDER BY a.published_ts DESC NULLS LAST, a.rowid DESC LIMIT ? OFFSET ?",
            (*scope.params, query.limit, query.offset),
        )
        hits = []
        for row in rows:
            article = _article(row)
            preview = article.lead or article.text[:240]
            hits.append(SearchHit(article, 0.0, html.escape(article.title), html.escape(preview)))
        return SearchResult(total=total, hits=tuple(hits))

    def _full_text(self, query: SearchQuery, scope: _Scope) -> SearchResult:
        """Count and rank the matches (one pass over the full-text index, shared with the facets); read the articles
        and mark their highlights only for the page shown (SQLite would otherwise compute every matching
        article's snippets before sorting)."""
        order = (
            "published_ts DESC NULLS LAST, article DESC"
            if query.sort == "date"
            else "accent_rank, phrase_rank, score, published_ts DESC"
        )
        self._matches(scope, reuse=False)
        total = self._run("SELECT count(*) FROM temp.matches", [])[0][0]
        ranked = self._run(
            f"SELECT article AS rowid, score FROM temp.matches ORDER BY {order} LIMIT ? OFFSET ?",
            [query.limit, query.offset],
        )
        if not ranked:
            return SearchResult(total=total, hits=())
        marks = f"'{snippets.OPEN}', '{snippets.CLOSE}'"
        match = scope.params[0]  # the scope's first parameter is its MATCH expression
        # FTS5 seeks each rowid of a short page among many matches; else (a long page such as an export, or few
        # matches) one pass over the matches is cheaper ("+" keeps the rowid list from FTS5, which then filters
        # its matches against it).
        seek = total > SEEK_MATCHES_PER_HIT * len(ranked)
        rowid = "articles_fts.rowid" if seek else "+articles_fts.rowid"
        rows = self._run(
            f"SELECT a.rowid, {', '.join('a.' + c for c in _COLUMNS)},"
            f" highlight(articles_fts, 3, {marks}) AS title_marked,"
            f" snippet(articles_fts, 4, {marks}, '{snippets.ELLIPSIS}', {SNIPPET_TOKENS}) AS lead_marked,"
            f" snippet(articles_fts, 5, {marks}, '{snippets.ELLIPSIS}', {SNIPPET_TOKENS}) AS text_marked,"
            f" articles_fts.lead_f, articles_fts.text_f"
            f" FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? AND {rowid} IN ({', '.join('?' * len(ranked))})",
            [match, *(r["rowid"] for r in ranked)],
        )
        page = {row["rowid"]: row for row in rows}
        return SearchResult(total=total, hits=tuple(self._hit(page[r["rowid"]], r["score"]) for r in ranked))

    def _run(self, sql: str, params: list[Any]) -> list[sqlite3.Row]:
        """A full-text read; the parser quotes every term, so a failure means a bug or a damaged index."""
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            logger.error("full-text query failed: %s (%s)", exc, params[:1])
            raise StoreError(f"tìm kiếm thất bại (search failed): {exc}") from None
        except sqlite3.Error as exc:
            raise _failure(f"{self.path}: tìm kiếm thất bại (search failed): {exc}", exc) from None

    @staticmethod
    def _hit(row: sqlite3.Row, score: float) -> SearchHit:
        article = _article(row)
        snippet = ""
        # The folded copies are the index's own (what the marks were made in), not folded again here.
        for original, folded, marked in ((article.text, row["text_f"], row["text_marked"]),
                                         (article.lead, row["lead_f"], row["lead_marked"])):  # fmt: skip
            if marked and snippets.OPEN in marked:
                snippet = snippets.highlight_fragment(original, folded, marked)
                if snippet:
                    break
        if not snippet:
            snippet = html.escape(article.lead or article.text[:240])
        title_html = snippets.highlight_full(article.title, row["title_marked"] or "")
        return SearchHit(article=article, score=-float(score), title_html=title_html, snippet_html=snippet)

    # -- plumbing -----------------------------------------------------------------------------

    def _query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _failure(f"{self.path}: đọc kho thất bại (read failed): {exc}", exc) from None

    def _query_one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        rows = self._query(sql, params)
        return rows[0] if rows else None

    def _files(self) -> list[Path]:
        return [self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]

    def integrity_check(self, quick: bool = False) -> str:
        """SQLite's own verdict: 'ok' or the problems found (quick_check skips the index cross-checks)."""
        pragma = "quick_check" if quick else "integrity_check"
        try:
            rows = self._conn.execute(f"PRAGMA {pragma}(20)").fetchall()
            return "; ".join(" ".join(str(r[0]).split()) for r in rows)  # one line, however SQLite words it
        except sqlite3.DatabaseError as exc:
            return f"{type(exc).__name__}: {exc}"

    def backup(self, target: Path) -> Path:
        """A consistent copy of the archive in `target` while it stays in use (SQLite's online backup)."""
        try:
            return backup(self._conn, target)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{target}: không ghi được bản sao lưu: {exc}") from None

    def close(self) -> None:
        self._conn.close()


@dataclass(frozen=True)
class _Scope:
    source: str
    where: str
    params: list[Any]
    parsed: ParsedQuery


class _Transaction:
    def __init__(self, conn: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> None:
        self._conn = conn
        self._begin = begin

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute(self._begin)
        return self._conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type else "COMMIT")
