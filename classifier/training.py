"""Train the CCHC model and measure how it transfers: leave-one-corpus-out, thresholds tuned out of corpus.

A model that has seen a corpus learns its style as much as its subjects, so every figure that matters is taken on a
corpus the model did not see, and the decision thresholds are tuned on such predictions. Team-written texts only
ever train; they are never in a test or validation set.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from classifier.corpora import corpus_of
from classifier.dataset import Example, documents
from classifier.evaluation import Report, evaluate, f1
from classifier.model import RELEVANCE, CchcModel
from classifier.tokens import memoized

logger = logging.getLogger(__name__)

THRESHOLD_GRID = tuple(round(float(t), 2) for t in np.arange(0.10, 0.91, 0.05))
# Examples whose labels a person gave to a real article: the only ones figures are taken on.
EVALUATION_ORIGINS = ("real", "human")
# A title-less copy of each labeled article trains too: many real inputs (feeds, old corpora) have no title.
BODY_ONLY_WEIGHT = 0.5
MIN_BODY = 200


@dataclass(frozen=True)
class Split:
    train: list[Example]
    validation: list[Example]
    test: list[Example]


@dataclass(frozen=True)
class TrainingResult:
    model: CchcModel
    sizes: dict[str, int]
    reports: dict[str, Report]
    """Per held-out corpus ("vntc10", …) when real labels span two corpora or more; else "validation" and "test"."""


def split_examples(examples: Sequence[Example], seed: int = 47, validation: float = 0.15, test: float = 0.15) -> Split:
    """Real labeled examples split 70/15/15, stratified by relevance; the rest (written, seeds, background) trains."""
    rng = random.Random(seed)
    gold = [e for e in examples if e.origin in EVALUATION_ORIGINS]
    weak = [e for e in examples if e.origin not in EVALUATION_ORIGINS]
    train, val, tst = list(weak), [], []
    for relevant in (True, False):
        group = sorted((e for e in gold if e.relevant == relevant), key=lambda e: e.id)
        rng.shuffle(group)
        n_test, n_val = round(len(group) * test), round(len(group) * validation)
        tst += group[:n_test]
        val += group[n_test : n_test + n_val]
        train += group[n_test + n_val :]
    return Split(train, val, tst)


def augmented(examples: Sequence[Example]) -> list[Example]:
    """The examples, plus a title-less copy of each labeled one whose body stands on its own."""
    extra = [
        replace(e, id=f"{e.id}#body", title="", weight=e.weight * BODY_ONLY_WEIGHT)
        for e in examples
        if e.labels is not None and e.title and len(e.text) >= MIN_BODY
    ]
    return [*examples, *extra]


def _fit(model: CchcModel, examples: Sequence[Example]) -> CchcModel:
    examples = augmented(examples)
    return model.fit(
        documents(examples),
        [e.relevant for e in examples],
        [e.labels for e in examples],
        [e.weight for e in examples],
        [e.stance for e in examples],
    )


def tune_thresholds(model: CchcModel, examples: Sequence[Example]) -> dict[str, float]:
    """Per label, the threshold with the best F1 on `examples` (ties: the one nearest 0.5)."""
    return thresholds_for(model, examples, model.scores(documents(examples)))


def thresholds_for(
    model: CchcModel, examples: Sequence[Example], scores: Sequence[dict[str, float]]
) -> dict[str, float]:
    """Per label, the threshold with the best F1 of `scores` against `examples` (ties: the one nearest 0.5)."""
    truth = {RELEVANCE: [e.relevant for e in examples]}
    for label in model.label_ids:
        truth[label] = [bool(e.labels and label in e.labels) for e in examples]
    tuned = {}
    for label, gold in truth.items():
        if label != RELEVANCE and label not in model.label_models_:
            tuned[label] = model.thresholds_[label]
            continue
        # Areas and topics are judged on relevant examples only, as the model only labels those.
        rows = [i for i, e in enumerate(examples) if label == RELEVANCE or e.relevant]
        if not any(gold[i] for i in rows):
            tuned[label] = model.thresholds_[label]
            continue

        def quality(t: float, rows: list[int] = rows, gold: list[bool] = gold, label: str = label) -> tuple:
            predicted = [scores[i].get(label, 0.0) >= t for i in rows]
            return (f1([gold[i] for i in rows], predicted), -abs(t - 0.5))

        tuned[label] = max(THRESHOLD_GRID, key=quality)
    return tuned


def split_evaluation(
    examples: Sequence[Example],
    area_ids: Sequence[str],
    topic_ids: Sequence[str],
    seed: int = 47,
    progress: Callable[[str], None] = lambda step: None,
    **params: Any,
) -> tuple[Split, dict[str, float], dict[str, Report]]:
    """The usual split: fit on train, tune thresholds on validation, measure on validation and test."""
    split = split_examples(examples, seed)
    if not split.test:  # no real labels (a build without ../shared/data): the written texts are all there is
        split = split_examples([replace(e, origin="real") if e.origin == "written" else e for e in examples], seed)
    progress("fit on the training split")
    model = _fit(CchcModel(area_ids, topic_ids, **params), split.train)
    progress("tune thresholds on the validation split")
    model.thresholds_ = tune_thresholds(model, split.validation)
    reports = {"validation": evaluate(model, split.validation), "test": evaluate(model, split.test)}
    return split, model.thresholds_, reports


def held_out_corpora(examples: Sequence[Example]) -> list[str]:
    """Corpora with real labeled articles of both kinds: each can be left out and tested on."""
    kinds: dict[str, set[bool]] = {}
    for e in examples:
        if e.origin == "real" and (corpus := corpus_of(e.id)):
            kinds.setdefault(corpus, set()).add(e.relevant)
    return sorted(c for c, seen in kinds.items() if seen == {True, False})


def leave_one_corpus_out(
    examples: Sequence[Example],
    area_ids: Sequence[str],
    topic_ids: Sequence[str],
    corpora: Sequence[str],
    progress: Callable[[str], None] = lambda step: None,
    **params: Any,
) -> tuple[dict[str, Report], dict[str, float]]:
    """Per corpus: fit without any of its articles, test on its labeled ones with thresholds tuned on the others.

    Returns the per-corpus reports and the thresholds tuned on all out-of-corpus predictions pooled.
    """
    held: dict[str, tuple[CchcModel, list[Example], list[dict[str, float]]]] = {}
    for corpus in corpora:
        progress(f"fit without {corpus}")
        model = _fit(CchcModel(area_ids, topic_ids, **params), [e for e in examples if corpus_of(e.id) != corpus])
        tested = [e for e in examples if e.origin == "real" and corpus_of(e.id) == corpus]
        held[corpus] = (model, tested, model.scores(documents(tested)))
    reports = {}
    for corpus, (model, tested, _) in held.items():
        others = [(e, s) for c, (_, ts, ss) in held.items() if c != corpus for e, s in zip(ts, ss, strict=True)]
        model.thresholds_ = thresholds_for(model, [e for e, _ in others], [s for _, s in others])
        reports[corpus] = evaluate(model, tested)
    pooled = [(e, s) for _, ts, ss in held.values() for e, s in zip(ts, ss, strict=True)]
    any_model = next(iter(held.values()))[0]
    return reports, thresholds_for(any_model, [e for e, _ in pooled], [s for _, s in pooled])


def train(
    examples: Sequence[Example],
    area_ids: Sequence[str],
    topic_ids: Sequence[str],
    seed: int = 47,
    progress: Callable[[str], None] = lambda step: None,
    **params: Any,
) -> TrainingResult:
    """Fit on everything; thresholds and figures from leave-one-corpus-out runs when real labels span two corpora
    or more, else from a validation and a test split of the real labels (or of all gold, when only written)."""
    with memoized():
        corpora = held_out_corpora(examples)
        if len(corpora) >= 2:
            reports, thresholds = leave_one_corpus_out(examples, area_ids, topic_ids, corpora, progress, **params)
            sizes = {"train": len(examples), **{f"held_out:{c}": reports[c].examples for c in corpora}}
            progress("fit on everything")
            final = _fit(CchcModel(area_ids, topic_ids, **params), examples)
            final.thresholds_ = thresholds
            return TrainingResult(final, sizes, reports)
        split, thresholds, reports = split_evaluation(examples, area_ids, topic_ids, seed, progress, **params)
        progress("refit on training + validation")
        final = _fit(CchcModel(area_ids, topic_ids, **params), split.train + split.validation)
        final.thresholds_ = thresholds
        sizes = {"train": len(split.train), "validation": len(split.validation), "test": len(split.test)}
        return TrainingResult(final, sizes, reports)
