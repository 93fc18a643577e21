"""Features: TF-IDF over syllables and their bigrams (of the whole text, and of its opening), and counts of the
plan's phrases."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from classifier.text import normalize_phrase
from classifier.tokens import tokenize, with_bigrams

logger = logging.getLogger(__name__)


def words_and_bigrams(doc: str) -> list[str]:
    """Syllable unigrams and bigrams of a normalized document (a module function, so models pickle)."""
    return with_bigrams(tokenize(doc))


# The opening the "opening" features read: a title and the start of its lead.
OPENING_CHARS = 300


def opening_words(doc: str) -> list[str]:
    """Syllable unigrams and bigrams of a normalized document's opening."""
    return words_and_bigrams(doc[:OPENING_CHARS])


# The opening within which the plan's phrases are also counted apart.
LEAD_CHARS = 400


_ALTERNATIVE = re.compile(r"(?<!\\)\|")
_ESCAPE = re.compile(r"\\(.)")


def _branches(trie: dict[str, dict]) -> str:
    """The regex of a character trie: one branch per next character, and stopping (a phrase ends here) tried last."""
    branches = [re.escape(char) + _branches(child) for char, child in sorted(trie.items()) if char]
    if not branches:
        return ""
    body = "|".join(branches)
    if "" in trie:
        return f"(?:{body})?"
    return body if len(branches) == 1 else f"(?:{body})"


class PhraseCounter:
    """Counts one group's phrases as `fit`'s alternation `pattern` (escaped phrases, longest first) does with
    `findall`, and whether its opening names one as its `search` does, in 60 % of the time: one regex sharing the
    phrases' common beginnings follows one branch per character instead of trying every phrase, and at each
    position matches the longest phrase there, as the alternation does. A pattern not of that form is used as is."""

    def __init__(self, pattern: str) -> None:
        alternatives = _ALTERNATIVE.split(pattern)
        phrases = [_ESCAPE.sub(r"\1", alternative) for alternative in alternatives]
        # Longest first (as escaped, as `fit` sorts): a phrase always comes before the phrases it begins with.
        longest_first = all(len(a) >= len(b) > 0 for a, b in zip(alternatives, [*alternatives[1:], " "], strict=True))
        if "|".join(re.escape(p) for p in phrases) != "|".join(alternatives) or not longest_first:
            self.regex = re.compile(pattern)
            return
        trie: dict[str, dict] = {}
        for phrase in phrases:
            node = trie
            for char in phrase:
                node = node.setdefault(char, {})
            node[""] = {}
        self.regex = re.compile(_branches(trie))

    def count(self, text: str) -> int:
        return len(self.regex.findall(text))

    def opens(self, text: str) -> bool:
        return self.regex.search(text, 0, LEAD_CHARS) is not None


@lru_cache(maxsize=64)
def phrase_counter(pattern: str) -> PhraseCounter:
    """The counter of a fitted pattern, built once per process (not kept in the model file)."""
    return PhraseCounter(pattern)


class PhraseCounts(BaseEstimator, TransformerMixin):
    """How often each group of the plan's phrases occurs in a document, and whether its opening names one.

    Dense, few and independent of any newspaper's style: what transfers from one corpus to another is the plan's
    vocabulary ("cơ chế một cửa", "tinh giản biên chế"), not the words around it.
    """

    def __init__(self, groups: Sequence[tuple[str, Sequence[str]]] = ()) -> None:
        self.groups = groups

    def fit(self, docs: Sequence[str], y: object = None) -> PhraseCounts:
        self.patterns_ = [
            re.compile("|".join(sorted({re.escape(normalize_phrase(p).lower()) for p in phrases} - {""},
                                       key=len, reverse=True)))
            for _, phrases in self.groups
        ]  # fmt: skip
        return self

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        counters = [phrase_counter(p.pattern) for p in self.patterns_]
        rows = []
        for doc in docs:
            lowered = doc.lower()
            counts = [c.count(lowered) for c in counters]
            opening = [float(c.opens(lowered)) for c in counters]
            rows.append([np.log1p(c) for c in counts] + opening)
        return sp.csr_matrix(np.asarray(rows, dtype=np.float32).reshape(len(docs), 2 * len(self.patterns_)))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        names = [g for g, _ in self.groups]
        return np.asarray([f"count:{n}" for n in names] + [f"opening:{n}" for n in names], dtype=object)


def build_features(
    max_words: int = 40_000,
    max_opening: int = 20_000,
    min_df: int = 2,
    phrases: Sequence[tuple[str, Sequence[str]]] = (),
) -> FeatureUnion:
    """Syllable uni/bigrams of the whole text and, apart, of its opening, both sublinear TF-IDF; the plan's phrases.

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
        ]
    )  # fmt: skip
