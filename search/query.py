"""Turn what a user types into a safe FTS5 expression.

Supported: words (all must match), "quoted phrases", `-word` or `NOT word` to exclude,
`a OR b`, and `word*` for a prefix. Everything else (parentheses, NEAR, stray
quotes, punctuation) is read as plain words, so no input can break the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.folding import fold, nfc

_TOKEN = re.compile(r'"[^"]*"?|\S+')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    prefix: bool = False

    def render(self, folded: bool) -> str:
        words = [fold(w) if folded else w for w in self.words]
        return '"' + " ".join(words) + '"' + ("*" if self.prefix else "")


@dataclass(frozen=True)
class ParsedQuery:
    """AND of OR-groups, minus excluded terms."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(w for group in self.groups for term in group for w in term.words)

    @property
    def has_diacritics(self) -> bool:
        return any(fold(w) != w for w in self.words)

    def to_fts(self, folded: bool) -> str:
        """The FTS5 expression; callers add the column filter."""
        parts = []
        for group in self.groups:
            rendered = [t.render(folded) for t in group]
            parts.append(rendered[0] if len(rendered) == 1 else "(" + " OR ".join(rendered) + ")")
        expr = " AND ".join(parts)
        for term in self.excluded:
            expr = f"({expr}) NOT {term.render(folded)}"
        return expr


def parse_query(text: str) -> ParsedQuery:
    """Parse a user's query; never raises."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    negate_next = join_next = False
    for token in _TOKEN.findall(nfc(text)):
        if token in ("OR", "|"):
            join_next = bool(groups)
            continue
        if token in ("AND", "&"):
            continue
        if token == "NOT":
            negate_next = True
            continue
        negate = negate_next or (token.startswith("-") and len(token) > 1)
        negate_next = False
        phrase = token.startswith('"')
        prefix = not phrase and token.endswith("*")
        words = tuple(_WORD.findall(token))
        if not words:
            continue
        term = Term(words, prefix=prefix)
        if negate:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))
