"""Turn what a user types into a safe FTS5 expression.

Supported: words (all must match), "quoted phrases", `-word` or `NOT word` to exclude,
`a OR b`, and `word*` for a prefix. Everything else (parentheses, NEAR, stray
quotes, punctuation) is read as plain words, so no input can break the query.
Synonyms (the plan's acronyms: CCHC = cải cách hành chính) match either way: a word, a quoted phrase or a run
of typed words that spells one form also finds the others.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from search.folding import fold, nfc

_TOKEN = re.compile(r'"[^"]*"?|\S+')
_WORD = re.compile(r"[^\W_]+")


Synonyms = tuple[tuple[str, ...], ...]  # each: forms that mean the same ("CCHC", "cải cách hành chính")


@dataclass(frozen=True)
class Term:
    """Words that must match: as a phrase, or (`phrase=False`, words typed one by one) each anywhere."""

    words: tuple[str, ...]
    prefix: bool = False
    phrase: bool = True

    def render(self, folded: bool) -> str:
        words = [fold(w) if folded else w for w in self.words]
        if not self.phrase and len(words) > 1:
            return "(" + " AND ".join(f'"{w}"' for w in words) + ")"
        return '"' + " ".join(words) + '"' + ("*" if self.prefix else "")


def _key(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(w).lower() for w in words)


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

    def adjacent(self) -> ParsedQuery | None:
        """The same query with the words typed one by one read as phrases (runs of plain words side by side, and
        the words of an expanded acronym); None when it has no such words (nothing to rank by adjacency)."""
        groups: list[tuple[Term, ...]] = []
        run: list[str] = []

        def close_run() -> None:
            if run:
                groups.append((Term(tuple(run)),))
                run.clear()

        for group in self.groups:
            if len(group) == 1 and group[0].phrase and not group[0].prefix:
                run.extend(group[0].words)
                continue
            close_run()
            groups.append(tuple(dataclasses.replace(t, phrase=True) for t in group))
        close_run()
        adjacent = ParsedQuery(tuple(groups), self.excluded)
        return None if adjacent.to_fts(folded=False) == self.to_fts(folded=False) else adjacent

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


def _expand(groups: list[list[Term]], synonyms: Synonyms) -> list[list[Term]]:
    """Each term that spells a synonym's form gets the other forms as alternatives (OR); so does a run of
    single typed words spelling a multi-word form (its words still match anywhere, not only side by side)."""
    forms: dict[tuple[str, ...], list[Term]] = {}
    for names in synonyms:
        terms = [Term(words) for n in names if (words := tuple(_WORD.findall(nfc(n))))]
        for term in terms:
            forms[_key(term.words)] = terms
    longest = max((len(k) for k in forms), default=0)
    expanded: list[list[Term]] = []
    i = 0
    while i < len(groups):
        for n in range(min(longest, len(groups) - i), 1, -1):
            run = groups[i : i + n]
            if all(len(g) == 1 and len(g[0].words) == 1 and not g[0].prefix for g in run):
                words = tuple(g[0].words[0] for g in run)
                if _key(words) in forms:
                    others = [t for t in forms[_key(words)] if _key(t.words) != _key(words)]
                    expanded.append([Term(words, phrase=False), *others])
                    i += n
                    break
        else:
            group = list(groups[i])
            for term in groups[i]:
                if not term.prefix:
                    group += [
                        t for t in forms.get(_key(term.words), ()) if all(_key(t.words) != _key(g.words) for g in group)
                    ]
            expanded.append(group)
            i += 1
    return expanded


def parse_query(text: str, synonyms: Synonyms = ()) -> ParsedQuery:
    """Parse a user's query, expanding `synonyms`; never raises."""
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
    if synonyms:
        groups = _expand(groups, synonyms)
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))
