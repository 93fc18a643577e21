"""Text normalization: NFC, one tone-mark convention, clean whitespace, no page furniture."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

logger = logging.getLogger(__name__)

# Lines that are page furniture rather than article text, whichever extractor let them through.
_FURNITURE = re.compile(
    r"^(?:ảnh|nguồn|tác giả|theo|xem thêm|tin liên quan|bài viết liên quan|chia sẻ|bình luận)\s*[:：]?.{0,60}$",
    re.IGNORECASE,
)
_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


# Lines normalized lately: the places matcher reads the lines classification just read, and a site's
# boilerplate lines come back in every article.
LINE_CACHE_SIZE = 20_000
# Tokens normalized lately: a text repeats its words, and news repeats its vocabulary.
TOKEN_CACHE_SIZE = 200_000
# Texts normalized lately: the places matcher reads the articles a batch's classification has just normalized
# (a batch, CCHC_BATCH_SIZE, is 64 by default; a larger one still works, missing the cache), and normalizing one
# again cost 0.2 ms an article.
TEXT_CACHE_SIZE = 128


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def normalized_token(token: str) -> str:
    """underthesea's token_normalize (character variants, tone-mark placement) of one token."""
    from underthesea.pipeline.text_normalize import token_normalize  # imported on first use: slow to import

    return token_normalize(token)


def regex_tokens(line: str) -> list[str]:
    """underthesea's regex tokenization of a line, its tokens normalized as underthesea normalizes them.

    The tokens its `tokenize` gives, read straight from its pattern's matches: its own loop also asks each match
    which of its 20 named groups matched (a third of the cost) and normalizes every token again, uncached."""
    from underthesea.pipeline.word_tokenize.regex_tokenize import normalize_characters_in_text, patterns

    return [normalized_token(match.group(0)) for match in patterns.finditer(normalize_characters_in_text(line))]


@lru_cache(maxsize=LINE_CACHE_SIZE)
def _text_normalize(line: str) -> str:
    """underthesea's text_normalize(line), which normalizes each token twice (in its tokenizer and after)."""
    return " ".join(normalized_token(token) for token in regex_tokens(line))


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def normalize(text: str) -> str:
    """NFC, underthesea's tone-mark placement ("hoà" -> "hòa"), one space, furniture lines dropped."""
    text = unicodedata.normalize("NFC", text or "")
    lines = []
    for line in text.splitlines():
        line = _SPACE.sub(" ", line).strip()
        if line and not _FURNITURE.match(line):
            lines.append(_text_normalize(line))
    return "\n".join(lines)


def normalize_phrase(phrase: str) -> str:
    """A phrase spelled as `normalize` spells article text, but never dropped: "theo dõi tình hình thi hành pháp
    luật" is a phrase of the plan, not a "Theo ..." source line."""
    return _text_normalize(_SPACE.sub(" ", unicodedata.normalize("NFC", phrase)).strip())


# The characters of an article a model reads (title, lead, then the body's beginning), cut before any heavy work
# (normalization, word segmentation, n-grams) so one long text cannot cost unbounded time; the archive keeps the
# whole text. bench/bench_text_cap.py on the first 800 real labeled articles (model of 2026-12-04): at 10,000
# every decision is the one made on the whole text; at 6,000, 2 of 800 label sets change; at 3,000, 2 relevance
# decisions and 5 label sets (area macro-F1 0.988 -> 0.979).
MAX_DOC_CHARS = 10_000


def joined(title: str, lead: str = "", text: str = "") -> str:
    """An article's title, lead and body, a line apart: what `document` normalizes and the places matcher reads."""
    return "\n".join(part for part in (title, lead, text) if part)


def document(title: str, lead: str = "", text: str = "", max_chars: int | None = MAX_DOC_CHARS) -> str:
    """The text a model reads for an article: title, lead and body, cut at a word boundary within `max_chars`
    characters (None: the whole text), normalized."""
    joined_text = joined(title, lead, text)
    if max_chars is not None and len(joined_text) > max_chars:
        head = joined_text[: max_chars + 1]
        joined_text = head[: max(head.rfind(" "), head.rfind("\n"), max_chars // 2)]
    return normalize(joined_text)
