"""The stored-HTML extraction cases: every article page of every local mirror, with its expected JSON.

`python -m tests.regen_expected` rewrites the expected files; review the diff before committing.
"""

from __future__ import annotations

import json
from pathlib import Path

from cchc import MIRRORS_DIR, mirrors
from config import Source, load_sources
from crawler.discovery import UrlRules
from crawler.extraction import decode_html, extract_article

EXPECTED_DIR = Path(__file__).parent / "fixtures" / "expected"


def mirrored_sources() -> list[Source]:
    return [s for s in load_sources().sources if (MIRRORS_DIR / s.id).is_dir()]


def article_pages(source: Source) -> list[tuple[str, Path]]:
    """(real URL, file) of each article page in the source's bundled mirror."""
    return mirrors.article_pages(MIRRORS_DIR, source)


def extracted_record(source: Source, url: str, path: Path) -> dict[str, object]:
    """What the expected JSON holds: every field, the whole body text included (Fundus-style)."""
    page = extract_article(decode_html(path.read_bytes()), url, source.cms, UrlRules.of(source).article)
    return page.to_json()


def expected_path(source: Source, page: Path) -> Path:
    relative = page.relative_to(MIRRORS_DIR / source.id).as_posix().replace("/", "__")
    return EXPECTED_DIR / source.id / (relative.removesuffix(".html") + ".json")


def load_expected(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))
