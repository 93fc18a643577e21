"""Find who wrote an article from the byline lines Vietnamese pages put at the end of the body.

Forms seen on real pages: "Tin, ảnh: P.Y", "Tác giả: …", "Theo Hồ Hương", "Theo Minh Nguyễn/Vcamp.vn",
"Theo Sầm Hoa (Vietnamnet/Reuters)", a right-aligned bold name, a short line of a name in capitals
("NHẬT XUÂN - NGHI VŨ"), initials ("H.V.", "K. Miên"), "PV", "Nhóm PV".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.extraction.cleanup import normalize_space

LABELLED = re.compile(
    r"^(?:tác giả|bài(?:\s*(?:,|và|&|-)\s*ảnh)?|tin(?:\s*(?:,|và|&|-)\s*ảnh)?|thực hiện|người viết"
    r"|nhóm phóng viên|phóng viên|pv|btv|by)\s*:\s*(.+)$",
    re.IGNORECASE,
)
THEO = re.compile(r"^theo\s+(.{2,70})$", re.IGNORECASE)
# "Person/Outlet" or "Person (Outlet)" after "Theo".
PERSON_AND_OUTLET = re.compile(r"^([^/()]+?)\s*(?:/\s*(.+)|\((.+)\))$")
PHOTO = re.compile(r"^(?:ảnh|video|clip|đồ họa)\s*:\s*(.+)$", re.IGNORECASE)
CREDIT = re.compile(r"^(?:nguồn tin|nguồn)\s*:\s*(.+)$", re.IGNORECASE)
MAX_NAME = 50
# Lower-case words a name line may hold ("Nhóm phóng viên", "Hoàng Anh và Minh Thu").
NAME_GLUE = frozenset({"và", "phóng", "viên", "nhóm", "-", "–", "&"})
# How many lines at the end of a body may hold bylines and page furniture after them.
TAIL_LINES = 4
MAX_FURNITURE = 100

# Kinds, best first: a labelled author, "Theo Person/Outlet", a bare name line, "Theo Outlet", a photo credit.
LABEL, THEO_PERSON, NAME, THEO_OUTLET, PHOTO_CREDIT, SOURCE = range(6)


@dataclass(frozen=True)
class Byline:
    kind: int
    author: str | None
    credit: str | None = None


def looks_like_name(text: str) -> bool:
    """A short line of capitalized words, initials or "PV": how Vietnamese papers sign articles."""
    text = normalize_space(text).strip(" .")
    if not text or len(text) > MAX_NAME or re.search(r"[\d!?;:\"“”]", text):
        return False
    words = [w for w in re.split(r"[\s,]+", text) if w]
    if not 1 <= len(words) <= 8 or text.count(",") > 2:
        return False
    capital = 0
    for word in words:
        if word.lower() in NAME_GLUE:
            continue
        if not word[0].isupper() or (len(word) > 1 and not re.match(r"^\w[\w.'’-]*$", word)):
            return False
        capital += 1
    return capital >= 1


def parse_byline(line: str) -> Byline | None:
    """The byline a line states, or None when the line is article text."""
    line = normalize_space(line).strip(" -–—")
    if not line or len(line) > 90:
        return None
    if match := LABELLED.match(line):
        name = match[1].strip(" .")
        return Byline(LABEL, name) if name and len(name) <= MAX_NAME + 20 else None
    if match := PHOTO.match(line):
        return Byline(PHOTO_CREDIT, match[1].strip(" .")) if looks_like_name(match[1]) else None
    if match := CREDIT.match(line):
        return Byline(SOURCE, None, match[1].strip())
    if match := THEO.match(line):
        rest = match[1].strip(" .")
        if (pair := PERSON_AND_OUTLET.match(rest)) and looks_like_name(pair[1]):
            return Byline(THEO_PERSON, pair[1].strip(), (pair[2] or pair[3] or "").strip() or None)
        if looks_like_name(rest) or len(rest.split()) <= 4:
            return Byline(THEO_OUTLET, rest, rest)
        return None
    if looks_like_name(line):
        return Byline(NAME, line.strip())
    return None


def split_byline(paragraphs: list[str]) -> tuple[list[str], list[Byline]]:
    """Byline lines (and short page furniture after them) off the end of a body: (text, bylines)."""
    tail_start = max(0, len(paragraphs) - TAIL_LINES)
    for start in range(tail_start, len(paragraphs)):
        first = parse_byline(paragraphs[start])
        if first is None or start == 0:
            continue
        rest = paragraphs[start + 1 :]
        if all(parse_byline(p) is not None or len(p) <= MAX_FURNITURE for p in rest):
            found = [b for b in (parse_byline(p) for p in paragraphs[start:]) if b is not None]
            return paragraphs[:start], found
    return paragraphs, []


def choose(bylines: list[Byline]) -> tuple[str | None, str | None]:
    """(author, credited source) from every byline found, the most specific kind first."""
    authors = sorted((b for b in bylines if b.author), key=lambda b: b.kind)
    author = authors[0].author if authors else None
    credit = next((b.credit for b in sorted(bylines, key=lambda b: -b.kind) if b.credit), None)
    return author, credit
