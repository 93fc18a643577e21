"""Rewrite the expected extraction JSON of every mirror article page: `python -m tests.regen_expected`."""

from __future__ import annotations

import json

from tests.extraction_cases import (
    EXPECTED_DIR,
    article_pages,
    expected_path,
    extracted_record,
    mirrored_sources,
)


def main() -> None:
    written = 0
    for source in mirrored_sources():
        target_dir = EXPECTED_DIR / source.id
        target_dir.mkdir(parents=True, exist_ok=True)
        keep = set()
        for url, page in article_pages(source):
            target = expected_path(source, page)
            record = extracted_record(source, url, page)
            target.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            keep.add(target)
            written += 1
        for stale in set(target_dir.glob("*.json")) - keep:
            stale.unlink()
    print(f"wrote {written} expected files under {EXPECTED_DIR}")


if __name__ == "__main__":
    main()
