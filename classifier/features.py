"""Features: TF-IDF over words (underthesea segmentation) and character n-grams."""

from __future__ import annotations

import logging

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from classifier.tokens import tokenize

logger = logging.getLogger(__name__)


def with_bigrams(words: list[str]) -> list[str]:
    """Words followed by their bigrams."""
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def words_and_bigrams(doc: str) -> list[str]:
    """Word unigrams and bigrams of a normalized document (a module function, so models pickle)."""
    return with_bigrams(tokenize(doc))


def build_features(max_words: int = 40_000, max_chars: int = 40_000, min_df: int = 2) -> FeatureUnion:
    """Word uni/bigrams plus char 2–5-grams within word boundaries, both sublinear TF-IDF."""
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer=words_and_bigrams, sublinear_tf=True, min_df=min_df, max_features=max_words,
                    dtype=np.float32,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True, min_df=min_df,
                    max_features=max_chars, dtype=np.float32,
                ),
            ),
        ]
    )  # fmt: skip
