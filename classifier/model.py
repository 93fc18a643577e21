"""The CCHC model: relevance (calibrated, three models mixed), then areas and topics (multi-label), each explainable."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import FeatureUnion

from classifier.features import DocumentVectors, block_columns, build_features, token_lists

logger = logging.getLogger(__name__)

RELEVANCE = "relevant"
STANCES = ("praise", "criticism", "neutral")
MIN_POSITIVES = 3
DEFAULT_THRESHOLD = 0.5


# Inverse regularization of the relevance and label models, chosen leave-one-corpus-out (relevance F1 per corpus):
# against 4/4, C 1/2 scored lower on four corpora of five, 16/8 higher on four and equal on one; 64/16 was no
# better than 16/8 (higher on one corpus, lower on three).
C_RELEVANCE, C_LABELS = 16.0, 8.0
# Latent concepts of the text (features.Concepts). Leave-one-corpus-out on 5,097 real labels, 150 concepts over the
# whole text's 20,000 most frequent uni/bigrams, against none: relevance F1 +0.043 on VNTC 2005-07, +0.019 on Báo Mới
# 2018, +0.022 on Dân trí, -0.004 on UIT-ViON titles, -0.012 on the provincial set; area macro-F1 +0.05 to +0.10.
# 100 concepts over 10,000 and 250 over 20,000 were each lower on two corpora of five.
CONCEPTS = 150
# Dimensions of the word vectors learned from the training texts and an unlabeled pool of real news
# (features.DocumentVectors; 0: none). Leave-one-corpus-out on 5,737 real labels, 100 against none: average precision
# +0.004 on Báo Mới 2018, +0.034 on UIT-ViON, -0.004 on Dân trí, +0.008 on the provincial set, +0.012 on VNTC;
# relevance F1 -0.007, +0.009, +0.022, +0.008, 0.000. Against that, average precision was lower on three corpora of
# five with skip-gram instead of CBOW (3 times the training time), on three with the block's values doubled, and on
# four with a second block of the opening's vector.
VECTORS = 100
# The relevance probability is a weighted mean (weights summing to 1) of three models of the same features: the
# calibrated logistic regression over every block, then a small neural network and gradient-boosted trees over the
# dense blocks only (DENSE_BLOCKS: the plan's phrases, the concepts, the word vectors), which combine those meanings
# non-linearly. Leave-one-corpus-out on 5,737 real labels (`make model`), 0.4/0.3/0.3 against the logistic
# regression alone: average precision +0.001 on Báo Mới 2018, +0.023 on UIT-ViON, +0.026 on Dân trí, +0.024 on the
# provincial set, +0.014 on VNTC; relevance F1 -0.004, +0.036, +0.078, +0.022, +0.018; Brier score lower on all
# five. Weights chosen on four corpora only and scored on the fifth gained -0.002, +0.026, +0.019, +0.003, +0.008
# average precision. Either dense model alone ranked lower than the three mixed; three networks of other seeds, or
# larger trees, no higher.
RELEVANCE_MIX = (0.4, 0.3, 0.3)
DENSE_BLOCKS = ("phrases", "concepts", "vectors")
# An area's score is the mean of its logistic regression over every block and, with this weight, the area's output
# of one network over the dense blocks that learns every area and topic at once. Leave-one-corpus-out on 5,737 real
# labels (fold fits as in `make model`, thresholds from the other four corpora), 0.5 against the logistic
# regressions alone: area macro-F1 +0.010 on Báo Mới 2018, -0.005 on UIT-ViON, +0.134 on Dân trí (17 relevant),
# +0.005 on the provincial set, +0.013 on VNTC; a weight chosen on four corpora and scored on the fifth was 0.5 for
# four of them. Topics keep their logistic regressions: mixed, their macro-F1 fell by 0.059 on VNTC. Per-area trees,
# a wider network (128) or the regressions' C at 4 or 32 scored lower.
LABEL_NETWORK = 0.5
# Fewer rows of a class than this and the network trains without early stopping (which holds a tenth of them out).
EARLY_STOPPING_ROWS = 50
THRESHOLD_GRID = tuple(round(float(t), 2) for t in np.arange(0.10, 0.91, 0.05))
# A threshold is judged by the mean F1 of it and of its PLATEAU neighbours on each side of the grid: one on a plateau
# holds on news the model has not met, one on a spike of a few articles does not. Measured leave-one-corpus-out
# (thresholds from four corpora, scored on the fifth; the labels of 2026-12-05, on the articles labeled before rounds
# 7 and 8): relevance F1 0 on Báo Mới 2018, +0.011 on UIT-ViON, -0.004 on Dân trí, +0.018 on the provincial set,
# +0.010 on VNTC; area macro-F1 -0.021 to +0.026. Over four label sets tried that day, relevance moved -0.006 to
# +0.021 on average, and the learned thresholds moved less between them; two steps or three gained less.
PLATEAU = 1


@dataclass(frozen=True)
class _Data:
    """The training rows fit reads, so a fold is a subset of the same lists."""

    docs: list[str]
    relevant: np.ndarray
    labels: list[frozenset[str] | None]
    weights: np.ndarray
    stances: list[str | None]
    tokens: list[list[str]]

    def rows(self, index: np.ndarray) -> _Data:
        return _Data([self.docs[i] for i in index], self.relevant[index], [self.labels[i] for i in index],
                     self.weights[index], [self.stances[i] for i in index],
                     [self.tokens[i] for i in index])  # fmt: skip


@dataclass(frozen=True)
class Prediction:
    relevant: bool
    relevance: float
    areas: tuple[str, ...]
    topics: tuple[str, ...]
    scores: dict[str, float] = field(hash=False)
    stance: str | None = None
    """For a relevant article: "praise", "criticism" or "neutral" (None when no stance model was learned)."""


def _logistic(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear")


def _network(early_stopping: bool, random_state: int) -> MLPClassifier:
    return MLPClassifier((64,), alpha=1e-3, max_iter=200, early_stopping=early_stopping, random_state=random_state)


def _trees(random_state: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        learning_rate=0.05, max_iter=300, max_leaf_nodes=15, l2_regularization=1.0, class_weight="balanced",
        random_state=random_state,
    )  # fmt: skip


class CchcModel(BaseEstimator):
    """A scikit-learn estimator: __init__ stores parameters, fit learns everything (thresholds included) and
    returns self, learned state ends in _ (so `clone` and `get_params` work).

    Thresholds are learned from out-of-fold scores: `fit(..., groups=, tune=)` scores each group's tuned rows
    with a clone fit without that group (leave-one-group-out: a corpus is a group, so a threshold is set on
    articles the scoring model never saw), or, without groups, with stratified k-fold over the tuned rows. Rows
    not tuned (team-written texts, weak labels) only ever train.
    """

    def __init__(
        self,
        area_ids: Sequence[str] = (),
        topic_ids: Sequence[str] = (),
        c_relevance: float = C_RELEVANCE,
        c_labels: float = C_LABELS,
        max_words: int = 40_000,
        max_opening: int = 20_000,
        concepts: int = CONCEPTS,
        vectors: int = VECTORS,
        relevance_mix: tuple[float, float, float] = RELEVANCE_MIX,
        label_network: float = LABEL_NETWORK,
        phrases: Sequence[tuple[str, Sequence[str]]] = (),
        folds: int = 5,
        random_state: int = 47,
    ) -> None:
        self.area_ids = area_ids
        self.topic_ids = topic_ids
        self.c_relevance = c_relevance
        self.c_labels = c_labels
        self.max_words = max_words
        self.max_opening = max_opening
        self.concepts = concepts
        self.vectors = vectors
        self.relevance_mix = relevance_mix
        self.label_network = label_network
        self.phrases = phrases
        self.folds = folds
        self.random_state = random_state

    @property
    def label_ids(self) -> tuple[str, ...]:
        return tuple(self.area_ids) + tuple(self.topic_ids)

    def fit(
        self,
        docs: Sequence[str],
        relevant: Sequence[bool],
        labels: Sequence[frozenset[str] | None],
        weights: Sequence[float] | None = None,
        stances: Sequence[str | None] | None = None,
        groups: Sequence[str | None] | None = None,
        tune: Sequence[bool] | None = None,
        progress: Callable[[str], None] | None = None,
        pool: Sequence[str] = (),
        pool_groups: Sequence[str] | None = None,
    ) -> CchcModel:
        """Fit on normalized documents; `labels[i]` is None when a relevant doc's areas/topics are unknown,
        `stances[i]` None when a relevant doc's stance is unknown. `tune[i]` marks the rows thresholds are
        learned on (none: every threshold stays at 0.5); `groups[i]` the corpus of a row (None: always trains).
        `pool` holds unlabeled normalized documents the word vectors also learn from, `pool_groups[i]` the
        corpus of each (a fold that leaves a corpus out leaves its pool out too). Out-of-fold scores stay in
        `cv_scores_` (name of the held-out group -> rows, scores)."""
        say = progress or logger.info
        if len(self.relevance_mix) != 3 or min(self.relevance_mix) < 0 or not np.isclose(sum(self.relevance_mix), 1):
            raise ValueError(f"relevance_mix must be 3 weights >= 0 summing to 1, not {self.relevance_mix}")
        if not 0 <= self.label_network <= 1:
            raise ValueError(f"label_network must be a weight from 0 to 1, not {self.label_network}")
        if self.vectors:
            say(f"tách từ {len(docs)} văn bản huấn luyện và {len(pool)} bài chưa gán nhãn cho vectơ từ")
        data = _Data(list(docs), np.asarray(relevant, dtype=int), list(labels),
                     np.asarray(weights if weights is not None else np.ones(len(docs)), dtype=float),
                     list(stances or [None] * len(docs)),
                     token_lists(docs) if self.vectors else [[] for _ in docs])  # fmt: skip
        # (corpus, tokens) of each unlabeled document; none when no vectors are learned.
        unlabeled = list(zip(pool_groups or [""] * len(pool), token_lists(pool), strict=True)) if self.vectors else []
        self.cv_scores_: dict[str, tuple[np.ndarray, list[dict[str, float]]]] = {}
        for name, held, kept in self._folds(data.relevant, groups, tune):
            say(f"học không có kho {name} ({len(kept)} văn bản) để chấm {len(held)} bài của kho đó")
            others = [tokens for group, tokens in unlabeled if group != name]
            fold = clone(self)._fit_estimators(data.rows(kept), others, say)
            self.cv_scores_[name] = (held, fold.scores([data.docs[i] for i in held]))
        say(f"học trên toàn bộ ({len(data.docs)} văn bản)")
        self._fit_estimators(data, [tokens for _, tokens in unlabeled], say)
        pooled = [(i, s) for held, scores in self.cv_scores_.values() for i, s in zip(held, scores, strict=True)]
        self.thresholds_ = self.tuned_thresholds(
            [s for _, s in pooled], [bool(data.relevant[i]) for i, _ in pooled], [data.labels[i] for i, _ in pooled]
        )
        return self

    def _folds(
        self, y: np.ndarray, groups: Sequence[str | None] | None, tune: Sequence[bool] | None
    ) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(name, held-out tuned rows, training rows) of each fold: one per group whose tuned rows hold both
        relevant and other articles, or stratified k-fold over the tuned rows when fewer than two such groups."""
        if tune is None or not any(tune):
            return []
        tuned = np.flatnonzero(np.asarray(tune, dtype=bool))
        every = np.arange(len(y))
        if groups is not None:
            group = np.asarray([g or "" for g in groups], dtype=object)
            names = sorted(g for g in set(group[tuned]) if g and len(set(y[tuned[group[tuned] == g]])) == 2)
            if len(names) >= 2:
                return [(g, tuned[group[tuned] == g], every[group != g]) for g in names]
        n_splits = int(min(self.folds, np.bincount(y[tuned], minlength=2).min()))
        if n_splits < 2:
            return []
        splitter = StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
        folds = []
        for number, (_, test) in enumerate(splitter.split(tuned, y[tuned]), start=1):
            held = tuned[test]
            folds.append((f"fold-{number}", held, np.setdiff1d(every, held)))
        return folds

    def tuned_thresholds(
        self, scores: Sequence[dict[str, float]], relevant: Sequence[bool], labels: Sequence[frozenset[str] | None]
    ) -> dict[str, float]:
        """Per label, the grid threshold whose F1 on `scores`, averaged with its PLATEAU neighbours', is best (ties: the
        one nearest 0.5); areas and topics judged on relevant rows with known labels only, as the model only labels
        those. 0.5 where nothing to learn."""
        tuned = dict.fromkeys((RELEVANCE, *self.label_ids), DEFAULT_THRESHOLD)
        for label in tuned:
            rows = [i for i in range(len(scores)) if label == RELEVANCE or (relevant[i] and labels[i] is not None)]
            gold = np.asarray([relevant[i] if label == RELEVANCE else label in labels[i] for i in rows], dtype=bool)
            if not gold.any() or (label != RELEVANCE and label not in self.label_models_):
                continue
            values = np.asarray([scores[i].get(label, 0.0) for i in rows])
            f1 = [f1_score(gold, values >= t, zero_division=0.0) for t in THRESHOLD_GRID]
            plateau = [float(np.mean(f1[max(0, j - PLATEAU) : j + PLATEAU + 1])) for j in range(len(f1))]
            best = max(
                range(len(THRESHOLD_GRID)),
                # Rounded: neighbourhoods of equal F1 tie whatever order their means were summed in.
                key=lambda j: (round(plateau[j], 12), -abs(THRESHOLD_GRID[j] - DEFAULT_THRESHOLD)),
            )
            tuned[label] = THRESHOLD_GRID[best]
        return tuned

    def _fit_estimators(self, data: _Data, unlabeled: Sequence[list[str]], say: Callable[[str], None]) -> CchcModel:
        """Word vectors (from the training texts and the unlabeled ones' tokens), features, relevance (calibrated
        linear, and the dense blocks' network and trees), one model per area and topic, stance: all but the
        thresholds."""
        y, w, labels = data.relevant, data.weights, data.labels
        vectors = None
        if self.vectors:
            say(f"học vectơ từ trên {len(data.docs) + len(unlabeled)} văn bản")
            vectors = DocumentVectors(self.vectors, self.random_state).learn([*unlabeled, *data.tokens])
        self.features_: FeatureUnion = build_features(
            self.max_words, self.max_opening, phrases=self.phrases, concepts=self.concepts, vectors=vectors
        )
        X = self.features_.fit_transform(data.docs)
        folds = int(min(5, np.bincount(y, minlength=2).min()))
        if folds < 2:
            raise ValueError("relevance needs at least 2 relevant and 2 non-relevant examples")
        self.relevance_ = CalibratedClassifierCV(_logistic(self.c_relevance), method="sigmoid", cv=folds)
        self.relevance_.fit(X, y, sample_weight=w)
        self._fit_dense(X, y, w)
        self.label_models_: dict[str, LogisticRegression] = {}
        known = [i for i, lab in enumerate(labels) if y[i] == 1 and lab is not None]
        for label in self.label_ids:
            target = np.array([int(label in labels[i]) for i in known])
            if target.sum() < MIN_POSITIVES or target.sum() == len(target):
                logger.warning("label %s has %d positive examples: not learned", label, int(target.sum()))
                continue
            self.label_models_[label] = _logistic(self.c_labels).fit(X[known], target, sample_weight=w[known])
        self._fit_label_network(X, known, labels)
        self.stance_ = self._fit_stance(X, y, data.stances, w)
        self._compact()
        return self

    def _fit_dense(self, X, y: np.ndarray, w: np.ndarray) -> None:
        """The network and the trees of the relevance mix, on the dense blocks' columns (none without them: the
        linear model alone then)."""
        self.dense_columns_ = block_columns(self.features_, DENSE_BLOCKS)
        self.dense_models_: list[tuple[float, BaseEstimator]] = []
        if self.dense_columns_.size == 0:
            return
        dense = X[:, self.dense_columns_].toarray()
        _, network, trees = self.relevance_mix
        if network:  # unweighted rows, as measured (title-less copies count fully)
            early = bool(np.bincount(y, minlength=2).min() >= EARLY_STOPPING_ROWS)
            self.dense_models_.append((network, _network(early, self.random_state).fit(dense, y)))
        if trees:
            self.dense_models_.append((trees, _trees(self.random_state).fit(dense, y, sample_weight=w)))

    def _fit_label_network(self, X, known: list[int], labels: Sequence[frozenset[str] | None]) -> None:
        """The network of LABEL_NETWORK: one output per learned area and topic, over the dense blocks of the relevant
        rows whose labels are known (none without dense blocks, a weight or two learned labels)."""
        self.label_network_: tuple[tuple[str, ...], MLPClassifier] | None = None
        learned = tuple(self.label_models_)
        if not self.label_network or self.dense_columns_.size == 0 or len(learned) < 2:
            return
        targets = np.array([[int(label in labels[i]) for label in learned] for i in known])
        # Early stopping holds a tenth of the rows out: only with EARLY_STOPPING_ROWS of them to judge by.
        network = _network(len(known) >= 10 * EARLY_STOPPING_ROWS, self.random_state)
        self.label_network_ = (learned, network.fit(X[known][:, self.dense_columns_].toarray(), targets))

    def _relevance(self, X, dense: np.ndarray | None) -> np.ndarray:
        """The relevance probability of feature rows (`dense`: their dense blocks): the weighted mean of
        RELEVANCE_MIX."""
        linear = self.relevance_.predict_proba(X)[:, 1]
        dense_models = getattr(self, "dense_models_", [])  # none in a model file saved before the mix
        if not dense_models:
            return linear
        return self.relevance_mix[0] * linear + sum(w * m.predict_proba(dense)[:, 1] for w, m in dense_models)

    def _label_scores(self, X, dense: np.ndarray | None) -> dict[str, np.ndarray]:
        """Each learned area's and topic's probability; an area's mixed with the label network's (LABEL_NETWORK)."""
        scores = {label: m.predict_proba(X)[:, 1] for label, m in self.label_models_.items()}
        network = getattr(self, "label_network_", None)  # none in a model file saved before it
        if network is not None:
            learned, model = network
            outputs = model.predict_proba(dense)
            for j, label in enumerate(learned):
                if label in self.area_ids:
                    scores[label] = (1 - self.label_network) * scores[label] + self.label_network * outputs[:, j]
        return scores

    def _compact(self) -> None:
        """Weights as float32, as the features are: half the model file. Rebuilt with these and int8 concepts, the
        default model's held-out relevance F1 moved by at most 0.002 per corpus."""
        linear = [c.estimator for c in self.relevance_.calibrated_classifiers_] + list(self.label_models_.values())
        for model in [*linear, *([self.stance_] if self.stance_ is not None else [])]:
            model.coef_ = model.coef_.astype(np.float32)

    def _fit_stance(self, X, y: np.ndarray, stances: Sequence[str | None], w: np.ndarray) -> LogisticRegression | None:
        rows = [i for i, s in enumerate(stances) if y[i] == 1 and s in STANCES]
        counts = np.unique([stances[i] for i in rows], return_counts=True)[1]
        if len(counts) < 2 or counts.min() < MIN_POSITIVES:
            logger.warning("stance has too few labeled examples (%s): not learned", counts.tolist())
            return None
        model = LogisticRegression(C=self.c_labels, class_weight="balanced", max_iter=3000)
        return model.fit(X[rows], [stances[i] for i in rows], sample_weight=w[rows])

    def scores(self, docs: Sequence[str]) -> list[dict[str, float]]:
        """Probability per label (relevance included) for each normalized document."""
        return self._scores(self.features_.transform(docs))

    def _scores(self, X) -> list[dict[str, float]]:
        columns = getattr(self, "dense_columns_", np.zeros(0, int))
        dense = X[:, columns].toarray() if columns.size else None
        rel = self._relevance(X, dense)
        per_label = self._label_scores(X, dense)
        return [
            {RELEVANCE: float(rel[i]), **{label: float(p[i]) for label, p in per_label.items()}}
            for i in range(X.shape[0])
        ]

    def decide(
        self, scores: dict[str, float], stance: str | None = None, thresholds: dict[str, float] | None = None
    ) -> Prediction:
        """Apply the thresholds (the learned ones unless given): areas, topics and stance only for a relevant
        article; at least one area."""
        thresholds = thresholds or self.thresholds_
        relevant = scores[RELEVANCE] >= thresholds[RELEVANCE]
        areas: tuple[str, ...] = ()
        topics: tuple[str, ...] = ()
        if relevant:
            areas = tuple(a for a in self.area_ids if scores.get(a, 0.0) >= thresholds[a])
            if not areas:
                best = max(self.area_ids, key=lambda a: scores.get(a, 0.0))
                areas = (best,) if scores.get(best, 0.0) > 0 else ()
            topics = tuple(t for t in self.topic_ids if scores.get(t, 0.0) >= thresholds[t])
        rounded = {k: round(v, 4) for k, v in scores.items()}
        return Prediction(relevant, rounded[RELEVANCE], areas, topics, rounded, stance if relevant else None)

    def features(self, docs: Sequence[str]) -> sp.csr_matrix:
        """The feature rows of normalized documents: what `predict_rows` and `explain_row` read."""
        return self.features_.transform(docs).tocsr()

    def predict(self, docs: Sequence[str]) -> list[Prediction]:
        return self.predict_rows(self.features(docs))

    def predict_rows(self, X: sp.csr_matrix) -> list[Prediction]:
        """Predictions from feature rows (`features`), so a caller that also explains computes them once."""
        stance_model = getattr(self, "stance_", None)
        stances = stance_model.predict(X) if stance_model is not None and X.shape[0] else [None] * X.shape[0]
        return [self.decide(s, stance) for s, stance in zip(self._scores(X), stances, strict=True)]

    def _coefficients(self, label: str) -> np.ndarray:
        if label == RELEVANCE:
            return np.mean([c.estimator.coef_[0] for c in self.relevance_.calibrated_classifiers_], axis=0)
        return self.label_models_[label].coef_[0]

    def _explainer(self, label: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The feature names, which features are words, and `label`'s weights: derived once, on first use."""
        if not hasattr(self, "_feature_names"):
            self._feature_names = self.features_.get_feature_names_out()
            # Whole-text words only: the opening block repeats some of them, phrase counts are group names.
            self._word_features = np.char.startswith(self._feature_names.astype(str), "words__")
            self._weights: dict[str, np.ndarray] = {}
        if label not in self._weights:
            self._weights[label] = self._coefficients(label)
        return self._feature_names, self._word_features, self._weights[label]

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        # Large: explanation tables are rebuilt on the first explain(); fold scores serve training only.
        for derived in ("_feature_names", "_word_features", "_weights", "cv_scores_"):
            state.pop(derived, None)
        return state

    def explain(self, doc: str, label: str, top: int = 8) -> list[tuple[str, float]]:
        """The terms of `doc` that push hardest towards `label` (feature value x weight), strongest first; for
        relevance and the areas, the terms of the linear model of their mix (the others read the dense blocks, not
        words)."""
        return self.explain_row(self.features([doc]), label, top)

    def explain_row(self, row: sp.csr_matrix, label: str, top: int = 8) -> list[tuple[str, float]]:
        """`explain` of a document's feature row (one row of `features`)."""
        if label != RELEVANCE and label not in self.label_models_:
            return []
        names, words, weights = self._explainer(label)
        contributions = row.data * weights[row.indices]
        pushing = np.flatnonzero(words[row.indices] & (contributions > 0))
        order = pushing[np.argsort(-contributions[pushing], kind="stable")][:top]
        return [
            (names[row.indices[i]].split("__", 1)[1].replace("_", " "), round(float(contributions[i]), 4))
            for i in order
        ]
