"""What capping the text a model reads costs and buys: for each cap, how often the committed model's decisions
on the team's real labeled articles stay those it makes on the whole text, F1 against their gold labels, and
speed on VNTC test documents. Texts are read from ../shared/data at run time. Prints figures only.

The real labeled articles are part of the committed model's training data: the figures measure how far a cap
moves the model's decisions, not how well it generalizes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.bench_classifier import _vntc
from cchc import SHARED_DATA_DIR
from classifier import DEFAULT_MODEL_DIR, load
from classifier.dataset import real_examples
from classifier.evaluation import score
from classifier.text import _text_normalize, document, normalized_token
from config import load_taxonomy

CAPS = (None, 6000, 4000, 3000, 2000, 1500)


def _clear_caches() -> None:
    for cache in (_text_normalize, normalized_token):
        cache.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labeled", type=int, default=None, help="only the first N real labeled articles")
    parser.add_argument("--speed-docs", type=int, default=300, help="VNTC test documents timed per cap")
    parser.add_argument("--caps", type=int, nargs="*", default=None, help="caps to try, in characters")
    args = parser.parse_args()
    caps = (None, *args.caps) if args.caps else CAPS
    taxonomy = load_taxonomy()
    loaded = load(DEFAULT_MODEL_DIR, taxonomy)
    model = loaded.model
    examples = real_examples(taxonomy, SHARED_DATA_DIR)[: args.labeled]
    lengths = [len(e.title) + len(e.text) + 1 for e in examples]
    print(f"machine: {os.cpu_count()} cores; {len(examples)} real labeled articles, median"
          f" {statistics.median(lengths):.0f} characters, {sum(n > 3000 for n in lengths)} over 3,000")  # fmt: skip
    texts, _ = _vntc("test", args.speed_docs)
    print(f"speed sample: {len(texts)} VNTC test docs, median {statistics.median(map(len, texts)):.0f} characters")
    full = None
    for cap in caps:
        predictions = model.predict([document(e.title, e.lead, e.text, cap) for e in examples])
        if full is None:
            full = predictions
        same_relevance = sum(p.relevant == f.relevant for p, f in zip(predictions, full, strict=True))
        same_labels = sum((p.relevant, p.areas, p.topics) == (f.relevant, f.areas, f.topics)
                          for p, f in zip(predictions, full, strict=True))  # fmt: skip
        relevance = score("relevant", [e.relevant for e in examples], [p.relevant for p in predictions])
        rows = [i for i, e in enumerate(examples) if e.relevant and e.labels is not None]
        areas = [score(a, [a in examples[i].labels for i in rows], [a in predictions[i].areas for i in rows])
                 for a in model.area_ids]  # fmt: skip
        macro = statistics.mean(s.f1 for s in areas if s.support)
        _clear_caches()
        started = time.perf_counter()
        model.predict([document("", "", t, cap) for t in texts])
        rate = len(texts) / (time.perf_counter() - started)
        print(f"cap {cap or 'none':>5}: same relevance {same_relevance}/{len(examples)}, same labels"
              f" {same_labels}/{len(examples)}; relevance F1 {relevance.f1:.3f}, areas macro F1 {macro:.3f};"
              f" VNTC {rate:.0f} docs/s")  # fmt: skip


if __name__ == "__main__":
    main()
