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


class PlaceMatcher:
    """Finds gazetteer places in Vietnamese text."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.by_alias: dict[str, list[Place]] = {}
        for place in gazetteer.places:
            for alias in place.aliases:
                self.by_alias.setdefault(self._key(alias), []).append(place)
        aliases = sorted(self.by_alias, key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in aliases) + r")(?!\w)")

    @staticmethod
    def _key(text: str) -> str:
        """One spelling for names and texts alike: NFC, one tone-mark convention ("Hoà" = "Hòa"), lower case."""
        return normalize(text).lower()

    def resolve(self, alias: str, on: date | None) -> Place | None:
        """The place an alias names on a date (without a date: the only candidate, if just one)."""
        candidates = self.by_alias.get(self._key(alias), [])
        if on is not None:
            candidates = [p for p in candidates if p.valid_on(on)]
        return candidates[0] if len(candidates) == 1 else None

    def find(self, text: str, on: date | None) -> tuple[str, ...]:
        """Ids of the places mentioned in `text`, in order of first mention, each once."""
        found: dict[str, None] = {}
        for match in self.pattern.finditer(self._key(text)):
            place = self.resolve(match.group(1), on)
            if place is not None:
                found.setdefault(place.id)
        return tuple(found)
