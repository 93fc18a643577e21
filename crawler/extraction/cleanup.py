"""Text cleanup shared by every extraction path: whitespace, boilerplate lines, prefixes."""

from __future__ import annotations

import re
import unicodedata

# "(Baonghean.vn) - ", "(Baonghean) - ", "(Dân trí) - ", "(NLĐ)-": an outlet tag before the lead.
OUTLET_PREFIX = re.compile(r"^\s*\(\s*[^()\n]{2,40}?\s*\)\s*[-–—:]\s*|^\s*\(\s*[A-ZĐ][\w.]{1,14}\s*\)\s+")
AUTHOR_PREFIX = re.compile(
    r"^\s*(?:tác giả|bài(?:\s*(?:,|và|&|-)\s*ảnh)?|ảnh|thực hiện|người viết|by)\s*:\s*", re.IGNORECASE
)
# Lines that are page furniture, not article text (text-to-speech, follow/share, related, comments).
BOILERPLATE_LINE = re.compile(
    r"^(?:nghe bài viết|(?:nam|nữ) miền (?:bắc|nam|trung)(?:\s*[/|,]?\s*(?:nam|nữ) miền (?:bắc|nam|trung))*"
    r"|theo dõi .{2,40} trên .{2,30}|chia sẻ(?: bài viết)?|tin liên quan:?.*|bài viết liên quan:?.*"
    r"|xem thêm:?.*|bình luận|gửi bình luận|sao chép liên kết|follow .{2,40} on .{2,30}|share)$",
    re.IGNORECASE,
)


def normalize_space(text: str) -> str:
    """NFC, non-breaking and zero-width spaces removed, runs of spaces folded."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")
    return " ".join(text.split())


def clean_lead(lead: str | None) -> str:
    """The lead without an outlet tag such as "(Baonghean.vn) - "."""
    return OUTLET_PREFIX.sub("", normalize_space(lead or ""), count=1)


def clean_author(author: str | None) -> str | None:
    """The author's name without "Tác giả:", "Bài, ảnh:" and similar labels."""
    if not author:
        return None
    name = AUTHOR_PREFIX.sub("", normalize_space(author)).strip(" .-–—•")
    return name or None


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Normalized paragraphs, without empty and boilerplate lines."""
    kept = []
    for paragraph in paragraphs:
        paragraph = normalize_space(paragraph)
        if paragraph and not BOILERPLATE_LINE.match(paragraph):
            kept.append(paragraph)
    return kept


SIGNATURE = re.compile(r"^(tác giả|nguồn tin|nguồn)\s*:\s*(.+)$", re.IGNORECASE)


def split_signature(paragraphs: list[str]) -> tuple[list[str], str | None, str | None]:
    """Trailing "Tác giả: …" / "Nguồn tin: …" lines off the text: (paragraphs, author, credited source)."""
    author = credit = None
    while paragraphs and (match := SIGNATURE.match(paragraphs[-1])):
        if match[1].lower() == "tác giả":
            author = author or clean_author(match[2])
        else:
            credit = credit or match[2].strip()
        paragraphs = paragraphs[:-1]
    return paragraphs, author, credit
