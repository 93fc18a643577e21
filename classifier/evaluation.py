"""Per-label precision, recall and F1, and macro F1, of a model on gold examples; and how far two readings of the
same articles agree."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from classifier.dataset import Example, Reading, documents

if TYPE_CHECKING:
    from classifier.model import CchcModel, Prediction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Ranking:
    """How well relevance scores order the relevant articles before the others, whatever the threshold: ROC AUC,
    average precision, and the best F1 a threshold chosen on these very articles would reach (a ceiling no threshold
    learned elsewhere can pass). A change that moves F1 but not these moved the threshold, not the model."""

    auc: float
    average_precision: float
    best_f1: float
    best_threshold: float


@dataclass(frozen=True)
class Report:
    """Relevance over all examples; each area and topic over the gold-relevant examples."""

    examples: int
    relevance: LabelScore
    areas: tuple[LabelScore, ...]
    topics: tuple[LabelScore, ...]
    ranking: Ranking | None = None
    """None when the examples are all of one kind (nothing to order)."""

    @property
    def macro_f1_areas(self) -> float:
        return macro_f1(self.areas)

    @property
    def macro_f1_topics(self) -> float:
        return macro_f1(self.topics)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["macro_f1_areas"] = self.macro_f1_areas
        data["macro_f1_topics"] = self.macro_f1_topics
        return data


def macro_f1(scores: Sequence[LabelScore]) -> float:
    """Mean F1 of the labels that occur in the gold data (support > 0)."""
    scored = [s.f1 for s in scores if s.support]
    return round(sum(scored) / len(scored), 4) if scored else 0.0


def score(label: str, gold: Sequence[bool], predicted: Sequence[bool]) -> LabelScore:
    import numpy as np  # imported on first use: `cchc classify --help` reads Report without loading scikit-learn
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f, _ = precision_recall_fscore_support(
        np.asarray(gold, dtype=bool), np.asarray(predicted, dtype=bool), average="binary", zero_division=0.0
    )
    return LabelScore(label, round(float(precision), 4), round(float(recall), 4), round(float(f), 4), int(sum(gold)))


def ranking(gold: Sequence[bool], scores: Sequence[float]) -> Ranking | None:
    """The threshold-free figures of relevance `scores` against `gold`; None unless both kinds are present."""
    import numpy as np  # imported on first use, as in `score`
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

    y, s = np.asarray(gold, dtype=bool), np.asarray(scores, dtype=float)
    if y.all() or not y.any():
        return None
    precision, recall, thresholds = precision_recall_curve(y, s)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    best = int(f1.argmax())
    return Ranking(round(float(roc_auc_score(y, s)), 4), round(float(average_precision_score(y, s)), 4),
                   round(float(f1[best]), 4), round(float(thresholds[best]), 4))  # fmt: skip


def report(
    examples: Sequence[Example], predictions: Sequence[Prediction], area_ids: Sequence[str], topic_ids: Sequence[str]
) -> Report:
    """Relevance over all examples (and how well its scores rank them); areas and topics over the relevant ones
    whose labels are known."""
    relevance = score("relevant", [e.relevant for e in examples], [p.relevant for p in predictions])
    rows = [i for i, e in enumerate(examples) if e.relevant and e.labels is not None]

    def per_label(ids: Sequence[str], chosen: str) -> tuple[LabelScore, ...]:
        return tuple(
            score(
                label,
                [label in examples[i].labels for i in rows],
                [label in getattr(predictions[i], chosen) for i in rows],
            )
            for label in ids
        )

    order = ranking([e.relevant for e in examples], [p.relevance for p in predictions])
    return Report(len(examples), relevance, per_label(area_ids, "areas"), per_label(topic_ids, "topics"), order)


def evaluate(model: CchcModel, examples: Sequence[Example]) -> Report:
    return report(examples, model.predict(documents(examples)), model.area_ids, model.topic_ids)


@dataclass(frozen=True)
class Agreement:
    """Two blind readings of one corpus's labeled articles, sampled with as many relevant as others: the share of
    each kind of first verdict the second reading kept, and the relevance F1 of the second reading scored against the
    first, weighted back to the corpus's labeled mix (what a model's held-out F1 on that corpus is compared with)."""

    corpus: str
    read: int
    relevant_kept: float
    others_kept: float
    f1: float


def agreement(corpus: str, pairs: Sequence[tuple[Reading, Reading]], relevant: int, others: int) -> Agreement:
    """`pairs`: (first, second) readings of the corpus's sample; `relevant`, `others`: its labeled articles of each
    kind."""
    kept = [second.relevant for first, second in pairs if first.relevant]
    refused = [not second.relevant for first, second in pairs if not first.relevant]
    relevant_kept = sum(kept) / len(kept) if kept else 0.0
    others_kept = sum(refused) / len(refused) if refused else 0.0
    found, missed, added = relevant * relevant_kept, relevant * (1 - relevant_kept), others * (1 - others_kept)
    f1 = 2 * found / (2 * found + missed + added) if found else 0.0
    return Agreement(corpus, len(pairs), round(relevant_kept, 4), round(others_kept, 4), round(f1, 4))


def area_agreement(pairs: Sequence[tuple[Reading, Reading]], area_ids: Sequence[str]) -> float:
    """Macro F1 of the second reading's areas against the first's, over the articles both read as relevant (areas
    the first gave at least once)."""
    both = [(first, second) for first, second in pairs if first.relevant and second.relevant]
    return macro_f1(
        [
            score(area, [area in first.areas for first, _ in both], [area in second.areas for _, second in both])
            for area in area_ids
        ]
    )
