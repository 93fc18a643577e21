"""Features: TF-IDF over syllables and their bigrams (of the whole text, and of its opening), counts of the
plan's phrases, the text's latent concepts and its word vectors."""

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

from classifier import embeddings
from classifier.text import normalize_phrase
from classifier.tokens import tokenize, with_bigrams

logger = logging.getLogger(__name__)

# Documents whose tokens are kept: the words, concepts and vectors blocks tokenize each document of a batch in turn
# (a pipeline batch, CCHC_BATCH_SIZE, is 64 by default).
TOKENS_CACHE_SIZE = 256


@lru_cache(maxsize=TOKENS_CACHE_SIZE)
def document_tokens(doc: str) -> tuple[str, ...]:
    """The syllables of a normalized document. Three feature blocks read them, one after the other, so the last
    documents' are kept."""
    return tuple(tokenize(doc))


def token_lists(docs: Iterable[str]) -> list[list[str]]:
    """Each normalized document's syllables, every distinct syllable one shared string: word vectors learn from
    millions of tokens, and a pointer costs 8 bytes where a string costs 50 or more."""
    shared: dict[str, str] = {}
    return [[shared.setdefault(token, token) for token in tokenize(doc)] for doc in docs]


@lru_cache(maxsize=TOKENS_CACHE_SIZE)
def words_and_bigrams(doc: str) -> tuple[str, ...]:
    """Syllable unigrams and bigrams of a normalized document (a module function, so models pickle)."""
    return tuple(with_bigrams(list(document_tokens(doc))))


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


def int8_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row as int8 with its own float32 scale (row = int8 x scale), a quarter of its float32 size."""
    largest = np.abs(matrix).max(axis=1, keepdims=True)
    scales = (np.where(largest > 0, largest, 1.0) / 127).astype(np.float32)
    return np.round(matrix / scales).astype(np.int8), scales


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (a zero row stays zero)."""
    lengths = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(lengths > 0, lengths, 1.0)


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
        self.directions_, self.scales_ = int8_rows(directions)
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
        return sp.csr_matrix(unit_rows(projected), dtype=np.float32)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray([f"concept:{i}" for i in range(self.directions_.shape[0])], dtype=object)


# SIF weighting (Arora et al. 2017): a word counts a / (a + p(word)) in a document's vector, so frequent words
# ("của", "và") weigh little and rare, telling ones nearly 1.
SIF_A = 1e-3


class DocumentVectors(BaseEstimator, TransformerMixin):
    """A document's vector: the SIF-weighted sum of its words' unit vectors (collocations joined first), scaled to
    length 1, from word vectors learned over the training texts and an unlabeled pool of real news
    (`classifier.embeddings`).

    The pool is much larger than the labeled texts, so `learn` reads it before the feature union is fit, and `fit`
    (which a FeatureUnion calls with the labeled texts only) keeps what `learn` learned. The weighted vectors are
    stored as int8 with a scale per word."""

    def __init__(self, size: int = 100, random_state: int = 47) -> None:
        self.size = size
        self.random_state = random_state

    def learn(self, sentences: Sequence[Sequence[str]]) -> DocumentVectors:
        """Learn the word vectors from token lists (each text's syllables, as `token_lists` gives them)."""
        words = embeddings.learn(sentences, self.size, self.random_state)
        weights = SIF_A / (SIF_A + words.counts / max(words.counts.sum(), 1.0))
        self.collocations_ = words.collocations
        self.index_ = {word: i for i, word in enumerate(words.words)}
        self.rows_, self.scales_ = int8_rows(unit_rows(words.vectors) * weights[:, None])
        return self

    def fit(self, docs: Sequence[str], y: object = None) -> DocumentVectors:
        if not hasattr(self, "rows_"):
            raise ValueError("DocumentVectors.learn must run before fit")
        return self

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        """Each document's word counts (a sparse row, repeated ids add up) times the weighted word vectors."""
        rows: list[int] = []
        ids: list[int] = []
        for row, doc in enumerate(docs):
            words = embeddings.join_collocations(document_tokens(doc), self.collocations_)
            found = [i for word in words if (i := self.index_.get(word)) is not None]
            ids += found
            rows += [row] * len(found)
        # Only the batch's own words are turned to float32, not the whole vocabulary.
        words, columns = np.unique(np.asarray(ids, dtype=np.intp), return_inverse=True)
        counts = sp.csr_matrix(
            (self.scales_[words[columns], 0], (rows, columns)), shape=(len(docs), len(words)), dtype=np.float32
        )
        return sp.csr_matrix(unit_rows(np.asarray(counts @ self.rows_[words].astype(np.float32))), dtype=np.float32)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray([f"vector:{i}" for i in range(self.rows_.shape[1])], dtype=object)


def block_columns(union: FeatureUnion, names: Iterable[str]) -> np.ndarray:
    """The columns of a fitted union's output that its blocks `names` fill, in order."""
    wanted = set(names)
    columns: list[np.ndarray] = []
    start = 0
    for name, block in union.transformer_list:
        width = len(block.get_feature_names_out())
        if name in wanted:
            columns.append(np.arange(start, start + width))
        start += width
    return np.concatenate(columns) if columns else np.zeros(0, dtype=np.intp)


def build_features(
    max_words: int = 40_000,
    max_opening: int = 20_000,
    min_df: int = 2,
    phrases: Sequence[tuple[str, Sequence[str]]] = (),
    concepts: int = 150,
    vectors: DocumentVectors | None = None,
) -> FeatureUnion:
    """Syllable uni/bigrams of the whole text and, apart, of its opening, both sublinear TF-IDF; the plan's phrases;
    `concepts` latent concepts of the whole text (none when 0); the document vectors of `vectors` (learned
    already) when given.

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
            *([("vectors", vectors)] if vectors is not None else []),
        ]
    )  # fmt: skip
