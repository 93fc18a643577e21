"""Accent folding for Vietnamese: one character in, one character out.

Because folding keeps every offset, a match found in folded text marks the same
span of the original text, which is how highlights keep the original accents.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_SPECIAL = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ƒ": "f"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    if char.isascii():
        return char
    base = unicodedata.normalize("NFD", char)[0]
    return base if not unicodedata.combining(base) else char


class _FoldTable(dict[int, str]):
    """str.translate's table, filled per code point on first sight."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Strip diacritics (đ→d included) from NFC text, keeping its length."""
    return text.translate(_FOLD_TABLE)


def nfc(text: str) -> str:
    """Unicode NFC, the one composition the archive stores."""
    return unicodedata.normalize("NFC", text)
