"""Near-duplicates: a simhash of each article's words, so reprints across sources count once.

Two articles whose 64-bit fingerprints differ in at most MAX_DISTANCE bits are one story. The
fingerprint is split into BANDS bands of BAND_BITS bits: two such fingerprints always share a band, so a store
finds candidates with an index lookup (the latest MAX_CANDIDATES_PER_BAND per band), then checks the distance.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from search.folding import fold, nfc

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

SHINGLE = 3
BANDS = 5
BAND_BITS = 13  # 5 bands of 13 bits (the last has 12): fingerprints MAX_DISTANCE apart share a band
MAX_DISTANCE = 4
MIN_WORDS = 40  # shorter texts (video captions, briefs) are too alike by chance
MIN_LINE_WORDS = 8  # shorter lines are signatures and captions ("Nguồn tin: …"), which reprints change
_WORD = re.compile(r"[^\W_]+")
_ROTATION = 21  # bits each word of a shingle is turned by, per place: 64 / SHINGLE
_WORD_HASHES: dict[str, int] = {}
_MAX_WORD_HASHES = 200_000
# A new article is compared with at most this many stored articles per band, the latest stored: the lookup stays
# bounded however many alike articles the archive holds (a reprint points to its original, so a story's original
# is still found through its recent reprints).
MAX_CANDIDATES_PER_BAND = 50
# What a stored fingerprint and its band keys mean. A store keeps the layout its bands were built with and
# rebuilds them when this changes, so new articles never miss the old ones: change it with fingerprint() or bands().
LAYOUT = (
    f"simhash64-blake2b-words-splitmix2 shingle={SHINGLE} min_words={MIN_WORDS} min_line_words={MIN_LINE_WORDS}"
    f" bands={BANDS}x{BAND_BITS}"
)


def fingerprint(lead: str, text: str) -> str | None:
    """The simhash of an article's lead and body words (folded, lower case) as 16 hex digits, or None when too short."""
    words = []
    for line in fold(nfc(f"{lead}\n{text}")).lower().splitlines():
        line_words = _WORD.findall(line)
        if len(line_words) >= MIN_LINE_WORDS:
            words.extend(line_words)
    if len(words) < MIN_WORDS:
        return None
    import numpy as np  # imported on first use: the CLI starts (help, search) without numpy

    hashes = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    # Shingle i's 64 bits: its words' hashes, each rotated by its place in the shingle (so order counts), mixed.
    shingles = hashes[: len(words) - SHINGLE + 1].copy()
    for place in range(1, SHINGLE):
        turn = _ROTATION * place
        following = hashes[place : len(words) - SHINGLE + 1 + place]
        shingles ^= (following << np.uint64(turn)) | (following >> np.uint64(64 - turn))
    # Mixed twice: mixed once, texts built alike (one template, other figures; 44,551 pairs) came out closer than
    # with blake2b of each shingle (a mean distance of 15.2 bits against 17.4, 50 pairs within 6 bits against 3);
    # mixed twice, 17.8 and 5.
    shingles = _mix(_mix(shingles))
    # Row i holds shingle i's 64 bits, most significant first: a bit of the fingerprint is set when more shingles
    # have it set than not.
    bits = np.unpackbits(shingles.astype(">u8").view(np.uint8).reshape(len(shingles), 8), axis=1)
    majority = 2 * bits.sum(axis=0, dtype=np.int64) > len(shingles)
    return np.packbits(majority).tobytes().hex()


def _word_hash(word: str) -> int:
    """A word's 64 bits (blake2b), remembered: news repeats a small vocabulary, and hashing each shingle anew cost
    two thirds of a fingerprint."""
    value = _WORD_HASHES.get(word)
    if value is None:
        if len(_WORD_HASHES) >= _MAX_WORD_HASHES:
            _WORD_HASHES.clear()  # a bound on a long crawl's memory; the values never change
        digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
        value = _WORD_HASHES[word] = int.from_bytes(digest, "big")
    return value


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer on each value: every bit of the result depends on every bit of its input."""
    import numpy as np

    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def rebuilding(where: str, old: str | None, total: int) -> None:
    """Say that a store rebuilds its `total` articles' fingerprints and bands, built with layout `old` (a new, empty
    store just records the layout)."""
    if total:
        logger.warning("%s: near-duplicate layout changed (%s -> %s): rebuilding the bands of %d articles",
                       where, old, LAYOUT, total)  # fmt: skip


def bands(simhash: str) -> list[str]:
    """The band keys a store indexes: "0:1a2b", "1:…"."""
    value = int(simhash, 16)
    mask = (1 << BAND_BITS) - 1
    return [f"{i}:{value >> (BAND_BITS * i) & mask:04x}" for i in range(BANDS)]


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


@dataclass(frozen=True)
class Copy:
    """A stored article that shares a band with a new one."""

    id: str
    simhash: str
    published_at: datetime | None
    duplicate_of: str | None


@dataclass(frozen=True)
class Verdict:
    duplicate_of: str | None  # the original the new article reprints
    new_original_of: str | None  # a stored original the new article predates: repoint its copies to the new one


def judge(article_id: str, simhash: str | None, published_at: datetime | None, copies: Iterable[Copy]) -> Verdict:
    """Which story a new article belongs to: the earliest original among its near-duplicates wins. Its own reprints
    (an original stored again, edited) are no other story: it stays their original."""
    if simhash is None:
        return Verdict(None, None)
    roots: dict[str, datetime | None] = {}
    for copy in copies:
        root = copy.duplicate_of or copy.id
        if article_id in (copy.id, root) or distance(copy.simhash, simhash) > MAX_DISTANCE:
            continue
        if root == copy.id or root not in roots:
            roots[root] = copy.published_at if root == copy.id else roots.get(root)
    if not roots:
        return Verdict(None, None)
    earliest = min(roots, key=lambda r: (roots[r] is None, roots[r] or datetime.max, r))
    first = roots[earliest]
    if published_at is not None and first is not None and published_at < first:
        return Verdict(None, earliest)
    return Verdict(earliest, None)
