"""Features: TF-IDF over syllables and their bigrams, character n-grams, and counts of the plan's phrases."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from classifier.text import normalize
from classifier.tokens import tokenize, with_bigrams

logger = logging.getLogger(__name__)


def words_and_bigrams(doc: str) -> list[str]:
    """Syllable unigrams and bigrams of a normalized document (a module function, so models pickle)."""
    return with_bigrams(tokenize(doc))


LEAD_CHARS = 400


class PhraseCounts(BaseEstimator, TransformerMixin):
    """How often each group of the plan's phrases occurs in a document, and whether its opening names one.

    Dense, few and independent of any newspaper's style: what transfers from one corpus to another is the plan's
    vocabulary ("cơ chế một cửa", "tinh giản biên chế"), not the words around it.
    """

    def __init__(self, groups: Sequence[tuple[str, Sequence[str]]] = ()) -> None:
        self.groups = groups

    def fit(self, docs: Sequence[str], y: object = None) -> PhraseCounts:
        self.patterns_ = [
            re.compile("|".join(sorted({re.escape(normalize(p).lower()) for p in phrases}, key=len, reverse=True)))
            for _, phrases in self.groups
        ]  # fmt: skip
        return self

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        rows = []
        for doc in docs:
            lowered = doc.lower()
            counts = [len(p.findall(lowered)) for p in self.patterns_]
            opening = [float(bool(p.search(lowered, 0, LEAD_CHARS))) for p in self.patterns_]
            rows.append([np.log1p(c) for c in counts] + opening)
        return sp.csr_matrix(np.asarray(rows, dtype=np.float32).reshape(len(docs), 2 * len(self.patterns_)))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        names = [g for g, _ in self.groups]
        return np.asarray([f"count:{n}" for n in names] + [f"opening:{n}" for n in names], dtype=object)


def build_features(
    max_words: int = 40_000,
    max_chars: int = 40_000,
    min_df: int = 2,
    phrases: Sequence[tuple[str, Sequence[str]]] = (),
) -> FeatureUnion:
    """Syllable uni/bigrams plus char 2–5-grams within word boundaries, both sublinear TF-IDF; the plan's phrases."""
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
            ("phrases", PhraseCounts(phrases)),
        ]
    )  # fmt: skip
