"""Put a classifier's prediction and the places an article mentions on its record."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from classifier import LoadedModel, Prediction
from classifier.model import RELEVANCE
from classifier.places import PlaceMatcher
from classifier.text import document, joined
from config.models import QaColumn
from search import Article, Store
from search.batching import batched

RELABEL_BATCH = 256


def labeled(article: Article, prediction: Prediction, model_version: str) -> Article:
    """The article with the model's labels (label_source "model")."""
    return dataclasses.replace(
        article,
        relevant=prediction.relevant,
        relevance=prediction.relevance,
        areas=prediction.areas,
        topics=prediction.topics,
        scores=prediction.scores,
        stance=prediction.stance,
        label_source="model",
        model_version=model_version,
    )


def explanations(loaded: LoadedModel, doc: str, article: Article, row: Any = None) -> dict[str, list[list[Any]]]:
    """The terms behind each label the article carries (and behind relevance), computed once, here.

    `row`: the document's feature row when the caller has it already (classification), else computed from `doc`."""
    given = [RELEVANCE, *article.areas, *article.topics] if article.relevant else [RELEVANCE]
    features = row if row is not None else loaded.model.features([doc])
    return {label: [[term, weight] for term, weight in loaded.model.explain_row(features, label)] for label in given}


def in_named_column(article: Article, column: QaColumn | None) -> bool:
    """Whether the article stands in the column plan 47 names among the CCHC columns of the provincial portal
    ("Dân hỏi - Cơ quan chức năng trả lời"): by the plan, every item there is CCHC publicity."""
    return column is not None and article.source == column.source and article.section == column.section


def classify_articles(loaded: LoadedModel, articles: Sequence[Article], column: QaColumn | None) -> list[Article]:
    """Label a batch of articles with one model call, and keep the terms behind each label on the record.

    An item of `column`, the plan's named CCHC column (`Plan.qa_column`, read once by the caller), is relevant
    whatever its score (which is kept as the model gave it); its areas and topics are the model's, at least its
    best area."""
    docs = [document(a.title, a.lead, a.text) for a in articles]
    rows = loaded.model.features(docs)
    results = []
    for i, (article, doc, prediction) in enumerate(zip(articles, docs, loaded.model.predict_rows(rows), strict=True)):
        if in_named_column(article, column) and not prediction.relevant:
            threshold = loaded.model.thresholds_[RELEVANCE]
            forced = loaded.model.decide({**prediction.scores, RELEVANCE: max(prediction.relevance, threshold)})
            prediction = dataclasses.replace(forced, relevance=prediction.relevance, scores=prediction.scores)
        result = labeled(article, prediction, loaded.version)
        results.append(dataclasses.replace(result, explanations=explanations(loaded, doc, result, rows[i])))
    return results


def located(article: Article, matcher: PlaceMatcher) -> Article:
    """The article with the gazetteer places its title, lead and text mention, resolved by its date.

    The text is joined as `document` joins it, so the matcher finds it normalized already when it was classified."""
    day = article.published_at.date() if article.published_at else None
    places = matcher.find(joined(article.title, article.lead, article.text), day)
    return dataclasses.replace(article, places=places)


def relabel_store(
    store: Store,
    loaded: LoadedModel,
    matcher: PlaceMatcher,
    column: QaColumn | None,
    include_human: bool = False,
    on_batch: Callable[[int], None] | None = None,
    only_stale: bool = False,
) -> Counter[str]:
    """Label every stored article again with `loaded` and the gazetteer, a batch at a time; labels people set are
    kept unless `include_human`. `only_stale` leaves alone what this model version labeled already, so an
    interrupted relabeling goes on where it stopped. Returns counts: relevant, not (relevant), human (kept) and
    current (already labeled by this version)."""
    counts: Counter[str] = Counter()
    for batch in batched(store.iter_articles(), RELABEL_BATCH):
        kept = [a for a in batch if a.label_source != "human" or include_human]
        counts["human"] += len(batch) - len(kept)
        if only_stale:
            stale = [a for a in kept if a.label_source != "model" or a.model_version != loaded.version]
            counts["current"] += len(kept) - len(stale)
            kept = stale
        for article in classify_articles(loaded, kept, column) if kept else []:
            store.set_labels(located(article, matcher))
            counts["relevant" if article.relevant else "not"] += 1
        if on_batch is not None:
            on_batch(len(batch))
    return counts
