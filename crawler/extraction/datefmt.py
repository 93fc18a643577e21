"""Date formats of date lines, strptime-style with numbers only ("%d/%m/%Y - %H:%M").

A learned layout rule records how its site writes dates, so that a month-first site
("9/5/2026 10:17 PM") is read right; `crawler.dates.parse_date` stays the fallback.
"""

from __future__ import annotations

import re
from datetime import datetime

from crawler.dates import parse_date
from search import VN_TZ

DIRECTIVES = {
    "d": r"(?P<d>\d{1,2})",
    "m": r"(?P<m>\d{1,2})",
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "H": r"(?P<H>\d{1,2})",
    "M": r"(?P<M>\d{2})",
    "S": r"(?P<S>\d{2})",
    "p": r"(?P<p>[AaPp][Mm]|SA|CH)",
}
_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*([/.-])\s*(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*([:h])\s*([0-5]\d)(?:(:)([0-5]\d))?(?!\d)(\s*[AaPp][Mm])?")


def format_regex(fmt: str) -> re.Pattern[str]:
    """The regex a format compiles to; spaces match any run of spaces."""
    out = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt) and fmt[i + 1] in DIRECTIVES:
            out.append(DIRECTIVES[fmt[i + 1]])
            i += 2
            continue
        out.append(r"\s*" if fmt[i].isspace() else re.escape(fmt[i]))
        i += 1
    return re.compile(r"(?<!\d)" + "".join(out) + r"(?!\d)", re.IGNORECASE)


def parse_with_format(text: str | None, fmt: str | None) -> datetime | None:
    """The date `text` writes in `fmt`, in +07:00; without a format or a match, `parse_date`'s reading."""
    if not text:
        return None
    text = " ".join(text.split())
    match = format_regex(fmt).search(text) if fmt else None
    if match is None:
        return parse_date(text)
    parts = match.groupdict()
    year = int(parts["Y"]) if parts.get("Y") else 2000 + int(parts.get("y") or 0)
    hour = int(parts.get("H") or 0)
    if (parts.get("p") or "").lower() in ("pm", "ch") and hour < 12:
        hour += 12
    elif (parts.get("p") or "").lower() in ("am", "sa") and hour == 12:
        hour = 0
    try:
        return datetime(year, int(parts.get("m") or 1), int(parts.get("d") or 1), hour, int(parts.get("M") or 0),
                        int(parts.get("S") or 0), tzinfo=VN_TZ)  # fmt: skip
    except ValueError:
        return parse_date(text)


def has_time(text: str) -> bool:
    """Whether a date line also says the time of day."""
    return _TIME.search(" ".join(text.split())) is not None


def infer_format(text: str, month_first: bool = False) -> str | None:
    """The format of the date (and time) in one date line, e.g. "%d/%m/%Y - %H:%M", or None."""
    text = " ".join(text.split())
    pieces: list[tuple[int, int, str]] = []
    if match := _DATE.search(text):
        first, second = ("%m", "%d") if month_first else ("%d", "%m")
        pieces.append((match.start(), match.end(), f"{first}{match[2]}{second}{match[4]}%Y"))
    elif match := _ISO_DATE.search(text):
        pieces.append((match.start(), match.end(), "%Y-%m-%d"))
    else:
        return None
    for match in _TIME.finditer(text):
        if match.start() >= pieces[0][1] or match.end() <= pieces[0][0]:
            seconds = ":%S" if match[4] else ""
            meridiem = " %p" if match[6] else ""
            pieces.append((match.start(), match.end(), f"%H{match[2]}%M{seconds}{meridiem}"))
            break
    pieces.sort()
    fmt = pieces[0][2]
    for (_, end, _), (start, _, piece) in zip(pieces, pieces[1:], strict=False):
        fmt += text[end:start] + piece
    return fmt
