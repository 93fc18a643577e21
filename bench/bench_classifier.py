"""Classifier figures: transfer to unseen corpora (leave-one-corpus-out), the usual split, the agreement of two blind
readings of the labels, speed, VNTC 10 topics.

`make bench-classifier` (VNTC needs ../shared/data; tokenizing its 84k documents takes ~10 minutes on 2 cores).
Prints figures only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import statistics
import time
from collections import Counter
from multiprocessing import Pool

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

from cchc import SHARED_DATA_DIR
from classifier import DEFAULT_MODEL_DIR, load
from classifier.corpora import corpus_of
from classifier.dataset import Example, Reading, plan_phrases, second_readings, training_examples, unlabeled_pool
from classifier.evaluation import Report, agreement, area_agreement
from classifier.features import build_features
from classifier.text import _text_normalize, normalize, normalized_token
from classifier.training import split_evaluation, train
from config import Taxonomy, load_taxonomy

VNTC_DIR = SHARED_DATA_DIR / "vntc10"


def _row(name: str, report: Report) -> str:
    r, k = report.relevance, report.ranking
    order = f" {k.auc:>6.3f} {k.average_precision:>6.3f} {k.best_f1:>7.3f}" if k else ""
    return (f"{name:<22} {report.examples:>6} {r.support:>5} {r.precision:>6.3f} {r.recall:>6.3f} {r.f1:>6.3f}"
            f" {report.macro_f1_areas:>8.3f} {report.macro_f1_topics:>8.3f}{order}")  # fmt: skip


def quality() -> None:
    """Leave-one-corpus-out figures (the ones to improve), then the usual split of the real labels."""
    taxonomy = load_taxonomy()
    areas, topics = [a.id for a in taxonomy.areas], [t.id for t in taxonomy.topics]
    examples = training_examples(taxonomy, SHARED_DATA_DIR)
    origins = Counter(e.origin for e in examples)
    print("training examples: " + ", ".join(f"{n} {o}" for o, n in sorted(origins.items()))
          + f"; team-written {100 * origins['written'] / len(examples):.0f}%")  # fmt: skip
    pool = unlabeled_pool(SHARED_DATA_DIR)
    print(f"unlabeled pool of the word vectors: {len(pool.docs)} articles")
    started = time.perf_counter()
    result = train(examples, areas, topics, pool=pool, phrases=plan_phrases(taxonomy))
    _, _, split_reports = split_evaluation(examples, areas, topics, pool=pool, per_corpus=True,
                                           phrases=plan_phrases(taxonomy))  # fmt: skip
    print(f"leave-one-corpus-out, then the usual split: {time.perf_counter() - started:.0f} s")
    header = f"{'held-out corpus':<22} {'n':>6} {'rel':>5} {'P':>6} {'R':>6} {'F1':>6}"
    # AUC, average precision and the best F1 of any threshold on the corpus itself: whether a change ranks the
    # articles better or only moves where the learned threshold falls (evaluation.Ranking).
    print(f"{header} {'areas F1':>8} {'topics F1':>8} {'AUC':>6} {'AP':>6} {'best F1':>7}")
    for corpus, report in result.reports.items():
        print(_row(corpus, report))
        print("  " + ", ".join(f"{s.label} {s.f1:.2f} (n={s.support})" for s in report.areas if s.support))
    print("usual split of the real labels (written texts train only; thresholds by 5-fold on its training part), then"
          " each corpus's share of it (news of a corpus the model was trained on):")  # fmt: skip
    for name, report in split_reports.items():
        part, _, corpus = name.partition(": ")
        print(_row(f"  {corpus}" if corpus else part, report))
    readers(examples, taxonomy)


def readers(examples: list[Example], taxonomy: Taxonomy) -> None:
    """How far two blind readings of the same labeled articles agree: the ceiling the held-out figures face."""
    readings = second_readings(taxonomy)
    labeled = Counter((corpus_of(e.id), e.relevant) for e in examples if e.origin == "real")
    by_corpus: dict[str, list[tuple[Reading, Reading]]] = {}
    for key, first, second in readings:
        by_corpus.setdefault(corpus_of(key) or "?", []).append((first, second))
    print(f"two blind readings of {len(readings)} labeled articles (as many relevant as others per corpus); relevance"
          " F1 of the second against the first, weighted to the corpus's labeled mix:")  # fmt: skip
    print(f"{'corpus':<22} {'read':>5} {'relevant kept':>13} {'others kept':>11} {'F1':>6}")
    for corpus, pairs in sorted(by_corpus.items()):
        a = agreement(corpus, pairs, labeled[corpus, True], labeled[corpus, False])
        print(f"{corpus:<22} {a.read:>5} {a.relevant_kept:>13.2f} {a.others_kept:>11.2f} {a.f1:>6.3f}")
    pairs = [(first, second) for _, first, second in readings]
    areas = [a.id for a in taxonomy.areas]
    print(f"areas macro-F1 between the readings (articles both read as relevant): {area_agreement(pairs, areas):.3f}")


def _vntc(split: str, limit: int | None) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    with lzma.open(VNTC_DIR / f"{split}.jsonl.xz", "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts.append(record["text"])
            labels.append(record["label"])
    if limit and len(texts) > limit:
        # The files are grouped by topic: an even stride keeps every topic.
        stride = len(texts) // limit
        texts, labels = texts[::stride][:limit], labels[::stride][:limit]
    return texts, labels


def speed(samples: int) -> None:
    texts, _ = _vntc("test", samples)
    loaded = load(DEFAULT_MODEL_DIR, load_taxonomy())
    print(f"speed sample: {len(texts)} VNTC test docs, median {statistics.median(map(len, texts)):.0f} characters")
    for cache in (_text_normalize, normalized_token):  # nothing read before counts
        cache.cache_clear()
    started = time.perf_counter()
    docs = [normalize(t) for t in texts]
    normalized = time.perf_counter()
    loaded.model.predict(docs)
    total = time.perf_counter() - started
    print(f"classify: {len(texts) / total:.0f} docs/s end to end (normalize + features + models);"
          f" normalization {100 * (normalized - started) / total:.0f}% of the time")  # fmt: skip


def vntc(limit: int | None, max_features: int) -> None:
    if not VNTC_DIR.is_dir():
        print("vntc: ../shared/data/vntc10 is absent; skipped")
        return
    train_texts, train_labels = _vntc("train", limit)
    test_texts, test_labels = _vntc("test", limit)
    started = time.perf_counter()
    with Pool(os.cpu_count() or 1) as pool:
        train_docs = pool.map(normalize, train_texts, chunksize=200)
        test_docs = pool.map(normalize, test_texts, chunksize=200)
    print(f"vntc: {len(train_texts)} train / {len(test_texts)} test docs normalized"
          f" in {time.perf_counter() - started:.0f} s")  # fmt: skip
    union = build_features(max_features, max_features)
    union.transformer_list = union.transformer_list[
        :2
    ]  # the model's TF-IDF blocks; the plan's phrases say nothing here
    started = time.perf_counter()
    X_train, X_test = union.fit_transform(train_docs).tocsr(), union.transform(test_docs).tocsr()
    print(f"vntc: features {X_train.shape[1]} in {time.perf_counter() - started:.0f} s")

    def run(name: str, train_rows: np.ndarray, test_rows: np.ndarray) -> None:
        t0 = time.perf_counter()
        model = LinearSVC(C=0.5).fit(X_train[train_rows], np.asarray(train_labels)[train_rows])
        predicted = model.predict(X_test[test_rows])
        gold = np.asarray(test_labels)[test_rows]
        print(f"vntc {name}: accuracy {accuracy_score(gold, predicted):.4f}, macro F1"
              f" {f1_score(gold, predicted, average='macro'):.4f} ({len(train_rows)} train, {len(test_rows)} test,"
              f" fit {time.perf_counter() - t0:.0f} s)")  # fmt: skip

    run("official split", np.arange(len(train_texts)), np.arange(len(test_texts)))
    seen: set[str] = set()
    keep_train = []
    for i, text in enumerate(train_texts):
        key = " ".join(text.split())
        if key not in seen:
            seen.add(key)
            keep_train.append(i)
    keep_test = [i for i, text in enumerate(test_texts) if " ".join(text.split()) not in seen]
    run(
        "deduplicated (train duplicates and test docs seen in train removed)", np.array(keep_train), np.array(keep_test)
    )
    print("published anchors: 92.8% (TF-IDF + LinearSVC), 92.33% (TF-IDF + logistic regression)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-vntc", action="store_true")
    parser.add_argument("--vntc-limit", type=int, default=None, help="an even sample of N docs of each split")
    parser.add_argument("--vntc-features", type=int, default=200_000, help="max features per block for VNTC")
    parser.add_argument("--speed-docs", type=int, default=500)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    speed(args.speed_docs)
    if not args.skip_quality:
        quality()
    if not args.skip_vntc:
        vntc(args.vntc_limit, args.vntc_features)


if __name__ == "__main__":
    main()
