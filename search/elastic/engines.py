"""The two engines the scale-out store talks to, Elasticsearch 8 and OpenSearch 2/3, through their official clients.

Both clients take the same request bodies (`body=`), so the store and the index setup are one code; what
differs is how a client is made, its exception classes and its bulk helper. The Elasticsearch 8 client refuses
OpenSearch servers, hence one URL scheme per engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from config.settings import get_settings

TIMEOUT = 30
SCHEMES = {
    "elasticsearch+http": "elasticsearch",
    "elasticsearch+https": "elasticsearch",
    "opensearch+http": "opensearch",
    "opensearch+https": "opensearch",
}


class EngineConfigError(ValueError):
    """A store URL or credential setting that no client can use."""


@dataclass(frozen=True)
class Engine:
    """A connected client and what the store needs to know about it."""

    name: str  # "Elasticsearch" or "OpenSearch", for messages
    client: Any
    errors: tuple[type[Exception], ...]  # whatever a failed request raises
    unreachable: tuple[type[Exception], ...]  # the cluster could not be reached at all
    not_found: type[Exception]
    streaming_bulk: Callable[..., Any]

    def status(self, exc: Exception) -> int | None:
        """The HTTP status of a failed request, None when no answer came."""
        status = getattr(exc, "status_code", None)
        return status if isinstance(status, int) else None


def _credentials() -> tuple[str | None, tuple[str, str] | None, str | None]:
    """API key, user and password, CA bundle: from the settings (CCHC_ES_* in the environment), never from the URL."""
    settings = get_settings()
    basic = (settings.es_user, settings.es_password) if settings.es_user else None
    return settings.es_api_key or None, basic, settings.es_ca_certs or None


def _elasticsearch(endpoint: str) -> Engine:
    from elastic_transport import TransportError
    from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

    api_key, basic, ca = _credentials()
    options: dict[str, Any] = {"request_timeout": TIMEOUT, "retry_on_timeout": True, "max_retries": 2}
    if api_key:
        options["api_key"] = api_key
    elif basic:
        options["basic_auth"] = basic
    if ca:
        options["ca_certs"] = ca
    return Engine("Elasticsearch", Elasticsearch(endpoint, **options), (TransportError, ApiError), (TransportError,),
                  NotFoundError, helpers.streaming_bulk)  # fmt: skip


def _opensearch(endpoint: str) -> Engine:
    from opensearchpy import ConnectionError, NotFoundError, OpenSearch, OpenSearchException, helpers

    api_key, basic, ca = _credentials()
    if api_key:
        raise EngineConfigError("OpenSearch takes no API key: set CCHC_ES_USER and CCHC_ES_PASSWORD instead")
    options: dict[str, Any] = {"timeout": TIMEOUT, "retry_on_timeout": True, "max_retries": 2}
    if basic:
        options["http_auth"] = basic
    if ca:
        options["ca_certs"] = ca
    if endpoint.startswith("https://"):
        options["verify_certs"] = True
    return Engine("OpenSearch", OpenSearch(hosts=[endpoint], **options), (OpenSearchException,), (ConnectionError,),
                  NotFoundError, helpers.streaming_bulk)  # fmt: skip


def connect(url: str) -> Engine:
    """A client for `elasticsearch+http(s)://host:port` or `opensearch+http(s)://host:port`."""
    scheme, _, rest = url.partition("://")
    if scheme not in SCHEMES:
        raise EngineConfigError(f"not an engine URL: {url!r} (use one of {', '.join(SCHEMES)})")
    endpoint = f"{scheme.partition('+')[2]}://{rest}"
    return _opensearch(endpoint) if SCHEMES[scheme] == "opensearch" else _elasticsearch(endpoint)
