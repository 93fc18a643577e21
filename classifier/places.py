"""Place and unit mentions: gazetteer names found in a text, resolved by the article's date.

"Diễn Châu" in 2024 is the district; after 1 July 2025 it is the new commune. Longer names win
("thị xã Cửa Lò" over "Cửa Lò"), and a name is only matched as whole words.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from classifier.text import normalize
from config import Gazetteer, Place

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
# Splits a text into the words and what stands between them (a capturing group keeps both).
_WORD_SPLIT = re.compile(r"(\w+)")


class PlaceMatcher:
    """Finds gazetteer places in Vietnamese text."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.by_alias: dict[str, list[Place]] = {}
        for place in gazetteer.places:
            for alias in place.aliases:
                self.by_alias.setdefault(self._key(alias), []).append(place)
        # Aliases by their words ("tp vinh" for "tp. vinh"): a text is read word by word, each start looked up,
        # longest first, then the exact spelling checked. One regex of every alias tried at every character cost
        # 4 ms an article.
        self.by_words: dict[str, list[str]] = {}
        for alias in sorted(self.by_alias, key=len, reverse=True):
            self.by_words.setdefault(" ".join(_WORD.findall(alias)), []).append(alias)
        # The alias lengths (in words) that start with each word, longest first.
        self.lengths: dict[str, list[int]] = {}
        for words in self.by_words:
            first, *rest = words.split()
            self.lengths.setdefault(first, []).append(len(rest) + 1)
        for lengths in self.lengths.values():
            lengths.sort(reverse=True)

    @staticmethod
    def _key(text: str) -> str:
        """One spelling for names and texts alike: NFC, one tone-mark convention ("Hoà" = "Hòa"), lower case."""
        return normalize(text).lower()

    def resolve(self, alias: str, on: date | None) -> Place | None:
        """The place an alias names on a date (without a date: the only candidate, if just one)."""
        return self._place(self._key(alias), on)

    def _place(self, key: str, on: date | None) -> Place | None:
        candidates = self.by_alias.get(key, [])
        if on is not None:
            candidates = [p for p in candidates if p.valid_on(on)]
        return candidates[0] if len(candidates) == 1 else None

    def mentions(self, text: str) -> list[str]:
        """The aliases (as keyed) written in `text` as whole words, left to right; where two overlap, the longer."""
        # Split once, in C: words at the odd indexes, the text between them at the even ones. Only the few words
        # that start an alias are looked at in Python (the word-by-word loop over every word cost 0.6 ms an article).
        parts = _WORD_SPLIT.split(self._key(text))
        words = parts[1::2]
        starts = self.lengths.keys()
        found, after = [], 0
        for i in [i for i, word in enumerate(words) if word in starts]:
            if i < after:
                continue  # inside a name already found
            for n in self.lengths[words[i]]:
                # The words first (most starts begin no name), then the exact spelling between them.
                aliases = self.by_words.get(" ".join(words[i : i + n]))
                if aliases and (written := "".join(parts[2 * i + 1 : 2 * (i + n)])) in aliases:
                    found.append(written)
                    after = i + n
                    break
        return found

    def find(self, text: str, on: date | None) -> tuple[str, ...]:
        """Ids of the places mentioned in `text`, in order of first mention, each once."""
        found: dict[str, None] = {}
        for key in self.mentions(text):
            # Looked up as found: normalizing a normalized "tp. vinh" again splits its full stop off.
            place = self._place(key, on)
            if place is not None:
                found.setdefault(place.id)
        return tuple(found)
