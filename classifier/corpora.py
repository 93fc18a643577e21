"""The real-news corpora of ../shared/data: where each set lives and how its records become articles.

A *set* is what a label line names (`vntc`, `unc`, `uit_vion`, `tc201805` or a vn-provincial-news file stem, as in
reserved-for-evaluation.txt); a *corpus* is the folder it comes from, the unit of leave-one-corpus-out evaluation.
Texts are read at run time and never copied into the repository.
"""

from __future__ import annotations

import json
import logging
import lzma
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Article:
    set: str
    id: str
    title: str
    text: str

    @property
    def key(self) -> str:
        return f"{self.set}:{self.id}"


@dataclass(frozen=True)
class CorpusSet:
    name: str
    corpus: str
    files: tuple[str, ...]
    title_field: str = "title"

    def read(self, shared_data: Path) -> Iterator[Article]:
        for name in self.files:
            path = shared_data / self.corpus / name
            if not path.exists():
                continue
            with lzma.open(path, "rt", encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        yield self._article(json.loads(line))

    def _article(self, record: dict) -> Article:
        title = unicodedata.normalize("NFC", record.get(self.title_field) or "")
        if self.title_field == "title_segmented":
            title = title.replace("_", " ")
        text = unicodedata.normalize("NFC", record.get("text") or "")
        return Article(self.name, str(record["id"]), title, text)


PROVINCIAL = "vn-provincial-news"
SETS: dict[str, CorpusSet] = {
    s.name: s
    for s in (
        CorpusSet("vntc", "vntc10", ("train.jsonl.xz", "test.jsonl.xz")),
        CorpusSet("unc", "unc-dantri", ("unc_dantri.jsonl.xz",)),
        CorpusSet("uit_vion", "uit-vion", ("dev.jsonl.xz", "test.jsonl.xz"), "title_segmented"),
        CorpusSet("tc201805", "tc201805-baomoi", ("tc201805.jsonl.xz",)),
        CorpusSet("trends_provincial_gov", PROVINCIAL, ("trends_provincial_gov.jsonl.xz",)),
        CorpusSet("baomoi_2025", PROVINCIAL, ("baomoi_2025.jsonl.xz",)),
        CorpusSet("xaydungchinhsach_gov", PROVINCIAL, ("xaydungchinhsach_gov.jsonl.xz",)),
        CorpusSet("trends_other", PROVINCIAL, ("trends_other.jsonl.xz",)),
    )
}


def corpus_of(key: str) -> str:
    """The corpus folder of an example id `<set>:<id>`; '' for anything not from ../shared/data."""
    corpus_set = SETS.get(key.split(":", 1)[0])
    return corpus_set.corpus if corpus_set else ""


def articles(shared_data: Path, set_names: set[str] | None = None) -> Iterator[Article]:
    """Every article of the named sets (all sets when None) that is present under `shared_data`."""
    for name, corpus_set in SETS.items():
        if set_names is None or name in set_names:
            yield from corpus_set.read(shared_data)
