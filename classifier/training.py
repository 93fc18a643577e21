"""Train the CCHC model: split the labeled set, tune per-label thresholds on validation, report on test."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from classifier.dataset import Example, documents
from classifier.evaluation import Report, evaluate, f1
from classifier.model import RELEVANCE, CchcModel

logger = logging.getLogger(__name__)

THRESHOLD_GRID = tuple(round(float(t), 2) for t in np.arange(0.10, 0.91, 0.05))
GOLD_ORIGINS = ("written", "real", "human")


@dataclass(frozen=True)
class Split:
    train: list[Example]
    validation: list[Example]
    test: list[Example]


@dataclass(frozen=True)
class TrainingResult:
    model: CchcModel
    split_sizes: dict[str, int]
    validation: Report
    test: Report


def split_examples(examples: Sequence[Example], seed: int = 47, validation: float = 0.15, test: float = 0.15) -> Split:
    """Gold examples split 70/15/15, stratified by relevance; weak ones (seeds, background) train only."""
    rng = random.Random(seed)
    gold = [e for e in examples if e.origin in GOLD_ORIGINS]
    weak = [e for e in examples if e.origin not in GOLD_ORIGINS]
    train, val, tst = list(weak), [], []
    for relevant in (True, False):
        group = sorted((e for e in gold if e.relevant == relevant), key=lambda e: e.id)
        rng.shuffle(group)
        n_test, n_val = round(len(group) * test), round(len(group) * validation)
        tst += group[:n_test]
        val += group[n_test : n_test + n_val]
        train += group[n_test + n_val :]
    return Split(train, val, tst)


def _fit(model: CchcModel, examples: Sequence[Example]) -> CchcModel:
    return model.fit(
        documents(examples),
        [e.relevant for e in examples],
        [e.labels for e in examples],
        [e.weight for e in examples],
    )


def tune_thresholds(model: CchcModel, examples: Sequence[Example]) -> dict[str, float]:
    """Per label, the threshold with the best F1 on `examples` (ties: the one nearest 0.5)."""
    scores = model.scores(documents(examples))
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


def train(
    examples: Sequence[Example],
    area_ids: Sequence[str],
    topic_ids: Sequence[str],
    seed: int = 47,
    progress: Callable[[str], None] = lambda step: None,
    **params: float,
) -> TrainingResult:
    """Fit on train, tune thresholds on validation, measure on test, then refit on train+validation."""
    split = split_examples(examples, seed)
    progress("fit on the training split")
    model = _fit(CchcModel(area_ids, topic_ids, **params), split.train)
    progress("tune thresholds on the validation split")
    thresholds = tune_thresholds(model, split.validation)
    model.thresholds_ = thresholds
    validation_report = evaluate(model, split.validation)
    test_report = evaluate(model, split.test)
    progress("refit on training + validation")
    final = _fit(CchcModel(area_ids, topic_ids, **params), split.train + split.validation)
    final.thresholds_ = thresholds
    sizes = {"train": len(split.train), "validation": len(split.validation), "test": len(split.test)}
    return TrainingResult(final, sizes, validation_report, test_report)
