"""Parse the date strings Vietnamese news sites print into +07:00 timestamps.

Handles: "20:25, 25/05/2022", "22:57 15/09/2023", "Thứ Năm - 03/07/2025 10:15",
"Thứ sáu, 13/04/2018, 10:03", "01-07-2025, 18:11 (GMT+7)", "Đăng ngày 24/03/2023",
"January 31, 2025", "ngày 27 tháng 11 năm 2008", "ngày 24/12/12 11:05 tối" (two-digit year, time of
day in words), the US form .NET writes into meta tags ("9/5/2026 10:17:01 PM", month first), ISO 8601,
RFC 822, and with a reference date, year-less forms such as "Sáng 27/6".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from search import VN_TZ

MIN_YEAR = 1990
MAX_YEAR = 2100
ENGLISH_MONTHS = {
    m: i
    for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"],
        start=1,
    )
}  # fmt: skip

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?")
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_DM = re.compile(r"(?<![\d/.-])(\d{1,2})/(\d{1,2})(?![\d/])")
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*[:h]\s*([0-5]\d)(?::([0-5]\d))?(?!\d)")
_DMY2 = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")
# .NET's default "M/d/yyyy h:mm:ss tt": seconds and AM/PM mark it as month first.
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*([AP]M)$", re.IGNORECASE)
# After a time: AM/PM or the Vietnamese part of the day ("11:05 tối" is 23:05, "04:00 chiều" is 16:00).
_MERIDIEM = re.compile(r"^\s*(am|pm|sa|ch|sáng|trưa|chiều|tối|đêm)(?!\w)", re.IGNORECASE)
_AFTERNOON = frozenset({"pm", "ch", "chiều", "tối"})
_LEGAL = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_ENGLISH = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_GMT = re.compile(r"GMT\s*([+-])\s*(\d{1,2})", re.IGNORECASE)
_RFC822 = re.compile(r"^[A-Za-z]{3},\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}")


def _build(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
           tz: timezone = VN_TZ) -> datetime | None:  # fmt: skip
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(VN_TZ)
    except ValueError:
        return None


def _offset(sign: str, hours: str, minutes: str = "0") -> timezone:
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def _time_of_day(text: str) -> tuple[int, int, int]:
    match = _TIME.search(text)
    if not match:
        return 0, 0, 0
    hour = int(match[1])
    if meridiem := _MERIDIEM.match(text[match.end() :]):
        word = meridiem[1].lower()
        if hour < 12 and (word in _AFTERNOON or (word == "đêm" and hour >= 6)):
            hour += 12
        elif hour == 12 and word in ("am", "sa", "sáng"):
            hour = 0
    return hour, int(match[2]), int(match[3] or 0)


def _parse_us(text: str) -> datetime | None:
    match = _US.match(text)
    if not match:
        return None
    month, day = int(match[1]), int(match[2])
    if month > 12:  # a day-first value that happens to carry seconds and AM/PM
        month, day = day, month
    return _build(int(match[3]), month, day, *_time_of_day(text[match.start(4) :]))


def _zone(text: str) -> timezone:
    match = _GMT.search(text)
    return _offset(match[1], match[2]) if match else VN_TZ


def _parse_iso(text: str) -> datetime | None:
    match = _ISO.search(text)
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    hour, minute, second = int(match[4] or 0), int(match[5] or 0), int(match[6] or 0)
    zone = match[7]
    if zone in (None, ""):
        tz = VN_TZ
    elif zone == "Z":
        tz = UTC
    else:
        digits = zone[1:].replace(":", "")
        tz = _offset(zone[0], digits[:2], digits[2:])
    return _build(year, month, day, hour, minute, second, tz)


def parse_date(text: str | None, reference: datetime | None = None) -> datetime | None:
    """The first date (and time) in `text`, as an aware datetime in +07:00, or None.

    Without a year ("Sáng 27/6"), the year is taken from `reference` when given.
    """
    if not text:
        return None
    text = " ".join(text.split())
    if _RFC822.match(text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            parsed = None
        if parsed is not None:
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)).astimezone(VN_TZ)
    if (found := _parse_iso(text)) is not None:
        return found
    if (found := _parse_us(text)) is not None:
        return found
    if match := _LEGAL.search(text):
        return _build(int(match[3]), int(match[2]), int(match[1]))
    if match := _DMY.search(text):
        rest = text[: match.start()] + " " + text[match.end() :]
        return _build(int(match[3]), int(match[2]), int(match[1]), *_time_of_day(rest), tz=_zone(text))
    if match := _DMY2.search(text):
        rest = text[: match.start()] + " " + text[match.end() :]
        return _build(2000 + int(match[3]), int(match[2]), int(match[1]), *_time_of_day(rest), tz=_zone(text))
    for match in _ENGLISH.finditer(text):
        month = ENGLISH_MONTHS.get(match[1].lower()) or next(
            (i for name, i in ENGLISH_MONTHS.items() if name.startswith(match[1].lower()) and len(match[1]) >= 3),
            None,
        )
        if month:
            return _build(int(match[3]), month, int(match[2]), *_time_of_day(text))
    if reference is not None and (match := _DM.search(text)):
        rest = text[: match.start()] + " " + text[match.end() :]
        return _build(reference.astimezone(VN_TZ).year, int(match[2]), int(match[1]), *_time_of_day(rest))
    return None


def dates_in(text: str) -> list[datetime]:
    """Every full date (day/month/year) written in `text`, e.g. the dates of a listing page's items."""
    found = []
    for match in _DMY.finditer(text):
        if (day := _build(int(match[3]), int(match[2]), int(match[1]))) is not None:
            found.append(day)
    return found
