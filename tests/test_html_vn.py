"""The generic path on real Vietnamese news pages, against hand-read expectations.

The pages are read from ../shared/data/html-vn at run time (never copied here); without them, skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extraction import decode_html, extract_article
from tests.html_vn import FIELDS, PAGES_DIR, Reading, check, load_checks, page_paths

PAGES = page_paths()
pytestmark = pytest.mark.skipif(not PAGES, reason=f"{PAGES_DIR} is not beside the project")
# Share of all hand-read checks the generic path must pass; titles and dates must all pass.
MIN_SHARE = 0.85


def _results(path: Path) -> dict[str, bool]:
    page = extract_article(decode_html(path.read_bytes()), f"https://example.vn/{path.stem}-123456.html")
    assert page.rule == "generic"
    return check(Reading(page.title, page.published_at, page.lead, page.author, page.text), load_checks()[path.name])


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_title_and_publication_time(path: Path) -> None:
    results = _results(path)
    assert results["title"] and results["date"] and results["time"], results


def test_share_of_all_checks() -> None:
    passed = [ok for path in PAGES for ok in _results(path).values()]
    assert len(passed) == len(FIELDS) * len(PAGES)
    assert sum(passed) / len(passed) >= MIN_SHARE


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_no_byline_or_caption_left_in_the_text(path: Path) -> None:
    page = extract_article(decode_html(path.read_bytes()), f"https://example.vn/{path.stem}-123456.html")
    last = page.text.rsplit("\n\n", 1)[-1]
    assert page.author and page.author not in last
    assert not page.text.startswith(page.title)
