"""The SQLite schema, as numbered migrations; PRAGMA user_version holds the applied number."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from search.article import word_count

logger = logging.getLogger(__name__)


def _count_words(conn: sqlite3.Connection) -> None:
    """Fill `words` of the articles stored before it existed (Python: SQL cannot tell a word from a dash)."""
    rows = conn.execute("SELECT rowid, title, lead, text FROM articles WHERE words IS NULL").fetchall()
    conn.executemany("UPDATE articles SET words = ? WHERE rowid = ?", [(word_count(*r[1:]), r[0]) for r in rows])


# Each entry migrates from version N-1 to N; never edit a released one, append a new one. A step is SQL, or a
# function of the connection for data SQL cannot compute.
MIGRATIONS: tuple[tuple[str | Callable[[sqlite3.Connection], None], ...], ...] = (
    (
        """CREATE TABLE articles (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL,
            source TEXT NOT NULL,
            channel TEXT NOT NULL,
            unit TEXT,
            title TEXT NOT NULL,
            lead TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            author TEXT,
            section TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            media TEXT NOT NULL DEFAULT 'text',
            language TEXT NOT NULL DEFAULT 'vi',
            published_at TEXT,
            published_ts INTEGER,
            published_month TEXT,
            fetched_at TEXT,
            content_hash TEXT NOT NULL,
            duplicate_of TEXT,
            relevant INTEGER,
            relevance REAL,
            areas TEXT NOT NULL DEFAULT '[]',
            topics TEXT NOT NULL DEFAULT '[]',
            scores TEXT NOT NULL DEFAULT '{}',
            label_source TEXT,
            model_version TEXT,
            places TEXT NOT NULL DEFAULT '[]',
            stance TEXT
        )""",
        "CREATE INDEX articles_source_ts ON articles(source, published_ts)",
        "CREATE INDEX articles_channel_ts ON articles(channel, published_ts)",
        "CREATE INDEX articles_ts ON articles(published_ts)",
        "CREATE INDEX articles_month ON articles(published_month)",
        # Original columns rank exact-accent matches; the *_f columns hold the folded text every query matches.
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, lead, text, title_f, lead_f, text_f,
            tokenize = 'unicode61 remove_diacritics 0'
        )""",
        """CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            status TEXT NOT NULL,
            stats TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX crawl_runs_source ON crawl_runs(source, started_at)",
    ),
    (
        # Who corrected an article's labels, and when (web app, label_source = human).
        "ALTER TABLE articles ADD COLUMN labeled_by TEXT",
        "ALTER TABLE articles ADD COLUMN labeled_at TEXT",
        "CREATE INDEX articles_duplicate_of ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL",
    ),
    (
        # Rebuild with the long text columns last: SQLite reads a row's columns through its overflow pages in
        # order, so facets, counts and filters over labels no longer wade through every article's text.
        """CREATE TABLE articles_v3 (
            rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, channel TEXT NOT NULL,
            unit TEXT, section TEXT, published_ts INTEGER, published_month TEXT, relevant INTEGER, relevance REAL,
            duplicate_of TEXT, areas TEXT NOT NULL DEFAULT '[]', topics TEXT NOT NULL DEFAULT '[]',
            places TEXT NOT NULL DEFAULT '[]', label_source TEXT, model_version TEXT, labeled_by TEXT, labeled_at TEXT,
            content_hash TEXT NOT NULL, media TEXT NOT NULL DEFAULT 'text', language TEXT NOT NULL DEFAULT 'vi',
            published_at TEXT, fetched_at TEXT, stance TEXT, scores TEXT NOT NULL DEFAULT '{}',
            tags TEXT NOT NULL DEFAULT '[]', author TEXT, url TEXT NOT NULL, canonical_url TEXT NOT NULL,
            simhash TEXT, title TEXT NOT NULL, lead TEXT NOT NULL DEFAULT '', text TEXT NOT NULL
        )""",
        """INSERT INTO articles_v3 (rowid, id, source, channel, unit, section, published_ts, published_month, relevant,
            relevance, duplicate_of, areas, topics, places, label_source, model_version, labeled_by, labeled_at,
            content_hash, media, language, published_at, fetched_at, stance, scores, tags, author, url, canonical_url,
            title, lead, text)
           SELECT rowid, id, source, channel, unit, section, published_ts, published_month, relevant, relevance,
            duplicate_of, areas, topics, places, label_source, model_version, labeled_by, labeled_at, content_hash,
            media, language, published_at, fetched_at, stance, scores, tags, author, url, canonical_url, title, lead,
            text FROM articles""",
        "DROP TABLE articles",
        "ALTER TABLE articles_v3 RENAME TO articles",
        "CREATE INDEX articles_source_ts ON articles(source, published_ts)",
        "CREATE INDEX articles_channel_ts ON articles(channel, published_ts)",
        "CREATE INDEX articles_ts ON articles(published_ts)",
        "CREATE INDEX articles_month ON articles(published_month)",
        "CREATE INDEX articles_relevant_ts ON articles(relevant, published_ts)",
        "CREATE INDEX articles_duplicate_of ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL",
        "CREATE INDEX articles_source_section ON articles(source, section)",
        # Near-duplicate candidates: every article's simhash bands (search/neardup.py).
        "CREATE TABLE simhash_bands (band TEXT NOT NULL, article INTEGER NOT NULL)",
        "CREATE INDEX simhash_bands_band ON simhash_bands(band)",
        "CREATE INDEX simhash_bands_article ON simhash_bands(article)",
        # Narrow and covering for facets: counting the matches of a broad query reads this, not the articles.
        """CREATE INDEX articles_facets ON articles(rowid, duplicate_of, relevant, published_ts, source, channel,
            unit, section, areas, topics, places)""",
    ),
    (
        # The terms behind each label, computed at classification (the article page only reads them).
        "ALTER TABLE articles ADD COLUMN explanations TEXT NOT NULL DEFAULT '{}'",
        # Every label correction people make: who, when, the labels before and after.
        """CREATE TABLE label_history (
            id INTEGER PRIMARY KEY, article_id TEXT NOT NULL, user TEXT NOT NULL, at TEXT NOT NULL,
            action TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL
        )""",
        "CREATE INDEX label_history_article ON label_history(article_id, id)",
        # Two people disagreed on an article's labels: kept out of training until someone resolves it.
        """CREATE TABLE label_conflicts (
            article_id TEXT PRIMARY KEY, opened_at TEXT NOT NULL, opened_by TEXT NOT NULL,
            resolved_at TEXT, resolved_by TEXT
        )""",
    ),
    (
        # Facets and filters by stance read the covering index too.
        "DROP INDEX articles_facets",
        """CREATE INDEX articles_facets ON articles(rowid, duplicate_of, relevant, published_ts, source, channel,
            unit, section, areas, topics, places, stance)""",
        # The label queue walks outwards from the relevance threshold.
        "CREATE INDEX articles_relevance ON articles(relevance)",
    ),
    (
        # Where each fetched page is kept as WARC ("file#offset"), a changed page's earlier versions (JSON).
        "ALTER TABLE articles ADD COLUMN warc TEXT",
        "ALTER TABLE articles ADD COLUMN revisions TEXT NOT NULL DEFAULT '[]'",
        # When a recheck found the page gone (404/410); the article is kept.
        "ALTER TABLE articles ADD COLUMN removed_at TEXT",
    ),
    (
        # Facts about how derived data was built; the store rebuilds what a newer program builds differently.
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # The near-duplicate layout the existing bands were built with (search/neardup.py LAYOUT at this step).
        "INSERT INTO meta (key, value) VALUES ('neardup_layout',"
        " 'simhash64-blake2b shingle=3 min_words=40 min_line_words=8 bands=5x13')",
        # A band's latest articles come straight from the index (MAX_CANDIDATES_PER_BAND).
        "DROP INDEX simhash_bands_band",
        "CREATE INDEX simhash_bands_band ON simhash_bands(band, article)",
    ),
    (
        # Print space and airtime, which the plan counts besides articles: the words of the title, lead and text,
        # and the seconds a video or audio report plays (NULL when its page does not say).
        "ALTER TABLE articles ADD COLUMN words INTEGER",
        "ALTER TABLE articles ADD COLUMN duration_s INTEGER",
        _count_words,
    ),
    (
        # Coverage counts (count_by, sum_by) read this narrow index by range instead of the articles: CCHC
        # articles of a period first, then every column they group, filter or add up.
        """CREATE INDEX articles_counts ON articles(relevant, published_ts, duplicate_of, source, channel, unit,
            section, published_month, stance, areas, words, duration_s)""",
    ),
    (
        # An original stored again after an edit was marked a reprint of itself when its own reprints were among
        # its near-duplicates (fixed in neardup.judge): it is the story's original again, and counts.
        "UPDATE articles SET duplicate_of = NULL WHERE duplicate_of = id",
    ),
    (
        # Which articles' facet values changed, in order: each process's copy of the values (search/facet_values.py)
        # reads again only those. The store logs each article it inserts and prunes the log after each batch
        # (SQLiteStore.upsert_batch: as triggers, both made an insert cost several times more); this trigger logs
        # every change of a facet column. A deleted article needs no entry: it matches nothing, and an insert
        # that takes its rowid again is logged.
        "CREATE TABLE facet_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, article INTEGER NOT NULL)",
        "CREATE TRIGGER facet_log_update AFTER UPDATE OF channel, source, unit, stance, areas, topics, places"
        " ON articles BEGIN INSERT INTO facet_log (article) VALUES (new.rowid); END",
    ),
    (
        # A full-text search reads each match's reprint link and date (filters, ranking) from this narrow index,
        # unless it filters by what only the facet index holds.
        "CREATE INDEX articles_ranking ON articles(rowid, duplicate_of, published_ts)",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


def backup(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of the open database in `target` (SQLite's online backup: writers may go on meanwhile);
    written beside it first and renamed, so `target` is never a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    partial.replace(target)
    return target


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> int:
    """Bring the database to SCHEMA_VERSION, one transaction per step; return the version found. An archive that
    holds data (`path`, version above 0) is first copied to `<name>.schema-v<found>.bak` beside it."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"schema version {found} is newer than this program's {SCHEMA_VERSION}: upgrade cchc"
        )
    if path is not None and 0 < found < SCHEMA_VERSION:
        copy = backup(conn, path.with_name(f"{path.name}.schema-v{found}.bak"))
        logger.warning("kho lưu trữ được nâng cấp từ lược đồ %d lên %d; bản trước khi nâng cấp giữ ở %s", found,
                       SCHEMA_VERSION, copy)  # fmt: skip
    for version in range(found + 1, SCHEMA_VERSION + 1):
        logger.info("migrating store schema to version %d", version)
        with conn:
            for statement in MIGRATIONS[version - 1]:
                if callable(statement):
                    statement(conn)
                else:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
    return found
