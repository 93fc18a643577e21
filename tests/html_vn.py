"""Hand-read checks on the real Vietnamese pages of ../shared/data/html-vn (read from there, never copied).

`tests/fixtures/html_vn_checks.yaml` holds, per page, short snippets for title, date, time, lead, author and
the body's first and last words. Used by tests/test_html_vn.py and `python -m bench.bench_extraction`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from cchc import PROJECT_DIR

CHECKS_FILE = Path(__file__).parent / "fixtures" / "html_vn_checks.yaml"
PAGES_DIR = PROJECT_DIR.parent / "shared" / "data" / "html-vn"
FIELDS = ("title", "date", "time", "lead_start", "author", "body_start", "body_end")


@dataclass(frozen=True)
class Reading:
    """What one extractor read from a page, in the form the checks compare."""

    title: str
    published_at: datetime | None
    lead: str
    author: str | None
    text: str


def _norm(text: str | None) -> str:
    text = unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


def load_checks() -> dict[str, dict[str, str]]:
    """The expectations, page file name → field → snippet."""
    return yaml.safe_load(CHECKS_FILE.read_text(encoding="utf-8"))


def page_paths() -> list[Path]:
    """The real pages that have checks and are present beside the project."""
    return [PAGES_DIR / name for name in load_checks() if (PAGES_DIR / name).is_file()]


def check(reading: Reading, expected: dict[str, str]) -> dict[str, bool]:
    """Field → whether the reading passes the hand-read expectation."""
    when = reading.published_at
    body = _norm(reading.text)
    return {
        "title": _norm(reading.title) == _norm(expected["title"]),
        "date": when is not None and when.strftime("%Y-%m-%d") == expected["date"],
        "time": when is not None and when.utcoffset() is not None
        and when.utcoffset().total_seconds() == 7 * 3600 and when.strftime("%H:%M") == expected["time"],
        "lead_start": _norm(reading.lead).lstrip("-–• ").startswith(_norm(expected["lead_start"])),
        "author": _norm(expected["author"]) in _norm(reading.author) and len(reading.author or "") <= 60,
        "body_start": body.startswith(_norm(expected["body_start"])),
        "body_end": body.endswith(_norm(expected["body_end"])),
    }  # fmt: skip
