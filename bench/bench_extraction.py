"""Passed hand-read checks per field on the real pages of ../shared/data/html-vn: ours vs bare trafilatura.

`python -m bench.bench_extraction [-v]`. Prints figures only; tests/test_html_vn.py holds the bar.
"""

from __future__ import annotations

import argparse
import sys

import trafilatura

from crawler.dates import parse_date
from crawler.extraction import decode_html, extract_article
from tests.html_vn import FIELDS, PAGES_DIR, Reading, check, load_checks, page_paths


def read_ours(html: str, url: str) -> Reading:
    page = extract_article(html, url)
    return Reading(page.title, page.published_at, page.lead, page.author, page.text)


def read_trafilatura(html: str, url: str) -> Reading:
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, include_images=False)  # fmt: skip
    if doc is None:
        return Reading("", None, "", None, "")
    return Reading(doc.title or "", parse_date(doc.date), doc.description or "", doc.author, doc.text or "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list each failed check")
    args = parser.parse_args(argv)
    checks = load_checks()
    paths = page_paths()
    if not paths:
        print(f"no pages: {PAGES_DIR} is not beside the project")
        return 2
    readers = {"ours": read_ours, "trafilatura": read_trafilatura}
    passed = {name: dict.fromkeys(FIELDS, 0) for name in readers}
    for path in paths:
        html = decode_html(path.read_bytes())
        url = f"https://example.vn/{path.stem}-123456.html"  # an unknown host: the generic path
        for name, read in readers.items():
            reading = read(html, url)
            for field, ok in check(reading, checks[path.name]).items():
                passed[name][field] += ok
                if args.verbose and not ok and name == "ours":
                    print(f"  fail {path.name} {field}: expected {checks[path.name][field]!r}, got "
                          f"{_shown(reading, field)!r}")  # fmt: skip
    total = len(paths)
    print(f"{len(paths)} pages, {len(FIELDS) * total} checks")
    print(f"{'field':<12}{'ours':>8}{'trafilatura':>14}")
    for field in FIELDS:
        print(f"{field:<12}{passed['ours'][field]:>5}/{total:<2}{passed['trafilatura'][field]:>11}/{total:<2}")
    sums = {name: sum(counts.values()) for name, counts in passed.items()}
    all_checks = len(FIELDS) * total
    print(f"{'all':<12}{sums['ours']:>4}/{all_checks}{sums['trafilatura']:>10}/{all_checks}"
          f"   ours {sums['ours'] / all_checks:.2f}, trafilatura {sums['trafilatura'] / all_checks:.2f}")  # fmt: skip
    return 0


def _shown(reading: Reading, field: str) -> str:
    if field in ("date", "time"):
        return reading.published_at.isoformat() if reading.published_at else "None"
    if field == "body_end":
        return reading.text[-80:]
    value = {"title": reading.title, "lead_start": reading.lead, "author": reading.author,
             "body_start": reading.text}[field]  # fmt: skip
    return (value or "")[:80]


if __name__ == "__main__":
    sys.exit(main())
