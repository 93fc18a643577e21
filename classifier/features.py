"""Features: TF-IDF over syllables and their bigrams (of the whole text, and of its opening), counts of the
plan's phrases, and the text's latent concepts."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from classifier.text import normalize_phrase
from classifier.tokens import tokenize, with_bigrams

logger = logging.getLogger(__name__)

# Documents whose tokens are kept: the words and the concepts blocks tokenize each document of a batch in turn
# (a pipeline batch, CCHC_BATCH_SIZE, is 64 by default).
TOKENS_CACHE_SIZE = 256


@lru_cache(maxsize=TOKENS_CACHE_SIZE)
def words_and_bigrams(doc: str) -> tuple[str, ...]:
    """Syllable unigrams and bigrams of a normalized document (a module function, so models pickle). Two feature
    blocks read them, one after the other, so the last documents' are kept."""
    return tuple(with_bigrams(tokenize(doc)))


# The opening the "opening" features read: a title and the start of its lead.
OPENING_CHARS = 300


def opening_words(doc: str) -> list[str]:
    """Syllable unigrams and bigrams of a normalized document's opening."""
    return with_bigrams(tokenize(doc[:OPENING_CHARS]))


# The opening within which the plan's phrases are also counted apart.
LEAD_CHARS = 400


def _branches(trie: dict[str, dict]) -> str:
    """The regex of a character trie: one branch per next character, and stopping (a phrase ends here) tried last."""
    branches = [re.escape(char) + _branches(child) for char, child in sorted(trie.items()) if char]
    if not branches:
        return ""
    body = "|".join(branches)
    if "" in trie:
        return f"(?:{body})?"
    return body if len(branches) == 1 else f"(?:{body})"


def phrase_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex of `phrases` that matches, at each position, the longest phrase starting there (as their
    alternation sorted longest first does), in 60 % of the alternation's time: it follows one branch per character
    of the phrases' character trie instead of trying every phrase. Never matches an empty string."""
    trie: dict[str, dict] = {}
    for phrase in phrases:
        if phrase:
            node = trie
            for char in phrase:
                node = node.setdefault(char, {})
            node[""] = {}
    return re.compile(_branches(trie) or "(?!)")


class PhraseCounts(BaseEstimator, TransformerMixin):
    """How often each group of the plan's phrases occurs in a document, and whether its opening names one.

    Dense, few and independent of any newspaper's style: what transfers from one corpus to another is the plan's
    vocabulary ("cơ chế một cửa", "tinh giản biên chế"), not the words around it.
    """

    def __init__(self, groups: Sequence[tuple[str, Sequence[str]]] = ()) -> None:
        self.groups = groups

    def fit(self, docs: Sequence[str], y: object = None) -> PhraseCounts:
        self.patterns_ = [phrase_regex(normalize_phrase(p).lower() for p in phrases) for _, phrases in self.groups]
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


class Concepts(BaseEstimator, TransformerMixin):
    """Latent semantic analysis: the whole text's TF-IDF (the `max_features` most frequent uni/bigrams) projected on
    the `components` strongest directions of the training texts (truncated SVD), rows scaled to unit length.

    Words that occur in the same articles fall on the same directions, so two articles on one subject in different
    wording (another newspaper, another era) are near each other even when they share few words: what transfers to a
    corpus the model never saw. The directions are stored as int8 with a scale per direction, a quarter of their
    float32 size (on the written texts a projected row moves by under 0.5 % of its length)."""

    def __init__(self, components: int = 150, max_features: int = 20_000, min_df: int = 3) -> None:
        self.components = components
        self.max_features = max_features
        self.min_df = min_df

    def fit(self, docs: Sequence[str], y: object = None) -> Concepts:
        self.vectorizer_ = TfidfVectorizer(
            analyzer=words_and_bigrams, sublinear_tf=True, min_df=self.min_df, max_features=self.max_features,
            dtype=np.float32,
        )  # fmt: skip
        X = self.vectorizer_.fit_transform(docs)
        # TruncatedSVD needs fewer components than the matrix has rows and columns (a tiny training set).
        k = min(self.components, X.shape[0] - 1, X.shape[1] - 1)
        directions = TruncatedSVD(k, random_state=47).fit(X).components_ if k >= 1 else np.zeros((0, X.shape[1]))
        largest = np.abs(directions).max(axis=1, keepdims=True)
        self.scales_ = (np.where(largest > 0, largest, 1.0) / 127).astype(np.float32)
        self.directions_ = np.round(directions / self.scales_).astype(np.int8)
        self._columns = None
        return self

    def _projection(self) -> np.ndarray:
        """The directions as float32 columns, rebuilt once per loaded model rather than per batch."""
        if getattr(self, "_columns", None) is None:
            self._columns = (self.directions_.astype(np.float32) * self.scales_).T
        return self._columns

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_columns", None)  # four times the stored directions' size: derived again after loading
        return state

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        projected = np.asarray(self.vectorizer_.transform(docs) @ self._projection())
        lengths = np.linalg.norm(projected, axis=1, keepdims=True)
        return sp.csr_matrix(projected / np.where(lengths > 0, lengths, 1.0), dtype=np.float32)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray([f"concept:{i}" for i in range(self.directions_.shape[0])], dtype=object)


def build_features(
    max_words: int = 40_000,
    max_opening: int = 20_000,
    min_df: int = 2,
    phrases: Sequence[tuple[str, Sequence[str]]] = (),
    concepts: int = 150,
) -> FeatureUnion:
    """Syllable uni/bigrams of the whole text and, apart, of its opening, both sublinear TF-IDF; the plan's phrases;
    `concepts` latent concepts of the whole text (none when 0).

    Measured leave-one-corpus-out on the real labeled articles (bench_classifier): the opening block raised area
    macro-F1 by 0.02-0.08 per corpus (the headline and lead choose what an article is about, LABELING.md); the
    character 2-5-grams this replaced moved relevance F1 by at most 0.013 either way and cost over half of
    classification time."""
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
                "opening",
                TfidfVectorizer(
                    analyzer=opening_words, sublinear_tf=True, min_df=min_df, max_features=max_opening,
                    dtype=np.float32,
                ),
            ),
            ("phrases", PhraseCounts(phrases)),
            ("concepts", Concepts(concepts)),
        ]
    )  # fmt: skip
