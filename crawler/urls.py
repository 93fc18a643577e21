"""URL canonicalization: one article, one URL, whatever tracking decorates the link."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from config.models import strip_host_prefix

TRACKING_PARAM = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|zarsrc|gidzl|pageindex|_ga)$", re.IGNORECASE)


def clean(url: str) -> str:
    """The URL to fetch: fragments and tracking parameters dropped, query sorted; host and path as they are."""
    parts = urlsplit(canonicalize_url(url.strip(), keep_fragments=False))
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAM.match(k)]
    )
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


# URLs canonicalized lately: a page's URL is canonicalized when it is queued and again, with its canonical link,
# when it is read.
CANONICAL_CACHE_SIZE = 4096


@lru_cache(maxsize=CANONICAL_CACHE_SIZE)
def canonicalize(url: str) -> str:
    """The article's identity: `clean`, and also without www./m. hosts, default ports and trailing slashes."""
    url = clean(url)
    parts = urlsplit(url)
    host = strip_host_prefix(parts.hostname or "")
    if parts.port and (parts.scheme, parts.port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{parts.port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAM.match(k)]
    )
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))
