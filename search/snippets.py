"""Highlights in the original text from matches FTS5 found in the folded text."""

from __future__ import annotations

import html

# Private-use markers: they never occur in stored text, and fold() leaves them alone.
OPEN = "\ue000"
CLOSE = "\ue001"
ELLIPSIS = "…"


def _marked_spans(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Strip the markers; return the plain text and the marked spans in it."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    start = 0
    for char in marked:
        if char == OPEN:
            start = len(plain)
        elif char == CLOSE:
            spans.append((start, len(plain)))
        else:
            plain.append(char)
    return "".join(plain), spans


def _render(original: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(html.escape(original[last:start]))
        out.append("<mark>" + html.escape(original[start:end]) + "</mark>")
        last = end
    out.append(html.escape(original[last:]))
    return "".join(out)


def highlight_full(original: str, marked_folded: str) -> str:
    """HTML of the whole original text with the spans FTS5 marked in its folded copy."""
    plain, spans = _marked_spans(marked_folded)
    if len(plain) != len(original):
        return html.escape(original)
    return _render(original, spans)


def highlight_fragment(original: str, folded: str, marked_fragment: str) -> str:
    """HTML of the fragment FTS5's snippet() chose, re-cut from the original text."""
    body = marked_fragment.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
    plain, spans = _marked_spans(body)
    offset = folded.find(plain)
    if offset < 0 or not plain:
        return ""
    fragment = _render(original[offset : offset + len(plain)], spans)
    before = ELLIPSIS if offset > 0 else ""
    after = ELLIPSIS if offset + len(plain) < len(original) else ""
    return before + fragment + after
