"""Tokens the model reads: the syllables of a normalized text, and their n-grams.

`classifier.text.normalize` has already split a text into underthesea's regex tokens (a syllable, a number, a
punctuation mark), so tokenizing is lowercasing and filtering. Word segmentation (underthesea's CRF word_tokenize)
cost 71 % of classification time and, measured leave-one-corpus-out on the real labeled articles, bought nothing
over syllable bigrams: a two-syllable word ("hành chính") is a syllable bigram.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

_WORDLIKE = re.compile(r"\w", re.UNICODE)
_DIGITS = re.compile(r"\d+")


def tokenize(text: str) -> list[str]:
    """Lowercased syllables of a normalized text, digits as 0, no punctuation."""
    return [_DIGITS.sub("0", token) for token in text.lower().split() if _WORDLIKE.search(token)]


def with_bigrams(tokens: list[str]) -> list[str]:
    """Tokens followed by their bigrams ("hành", "chính", "hành chính")."""
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
