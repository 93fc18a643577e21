"""What changed between an article's versions, for the article page: paragraphs and words struck or added."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from markupsafe import Markup, escape

from search import Article

CONTEXT_CHARS = 80  # of an unchanged paragraph shown around a change


@dataclass(frozen=True)
class Revision:
    """One earlier version of a page and how the next version (a later revision, or the current text) differs."""

    number: int  # 1 is the oldest
    fetched_at: datetime | None
    title: str
    title_changed: bool
    diff: Markup
    has_page: bool  # its fetched page is kept as WARC


def _words(old: str, new: str) -> Markup:
    """The two paragraphs as one, removed words in <del>, added ones in <ins>."""
    a, b = old.split(), new.split()
    parts: list[Markup] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(Markup("<del>%s</del>") % " ".join(a[i1:i2]))
        if j2 > j1:
            parts.append(Markup("<ins>%s</ins>") % " ".join(b[j1:j2]))
    return Markup(" ").join(parts)


def _clip(paragraph: str) -> str:
    if len(paragraph) <= 2 * CONTEXT_CHARS:
        return paragraph
    return f"{paragraph[:CONTEXT_CHARS]} … {paragraph[-CONTEXT_CHARS:]}"


def text_diff(old: str, new: str) -> Markup:
    """Paragraph by paragraph: changed ones with their words marked, unchanged neighbours of a change clipped."""
    a = [p for p in old.split("\n") if p.strip()]
    b = [p for p in new.split("\n") if p.strip()]
    shown: list[Markup] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            shown.append(Markup('<p class="same">%s</p>') % _clip(" ".join(a[i1:i2])))
        elif op == "replace" and i2 - i1 == j2 - j1:
            shown.extend(Markup("<p>%s</p>") % _words(x, y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True))
        else:
            shown.extend(Markup("<p><del>%s</del></p>") % p for p in a[i1:i2])
            shown.extend(Markup("<p><ins>%s</ins></p>") % p for p in b[j1:j2])
    return Markup("\n").join(shown)


def _version_text(version: Mapping[str, Any]) -> str:
    return "\n".join(p for p in (version.get("lead") or "", version.get("text") or "") if p)


def revisions(article: Article) -> list[Revision]:
    """The article's earlier versions, newest first, each compared with the version that followed it."""
    versions: Sequence[Mapping[str, Any]] = [*article.revisions, {"title": article.title, "lead": article.lead,
                                                                   "text": article.text}]  # fmt: skip
    found = []
    for number, (old, new) in enumerate(zip(versions, versions[1:], strict=False), start=1):
        fetched = old.get("fetched_at")
        found.append(
            Revision(
                number=number,
                fetched_at=datetime.fromisoformat(fetched) if fetched else None,
                title=old.get("title") or "",
                title_changed=old.get("title") != new.get("title"),
                diff=text_diff(_version_text(old), _version_text(new)),
                has_page=bool(old.get("warc")),
            )
        )
    return found[::-1]
