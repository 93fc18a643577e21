"""Word vectors learned here, from unlabeled real news: collocations joined into one token (gensim Phrases), then
Word2Vec over them.

Two words that stand in the same contexts get near vectors, whether a 2006 paper or a 2025 portal wrote them, so a
document's vector carries its subject across newspapers and eras better than its words alone. Nothing is
downloaded: the vectors come from the articles of ../shared/data (never a reserved one) and the training texts.
gensim is needed only to learn them; a learned model reads them with numpy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

# Collocations: a pair of syllables seen together at least 10 times and scoring 10 or more on gensim's default
# (Mikolov) score becomes one token, "một cửa" or "hành chính", before the vectors are learned.
COLLOCATION_MIN_COUNT = 10
COLLOCATION_THRESHOLD = 10.0
# Word2Vec CBOW (the size is classifier/model.py VECTORS, measured there), window 5, words seen 5 times or more,
# 5 passes.
WINDOW = 5
MIN_COUNT = 5
EPOCHS = 5


def join_collocations(tokens: Sequence[str], collocations: frozenset[str]) -> list[str]:
    """The tokens, each known collocation's two syllables joined by a space, read left to right as gensim's
    FrozenPhrases does (a syllable joins at most one pair)."""
    joined: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        if i + 1 < n and (pair := f"{tokens[i]} {tokens[i + 1]}") in collocations:
            joined.append(pair)
            i += 2
        else:
            joined.append(tokens[i])
            i += 1
    return joined


@dataclass(frozen=True)
class WordVectors:
    collocations: frozenset[str]
    words: tuple[str, ...]
    vectors: np.ndarray
    """One float32 row per word, in the order of `words`."""
    counts: np.ndarray
    """How often each word occurred in the texts the vectors were learned from."""


def learn(sentences: Sequence[Sequence[str]], size: int, seed: int) -> WordVectors:
    """Collocations, then `size`-dimensional vectors of every word (or collocation) seen MIN_COUNT times in the
    token lists (none when no word is). One worker thread, so the same sentences and seed give the same vectors."""
    from gensim.models import Word2Vec
    from gensim.models.phrases import Phrases

    phrases = Phrases(sentences, min_count=COLLOCATION_MIN_COUNT, threshold=COLLOCATION_THRESHOLD, delimiter=" ")
    collocations = frozenset(phrases.export_phrases())
    del phrases
    joined = [join_collocations(s, collocations) for s in sentences]
    model = Word2Vec(vector_size=size, window=WINDOW, min_count=MIN_COUNT, epochs=EPOCHS, sg=0, workers=1, seed=seed)
    model.build_vocab(joined)
    words = tuple(model.wv.index_to_key)
    if words:
        model.train(joined, total_examples=model.corpus_count, epochs=model.epochs)
    counts = np.asarray([model.wv.get_vecattr(w, "count") for w in words], dtype=np.float64)
    logger.info("word vectors: %d words and collocations (%d collocations) from %d texts", len(words),
                len(collocations), len(joined))  # fmt: skip
    return WordVectors(collocations, words, model.wv.vectors.astype(np.float32).reshape(len(words), size), counts)
