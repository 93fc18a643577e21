"""Train the CCHC model and measure how it transfers: leave-one-corpus-out, thresholds tuned out of corpus.

A model that has seen a corpus learns its style as much as its subjects, so every figure that matters is taken on a
corpus the model did not see, and the decision thresholds are learned (inside `CchcModel.fit`) on such predictions.
Team-written texts only ever train; they are never in a test or validation set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sklearn.model_selection import train_test_split

from classifier.corpora import corpus_of
from classifier.dataset import Example, Pool, documents
from classifier.evaluation import Report, report
from classifier.model import CchcModel, Prediction

logger = logging.getLogger(__name__)

# Examples whose labels a person gave to a real article: the only ones figures are taken on.
EVALUATION_ORIGINS = ("real", "human")
# A title-less copy of each labeled article trains too: many real inputs (feeds, old corpora) have no title.
BODY_ONLY_WEIGHT = 0.5
BODY_ONLY = "#body"
MIN_BODY = 200


@dataclass(frozen=True)
class Split:
    train: list[Example]
    test: list[Example]


@dataclass(frozen=True)
class TrainingResult:
    model: CchcModel
    sizes: dict[str, int]
    reports: dict[str, Report]
    """Per held-out corpus ("vntc10", …) when real labels span two corpora or more; else "validation" and "test"."""


def split_examples(examples: Sequence[Example], seed: int = 47, test: float = 0.15) -> Split:
    """The real labeled examples split 85/15, stratified by relevance; the rest (written, seeds, background)
    trains."""
    gold = sorted((e for e in examples if e.origin in EVALUATION_ORIGINS), key=lambda e: e.id)
    weak = [e for e in examples if e.origin not in EVALUATION_ORIGINS]
    if len(gold) < 2:
        return Split([*weak, *gold], [])
    train, held = train_test_split(gold, test_size=test, random_state=seed, stratify=[e.relevant for e in gold])
    return Split([*weak, *train], held)


def augmented(examples: Sequence[Example]) -> list[Example]:
    """The examples, plus a title-less copy of each labeled one whose body stands on its own."""
    extra = [
        replace(e, id=f"{e.id}{BODY_ONLY}", title="", weight=e.weight * BODY_ONLY_WEIGHT)
        for e in examples
        if e.labels is not None and e.title and len(e.text) >= MIN_BODY
    ]
    return [*examples, *extra]


NO_POOL = Pool([], [])


def _fit(
    model: CchcModel, examples: Sequence[Example], by_corpus: bool, progress: Callable[[str], None], pool: Pool
) -> tuple[CchcModel, list[Example]]:
    """Fit on the examples and their title-less copies (word vectors also on the unlabeled pool); thresholds
    learned on the real labeled articles (as they are, not their copies), left out one corpus at a time when
    `by_corpus`, else by stratified k-fold."""
    rows = augmented(examples)
    model.fit(
        documents(rows),
        [e.relevant for e in rows],
        [e.labels for e in rows],
        [e.weight for e in rows],
        [e.stance for e in rows],
        groups=[corpus_of(e.id) for e in rows] if by_corpus else None,
        tune=[e.origin in EVALUATION_ORIGINS and not e.id.endswith(BODY_ONLY) for e in rows],
        progress=progress,
        pool=pool.docs,
        pool_groups=pool.corpora,
    )
    return model, rows


def held_out_predictions(
    model: CchcModel, rows: Sequence[Example]
) -> dict[str, tuple[list[Example], list[Prediction]]]:
    """Per fold of the model's fit: its rows, decided by the model that did not see them with the thresholds learned
    on every other fold (so no figure rests on a threshold tuned on the rows it scores)."""
    folds = model.cv_scores_
    held = {}
    for name, (index, scores) in folds.items():
        others = [(i, s) for other, (ix, ss) in folds.items() if other != name for i, s in zip(ix, ss, strict=True)]
        thresholds = model.tuned_thresholds(
            [s for _, s in others], [rows[i].relevant for i, _ in others], [rows[i].labels for i, _ in others]
        )
        held[name] = ([rows[i] for i in index], [model.decide(s, thresholds=thresholds) for s in scores])
    return held


def split_evaluation(
    examples: Sequence[Example],
    area_ids: Sequence[str],
    topic_ids: Sequence[str],
    seed: int = 47,
    progress: Callable[[str], None] = lambda step: None,
    pool: Pool = NO_POOL,
    per_corpus: bool = False,
    **params: Any,
) -> tuple[Split, CchcModel, dict[str, Report]]:
    """The usual split: fit on train (thresholds by k-fold on its real labels), measure out of fold ("validation")
    and on test. `per_corpus` adds "validation: <corpus>" and "test: <corpus>" for each corpus with labeled articles
    of both kinds there: how the model does on news of a corpus it was trained on (the leave-one-corpus-out figures
    say how it does on one it was not)."""
    split = split_examples(examples, seed)
    if not split.test:  # no real labels (a build without ../shared/data): the written texts are all there is
        split = split_examples([replace(e, origin="real") if e.origin == "written" else e for e in examples], seed)
    progress("học trên phần huấn luyện")
    model, rows = _fit(CchcModel(area_ids, topic_ids, random_state=seed, **params), split.train, False, progress, pool)
    folds = held_out_predictions(model, rows).values()
    pooled = [pair for held, predicted in folds for pair in zip(held, predicted, strict=True)]
    parts = {
        "validation": ([e for e, _ in pooled], [p for _, p in pooled]),
        "test": (split.test, model.predict(documents(split.test))),
    }
    reports = {}
    for name, (held, predicted) in parts.items():
        reports[name] = report(held, predicted, model.area_ids, model.topic_ids)
        for corpus in held_out_corpora(held) if per_corpus else ():
            mine = [i for i, e in enumerate(held) if corpus_of(e.id) == corpus]
            reports[f"{name}: {corpus}"] = report(
                [held[i] for i in mine], [predicted[i] for i in mine], model.area_ids, model.topic_ids
            )
    return split, model, reports


def held_out_corpora(examples: Sequence[Example]) -> list[str]:
    """Corpora with real labeled articles of both kinds: each can be left out and tested on."""
    kinds: dict[str, set[bool]] = {}
    for e in examples:
        if e.origin == "real" and (corpus := corpus_of(e.id)):
            kinds.setdefault(corpus, set()).add(e.relevant)
    return sorted(c for c, seen in kinds.items() if seen == {True, False})


def train(
    examples: Sequence[Example],
    area_ids: Sequence[str],
    topic_ids: Sequence[str],
    seed: int = 47,
    progress: Callable[[str], None] = lambda step: None,
    pool: Pool = NO_POOL,
    **params: Any,
) -> TrainingResult:
    """Fit on everything, thresholds and figures from leave-one-corpus-out fits when real labels span two corpora
    or more; else fit on a training split (thresholds by k-fold) and measure on its test split."""
    corpora = held_out_corpora(examples)
    if len(corpora) >= 2:
        model, rows = _fit(CchcModel(area_ids, topic_ids, random_state=seed, **params), examples, True, progress, pool)
        reports = {
            corpus: report(held, predicted, model.area_ids, model.topic_ids)
            for corpus, (held, predicted) in held_out_predictions(model, rows).items()
        }
        sizes = {"train": len(examples), **{f"held_out:{c}": reports[c].examples for c in corpora}}
        return TrainingResult(model, sizes, reports)
    split, model, reports = split_evaluation(examples, area_ids, topic_ids, seed, progress, pool, **params)
    return TrainingResult(model, {"train": len(split.train), "test": len(split.test)}, reports)
