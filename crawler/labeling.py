"""Put a classifier's prediction and the places an article mentions on its record."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from classifier import LoadedModel, Prediction
from classifier.places import PlaceMatcher
from classifier.text import document
from search import Article


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


def classify_articles(loaded: LoadedModel, articles: Sequence[Article]) -> list[Article]:
    """Label a batch of articles with one model call."""
    docs = [document(a.title, a.lead, a.text) for a in articles]
    return [labeled(a, p, loaded.version) for a, p in zip(articles, loaded.model.predict(docs), strict=True)]


def located(article: Article, matcher: PlaceMatcher) -> Article:
    """The article with the gazetteer places its title, lead and text mention, resolved by its date."""
    day = article.published_at.date() if article.published_at else None
    places = matcher.find(f"{article.title}\n{article.lead}\n{article.text}", day)
    return dataclasses.replace(article, places=places)
