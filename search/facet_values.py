"""Facet values in memory (doc values): the search page's facets count a query's matches by the values held here,
with numpy, instead of grouping the matches in SQL (which sorts them once per dimension).

One copy per archive per process, shared by the archive's connections (the web app opens one per request). The
archive's triggers log every article whose facet values changed (facet_log, search/sqlite_schema.py), so a copy
reads again only those: a crawl writing beside the web app is seen at the next count, never a stale one."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

SCALAR_COLUMNS = ("channel", "source", "unit", "stance")
LIST_COLUMNS = ("areas", "topics", "places")
# Archives whose copies a process keeps (a test run opens many; the web app one).
KEPT_ARCHIVES = 4
# Changed articles read per statement (under SQLite's limit on a statement's parameters).
READ_CHUNK = 500


class FacetValues:
    """The facet columns of every article of one archive: a code per article for each scalar column; (article,
    code, generation) entries for each list column, an entry counting while its generation is its article's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._seq: int | None = None  # the last facet_log entry read; None: nothing read yet
        self._names: dict[str, list[str]] = {c: [] for c in (*SCALAR_COLUMNS, *LIST_COLUMNS)}
        self._codes_of: dict[str, dict[str, int]] = {c: {} for c in self._names}
        self._scalars = {c: np.full(0, -1, np.int32) for c in SCALAR_COLUMNS}
        self._generation = np.zeros(0, np.int32)
        self._entries = {c: (np.zeros(0, np.int32),) * 3 for c in LIST_COLUMNS}  # articles, codes, generations

    def counts(
        self, conn: sqlite3.Connection, matches: str, params: Sequence[Any], columns: Sequence[str]
    ) -> dict[str, dict[str, int]]:
        """Per column, how many of the articles the statement `matches` selects (their rowids, as `article`) hold
        each value. Call inside a read transaction: the matches and the log of changes then see one archive."""
        listed = conn.execute(f"SELECT group_concat(article) FROM ({matches})", params).fetchone()[0]
        # One string, not a row per match: reading thousands of rows costs more than counting them.
        rowids = np.fromstring(listed, np.int64, sep=",") if listed else np.zeros(0, np.int64)
        with self._lock:
            self._refresh(conn)
            rowids = rowids[rowids < len(self._generation)]
            counted = {}
            matched = np.zeros(len(self._generation), bool)
            matched[rowids] = True
            for column in columns:
                if column in SCALAR_COLUMNS:
                    codes = self._scalars[column][rowids]
                    codes = codes[codes >= 0]
                else:
                    articles, codes, generations = self._entries[column]
                    codes = codes[matched[articles] & (generations == self._generation[articles])]
                totals = np.bincount(codes, minlength=len(self._names[column]))
                counted[column] = {self._names[column][i]: int(totals[i]) for i in np.flatnonzero(totals)}
            return counted

    def _refresh(self, conn: sqlite3.Connection) -> None:
        # Two lookups at the ends of the key: one statement asking both min and max reads every row (4.7 ms at 50,000).
        newest, oldest = conn.execute(
            "SELECT (SELECT max(seq) FROM facet_log), (SELECT min(seq) FROM facet_log)"
        ).fetchone()
        newest = newest or 0
        # Read everything the first time, when the log no longer holds every change since the last read (it keeps
        # the latest search.sqlite.FACET_LOG_KEPT), when it went backwards (the file was replaced), or when most
        # articles changed (one read of everything then costs less than reading them a chunk at a time).
        behind = self._seq is None or newest < self._seq or (oldest is not None and oldest > self._seq + 1)
        changed = []
        if not behind and newest > self._seq:
            changed = [r[0] for r in conn.execute("SELECT DISTINCT article FROM facet_log WHERE seq > ?", (self._seq,))]
        if behind or len(changed) > len(self._generation) // 4:
            self._clear()
            self._read(conn, None)
        else:
            for start in range(0, len(changed), READ_CHUNK):
                self._read(conn, changed[start : start + READ_CHUNK])
        self._seq = newest

    def _read(self, conn: sqlite3.Connection, rowids: list[int] | None) -> None:
        """Read the facet columns of `rowids` (None: every article); an article no longer stored has none."""
        where, params = ("", []) if rowids is None else (f" WHERE a.rowid IN ({', '.join('?' * len(rowids))})", rowids)
        rows = conn.execute(f"SELECT a.rowid, {', '.join(SCALAR_COLUMNS)} FROM articles a{where}", params).fetchall()
        stored = [r[0] for r in rows]
        self._grow(max([*stored, *(rowids or [])], default=-1) + 1)
        changed = np.asarray(stored if rowids is None else rowids, np.int64)
        for n, column in enumerate(SCALAR_COLUMNS, start=1):
            self._scalars[column][changed] = -1
            self._scalars[column][stored] = self._encode(column, (r[n] for r in rows))
        self._generation[changed] += 1
        for column in LIST_COLUMNS:
            # A value that is not a JSON list (a damaged row) counts as none, as a null in one does.
            listed = f"CASE WHEN json_valid(a.{column}) THEN a.{column} ELSE '[]' END"
            pairs = conn.execute(
                f"SELECT a.rowid, j.value FROM articles a, json_each({listed}) AS j{where}", params
            ).fetchall()
            codes = self._encode(column, (r[1] for r in pairs))
            articles = np.asarray([r[0] for r in pairs], np.int32)[codes >= 0]
            codes = codes[codes >= 0]
            old = self._entries[column]
            self._entries[column] = tuple(
                np.concatenate(parts) for parts in zip(old, (articles, codes, self._generation[articles]), strict=True)
            )
            self._compact(column)

    def _encode(self, column: str, values: Iterable[object]) -> np.ndarray:
        codes_of, names = self._codes_of[column], self._names[column]
        codes = []
        for value in values:
            if value is None:
                codes.append(-1)
                continue
            text = str(value)
            code = codes_of.get(text)
            if code is None:
                code = codes_of[text] = len(names)
                names.append(text)
            codes.append(code)
        return np.asarray(codes, np.int32)

    def _grow(self, size: int) -> None:
        extra = size - len(self._generation)
        if extra <= 0:
            return
        self._generation = np.concatenate([self._generation, np.zeros(extra, np.int32)])
        for column, codes in self._scalars.items():
            self._scalars[column] = np.concatenate([codes, np.full(extra, -1, np.int32)])

    def _compact(self, column: str) -> None:
        """Drop the entries of earlier generations once they are most of a column's."""
        articles, codes, generations = self._entries[column]
        live = generations == self._generation[articles]
        if live.sum() * 2 < len(live):
            self._entries[column] = (articles[live], codes[live], generations[live])


_copies: OrderedDict[tuple[str, int], FacetValues] = OrderedDict()
_copies_lock = threading.Lock()


def shared_values(path: Path) -> FacetValues:
    """This process's copy of the facet values of the archive at `path` (a file replaced at the same path is
    another archive)."""
    try:
        key = (str(path.resolve()), os.stat(path).st_ino)
    except OSError:
        return FacetValues()
    with _copies_lock:
        copy = _copies.pop(key, None) or FacetValues()
        _copies[key] = copy
        while len(_copies) > KEPT_ARCHIVES:
            _copies.popitem(last=False)
        return copy
