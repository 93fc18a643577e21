"""Per-label precision, recall and F1, and macro F1, of a model on gold examples."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from classifier.dataset import Example, documents

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
class Report:
    """Relevance over all examples; each area and topic over the gold-relevant examples."""

    examples: int
    relevance: LabelScore
    areas: tuple[LabelScore, ...]
    topics: tuple[LabelScore, ...]

    @property
    def macro_f1_areas(self) -> float:
        scored = [s.f1 for s in self.areas if s.support]
        return round(sum(scored) / len(scored), 4) if scored else 0.0

    @property
    def macro_f1_topics(self) -> float:
        scored = [s.f1 for s in self.topics if s.support]
        return round(sum(scored) / len(scored), 4) if scored else 0.0

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["macro_f1_areas"] = self.macro_f1_areas
        data["macro_f1_topics"] = self.macro_f1_topics
        return data


def score(label: str, gold: Sequence[bool], predicted: Sequence[bool]) -> LabelScore:
    import numpy as np  # imported on first use: `cchc classify --help` reads Report without loading scikit-learn
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f, _ = precision_recall_fscore_support(
        np.asarray(gold, dtype=bool), np.asarray(predicted, dtype=bool), average="binary", zero_division=0.0
    )
    return LabelScore(label, round(float(precision), 4), round(float(recall), 4), round(float(f), 4), int(sum(gold)))


def report(
    examples: Sequence[Example], predictions: Sequence[Prediction], area_ids: Sequence[str], topic_ids: Sequence[str]
) -> Report:
    """Relevance over all examples; areas and topics over the relevant ones whose labels are known."""
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

    return Report(len(examples), relevance, per_label(area_ids, "areas"), per_label(topic_ids, "topics"))


def evaluate(model: CchcModel, examples: Sequence[Example]) -> Report:
    return report(examples, model.predict(documents(examples)), model.area_ids, model.topic_ids)
