"""Word tokenization: the only place that calls underthesea's word_tokenize, so it can be swapped or cached."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from classifier.text import regex_tokens

logger = logging.getLogger(__name__)

_WORDLIKE = re.compile(r"\w", re.UNICODE)
_DIGITS = re.compile(r"\d+")
CACHE_SIZE = 50_000


def _segment(line: str) -> list[str]:
    """underthesea's word_tokenize(line): its CRF tags the line's tokens (normalized through the shared cache)."""
    from underthesea.pipeline import word_tokenize as segmenter  # imported on first use: slow to import

    if segmenter.word_tokenize_model is None:
        segmenter.word_tokenize("khởi động")  # underthesea loads its CRF model on its first call
    tokens = regex_tokens(line)
    if not tokens:
        return []
    words: list[str] = []
    for tag, token in zip(segmenter.word_tokenize_model.predict([[token] for token in tokens]), tokens, strict=True):
        if tag == "I-W" and words:
            words[-1] = f"{words[-1]} {token}"
        else:
            words.append(token)
    return words


@lru_cache(maxsize=CACHE_SIZE)
def _tokens_of_line(line: str) -> tuple[str, ...]:
    words = []
    for word in _segment(line):
        if _WORDLIKE.search(word):
            words.append(_DIGITS.sub("0", word.lower()).replace(" ", "_"))
    return tuple(words)


_documents: dict[str, list[str]] | None = None


@contextmanager
def memoized() -> Iterator[None]:
    """Within the block, each whole document is segmented once (training fits the same texts many times)."""
    global _documents
    outer = _documents
    _documents = {} if outer is None else outer
    try:
        yield
    finally:
        _documents = outer


def tokenize(text: str) -> list[str]:
    """Lowercased words, syllables of one word joined by "_" ("hành_chính"), digits as 0, no punctuation.

    Cached per line (bounded), and per document inside `memoized()`.
    """
    if _documents is not None and (known := _documents.get(text)) is not None:
        return known
    words: list[str] = []
    for line in text.splitlines():
        if line.strip():
            words.extend(_tokens_of_line(line))
    if _documents is not None:
        _documents[text] = words
    return words
