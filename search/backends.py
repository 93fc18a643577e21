"""`open_store`: the backend a store URL names. Backends import the contract (search.store), never this."""

from __future__ import annotations

from search.store import Store, StoreError


def open_store(url: str, create: bool = True) -> Store:
    """Open the backend a store URL names: `sqlite:///relative.db`, `sqlite:////absolute.db`,
    `elasticsearch+http://host:9200`, `opensearch+http://host:9200` (or https; credentials from CCHC_ES_API_KEY
    or CCHC_ES_USER/CCHC_ES_PASSWORD). With `create=False` (commands that only read) a SQLite file that does
    not exist raises StoreMissing instead of becoming an empty archive."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise StoreError(f"store URL {url!r} has no scheme: use sqlite:///path/to/file.db")
    if scheme in ("elasticsearch+http", "elasticsearch+https", "opensearch+http", "opensearch+https"):
        from search.elastic.store import ElasticStore

        try:
            return ElasticStore(url)
        except ValueError as exc:  # the client's URL parser: bad port, bad IPv6 literal, ...
            raise StoreError(f"store URL {url!r}: {exc}") from None
    if scheme == "sqlite":
        from search.sqlite import SQLiteStore

        if not rest.startswith("/") or rest == "/":
            raise StoreError(f"store URL {url!r}: write sqlite:///relative/path.db or sqlite:////absolute/path.db")
        return SQLiteStore(rest[1:], url=url, create=create)
    supported = "sqlite, elasticsearch+http(s), opensearch+http(s)"
    raise StoreError(f"store URL {url!r}: unsupported backend {scheme!r} (supported: {supported})")
