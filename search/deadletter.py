"""Articles a store could not take, kept as JSON Lines until `cchc store replay` writes them again."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from config import get_settings
from search.article import VN_TZ, Article

logger = logging.getLogger(__name__)


class DeadLetter:
    """A folder of `<timestamp>.jsonl` files; each line: reason, when, target store, the article."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or get_settings().dead_letters

    def append(self, articles: Iterable[Article], store_url: str, reason: str) -> int:
        lines = [
            json.dumps(
                {"reason": reason, "at": datetime.now(VN_TZ).isoformat(), "store": store_url, "article": a.to_dict()},
                ensure_ascii=False,
            )  # fmt: skip
            for a in articles
        ]
        if not lines:
            return 0
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{datetime.now(VN_TZ):%Y%m%d}.jsonl"
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        logger.warning("%d articles deferred to %s: %s", len(lines), path, reason)
        return len(lines)

    def files(self) -> list[Path]:
        """Waiting files, and any a crashed replay had claimed."""
        if not self.folder.is_dir():
            return []
        return sorted([*self.folder.glob("*.jsonl"), *self.folder.glob("*.replaying")])

    def pending(self) -> int:
        return sum(1 for path in self.files() for line in path.open(encoding="utf-8") if line.strip())

    def take(self) -> Iterator[tuple[Path, list[Article]]]:
        """Each file's articles, the file first renamed so a failed replay writes a fresh file instead."""
        for path in self.files():
            claimed = path.with_suffix(".replaying")
            if path != claimed:
                path.replace(claimed)
            articles = [Article.from_dict(json.loads(line)["article"]) for line in claimed.open(encoding="utf-8")
                        if line.strip()]  # fmt: skip
            yield claimed, articles
