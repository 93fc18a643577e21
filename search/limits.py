"""Bounds on the work one input can cause: page sizes, stored text, input lines. Every cap lives here.

A government archive faces pages and files it does not control; each bound keeps one request, one crawl
item or one input line from costing unbounded memory or time. Change a cap here and only here.
"""

from __future__ import annotations

# A fetched article page (crawler DOWNLOAD_MAXSIZE) and a saved page given to `cchc extract`.
MAX_PAGE_BYTES = 5 * 1024 * 1024
# An article's stored body text, in characters; longer bodies are cut at a paragraph boundary when stored.
# The longest real article in ../shared/data is far below this; the article page renders this much in < 1 s.
MAX_TEXT_CHARS = 60_000
# Stored title and lead, in characters.
MAX_TITLE_CHARS = 1_000
MAX_LEAD_CHARS = 5_000
# What a model reads of an article is capped in classifier/text.py (MAX_DOC_CHARS; classifier does not import
# search), below MAX_TEXT_CHARS: the stored text stays whole.
# One JSONL line read by `cchc classify` / `cchc evaluate`, in bytes (the text cap with room for escapes).
MAX_INPUT_LINE_BYTES = 1024 * 1024


def cut_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`text` at most `limit` characters long, cut at the last paragraph (or space) boundary before it."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for boundary in ("\n", " "):
        at = head.rfind(boundary)
        if at > limit // 2:
            return head[:at].rstrip()
    return head
