"""Read an article's title, publication time and lead from any Vietnamese news page, without a site rule.

General signals only: the visible headline reconciled with og:title and <title>, structured dates
(JSON-LD, article:published_time, itemprop), the date line printed beside the headline (or written into
it by a script), date meta tags, the lead block that follows the headline, and the length of the video or
audio report a page plays (schema.org duration, og:video:duration, the player's data-duration or its
printed total time). 2012-era markup
(upper-case tags, unquoted attributes, entities) parses to the same tree as modern markup.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import lxml.html

from crawler.dates import parse_date
from crawler.extraction.cleanup import clean_lead, normalize_space
from crawler.extraction.page import HeadMeta

HEADINGS = ("h1", "h2", "h3")
# Between a headline and the site name in <title> / og:title: "Title - Site", "Title | Section | Site".
TITLE_SEPARATOR = re.compile(r"^\s*(?:[-–—|:»/]|::)")
DATE_IN_TEXT = re.compile(
    r"(?<!\d)\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:\d{4}|\d{2})(?![\d/])|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}",
    re.IGNORECASE,
)
TIME_IN_TEXT = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*[:h]\s*[0-5]\d(?!\d)")
# The longest a date line is ("Cập nhật lúc 10:15 thứ Năm, ngày 03/07/2025 (GMT+7) | Theo Báo X").
MAX_DATE_LINE = 120
# A modified time, not the publication time, when the page prints both.
UPDATED = re.compile(r"cập nhật|updated?|sửa", re.IGNORECASE)
LEAD_HINT = re.compile(r"sapo|lead|desc|summary|chapeau|hometext|excerpt|intro|teaser|abstract|tomtat", re.I)
RELATED_LINK = re.compile(r"^\s*(?:>>|»|xem thêm|xem tiếp|tin liên quan|đọc thêm)", re.IGNORECASE)
SCRIPT_WRITE = re.compile(r"""getElementById\(\s*["']([^"']+)["']\s*\)\.innerHTML\s*=\s*["']([^"']{6,200})["']""")
META_DATES = (
    "//meta[@name='pubdate']/@content",
    "//meta[@name='publishdate']/@content",
    "//meta[@name='PublishDate']/@content",
    "//meta[@property='og:published_time']/@content",
    "//meta[@name='date']/@content",
    "//meta[@name='dc.date' or @name='DC.date' or @name='dc.date.issued' or @name='DC.date.issued']/@content",
    "//meta[@name='article.published' or @name='article_date_original']/@content",
    "//meta[@itemprop='dateCreated']/@content",
    "//time[@datetime]/@datetime",
)


# ISO 8601 durations as schema.org writes them: "PT3M25S", "PT1H2M", "P0DT0H4M5.5S".
ISO_DURATION = re.compile(
    r"^P(?:(\d+)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$", re.IGNORECASE
)
CLOCK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)$")  # "03:25", "1:02:05"
# The longest airtime believed: a day (a larger value is a mistake or a live stream's counter).
MAX_DURATION_S = 24 * 3600
MEDIA_TYPES = ("VideoObject", "AudioObject", "MediaObject", "Clip", "Episode", "RadioEpisode", "TVEpisode")
DURATION_META = (
    "//meta[@property='og:video:duration' or @name='og:video:duration' or @property='video:duration'"
    " or @name='video:duration' or @property='og:audio:duration' or @property='music:duration']/@content"
)
PLAYER = "contains(concat(' ', normalize-space(@class), ' '), ' {0}') or contains(@class, '{0}-')"


@dataclass(frozen=True)
class Headline:
    """The article's title and the element that shows it (None when the title came from the head only)."""

    text: str
    node: lxml.html.HtmlElement | None


def _text(node: lxml.html.HtmlElement) -> str:
    return normalize_space(node.text_content())


def _references(doc: lxml.html.HtmlElement, head: HeadMeta) -> list[str]:
    """Titles the head declares: og:title, twitter:title, meta title, every <title>."""
    found = doc.xpath(
        "//meta[@property='og:title' or @name='twitter:title' or @name='title' or @itemprop='headline']/@content"
    ) + [t.text_content() for t in doc.iter("title")]
    refs = [normalize_space(html.unescape(str(r))) for r in found]
    return [r for r in dict.fromkeys(refs + ([head.title] if head.title else [])) if len(r) >= 5]


def _matches(heading: str, reference: str) -> int:
    """2 when the heading is the reference, 1 when the reference is the heading followed by a site name."""
    h, r = heading.casefold(), reference.casefold()
    if h == r:
        return 2
    if r.startswith(h) and TITLE_SEPARATOR.match(r[len(h) :]):
        return 1
    return 0


def strip_site_name(title: str) -> str:
    """ "Headline - Section - Site" → "Headline": the longest part before a " - " or " | " separator."""
    parts = re.split(r"\s+[|–—-]\s+|\s*\|\s*", title)
    return max(parts[:1] + [p for p in parts[1:2] if len(parts) > 2 and len(p) > len(parts[0]) * 2], key=len)


def find_title(doc: lxml.html.HtmlElement, head: HeadMeta) -> Headline:
    """The headline: a visible heading that the head's titles confirm, else og:title, else <title> minus the site."""
    refs = _references(doc, head)
    best: tuple[int, int, lxml.html.HtmlElement] | None = None
    for rank, tag in enumerate(HEADINGS):
        for node in doc.iter(tag):
            text = _text(node)
            if len(text) < 5:
                continue
            score = max((_matches(text, r) for r in refs), default=0)
            if score and (best is None or (score, -rank, len(text)) > (best[0], best[1], len(_text(best[2])))):
                best = (score, -rank, node)
    if best is not None:
        return Headline(_text(best[2]), best[2])
    og = doc.xpath("//meta[@property='og:title']/@content")
    if og and normalize_space(og[0]):
        return Headline(normalize_space(html.unescape(og[0])), None)
    if refs:
        return Headline(strip_site_name(refs[-1] if not head.title else head.title), None)
    h1 = next((n for n in doc.iter("h1") if len(_text(n)) >= 5), None)
    return Headline(_text(h1), h1) if h1 is not None else Headline("", None)


def _json_ld_objects(doc: lxml.html.HtmlElement) -> Iterator[dict]:
    """Every object (nested ones too) of the page's JSON-LD scripts, in document order; broken scripts skipped."""

    def walk(item: object) -> Iterator[dict]:
        if isinstance(item, dict):
            yield item
            for value in item.values():
                yield from walk(value)
        elif isinstance(item, list):
            for value in item:
                yield from walk(value)

    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        yield from walk(data)


def _json_ld_dates(doc: lxml.html.HtmlElement) -> list[str]:
    return [o["datePublished"] for o in _json_ld_objects(doc) if isinstance(o.get("datePublished"), str)]


def _structured_dates(doc: lxml.html.HtmlElement) -> list[str]:
    """Dates declared for machines as the publication date: JSON-LD, article:published_time, itemprop."""
    return _json_ld_dates(doc) + [
        str(v)
        for v in doc.xpath(
            "//meta[@property='article:published_time']/@content"
            " | //*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime"
        )
    ]


def _near(node: lxml.html.HtmlElement, levels: int = 3) -> list[lxml.html.HtmlElement]:
    """Elements around `node`: under its parent, then grandparent…, nearest in document order first."""
    seen: set[int] = set()
    ordered: list[lxml.html.HtmlElement] = []
    scope = node
    for _ in range(levels):
        scope = scope.getparent()
        if scope is None:
            break
        elements = [e for e in scope.iter() if isinstance(e.tag, str) and e.tag not in ("script", "style")]
        at = next((i for i, e in enumerate(elements) if e is node), 0)
        for _, element in sorted(enumerate(elements), key=lambda pair: abs(pair[0] - at)):
            if id(element) not in seen:
                seen.add(id(element))
                ordered.append(element)
    return ordered


def date_lines(doc: lxml.html.HtmlElement, title: Headline) -> list[str]:
    """Short texts beside the headline that hold a full date, nearest first (script-written ones included)."""
    lines: list[str] = []
    if title.node is not None:
        for element in _near(title.node):
            text = _text(element)
            if len(text) <= MAX_DATE_LINE and DATE_IN_TEXT.search(text) and element is not title.node:
                lines.append(text)
    for script in doc.iter("script"):
        for element_id, value in SCRIPT_WRITE.findall(script.text or ""):
            if doc.get_element_by_id(element_id, None) is not None:
                lines.append(normalize_space(html.unescape(value)))
    return lines


def _date_of_line(line: str) -> datetime | None:
    if not DATE_IN_TEXT.search(line):
        return None
    # "Theo Báo X | 25/12/2012 10:25": read from the date on.
    return parse_date(line[DATE_IN_TEXT.search(line).start() :] + " " + line[: DATE_IN_TEXT.search(line).start()])


def find_published(doc: lxml.html.HtmlElement, title: Headline) -> datetime | None:
    """Publication time in +07:00: structured data, then the date line by the headline, then date meta tags.

    A date without a time of day takes the time from another source that gives the same day.
    """
    candidates: list[tuple[datetime, bool]] = []  # (when, has a time of day), best source first
    shown = [(when, line) for line in date_lines(doc, title) if (when := _date_of_line(line)) is not None]
    # The time printed by the headline is what readers are told; it wins when it is a full publication time.
    if shown and TIME_IN_TEXT.search(shown[0][1]) and not UPDATED.search(shown[0][1]):
        candidates.append((shown[0][0], True))
    for value in _structured_dates(doc):
        if (when := parse_date(value)) is not None:
            candidates.append((when, bool(TIME_IN_TEXT.search(value.split("T", 1)[-1]))))
    candidates += [(when, bool(TIME_IN_TEXT.search(line))) for when, line in shown]
    for xpath in META_DATES:
        for value in doc.xpath(xpath):
            if (when := parse_date(str(value))) is not None:
                candidates.append((when, bool(TIME_IN_TEXT.search(str(value).split("T", 1)[-1]))))
    if not candidates:
        return None
    when, timed = candidates[0]
    if not timed:
        same_day = next((w for w, t in candidates if t and w.date() == when.date()), None)
        return same_day or when
    return when


def parse_duration(value: object) -> int | None:
    """Seconds in a duration as pages write it: ISO 8601 ("PT3M25S"), a clock ("03:25", "1:02:05") or plain
    seconds ("205"); None for anything else, for zero and for more than MAX_DURATION_S."""
    text = str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
    seconds: float | None = None
    if match := ISO_DURATION.match(text):
        if any(match.groups()):
            days, hours, minutes, secs = (float((g or "0").replace(",", ".")) for g in match.groups())
            seconds = days * 86400 + hours * 3600 + minutes * 60 + secs
    elif match := CLOCK.match(text):
        seconds = int(match[1] or 0) * 3600 + int(match[2]) * 60 + int(match[3])
    elif re.fullmatch(r"\d+(?:\.\d+)?", text):
        seconds = float(text)
    if seconds is None or not 0 < seconds <= MAX_DURATION_S:
        return None
    return max(1, round(seconds))


def _json_ld_durations(doc: lxml.html.HtmlElement) -> list[str]:
    """The `duration` of each schema.org video or audio object the page declares, in document order."""
    found = []
    for item in _json_ld_objects(doc):
        kinds = item.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(k in MEDIA_TYPES for k in kinds) and isinstance(item.get("duration"), str):
            found.append(item["duration"])
    return found


def find_duration(doc: lxml.html.HtmlElement, scope: lxml.html.HtmlElement | None = None) -> int | None:
    """The length in seconds of the report the page plays, or None when the page does not say.

    What the page declares about itself comes first: schema.org VideoObject/AudioObject `duration` (JSON-LD or
    microdata), og:video:duration meta. Then the player inside `scope` (the article, so that a sidebar's clip
    does not count): `data-duration` on a <video>/<audio> or its player box, the player's printed total time.
    """
    scope = doc if scope is None else scope
    declared = [
        *_json_ld_durations(doc),
        *doc.xpath("//*[@itemprop='duration']/@content | //*[@itemprop='duration']/@datetime"),
        *doc.xpath(DURATION_META),
    ]
    box = f"{PLAYER.format('player')} or {PLAYER.format('video')} or {PLAYER.format('audio')}"
    played = scope.xpath(
        f".//video/@data-duration | .//audio/@data-duration | .//*[{box}][.//video or .//audio]/@data-duration"
    )
    printed = [
        _text(n) for n in scope.xpath(f".//*[{box}]//*[contains(@class, 'duration') or contains(@class, 'total')]")
    ]
    return next((s for v in [*declared, *played, *printed] if (s := parse_duration(v)) is not None), None)


def _own_text(node: lxml.html.HtmlElement) -> str:
    """Text directly in `node` and in its inline children, not in nested blocks."""
    parts = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str) and child.tag in ("b", "strong", "em", "i", "span", "a", "font", "u", "br"):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return normalize_space(" ".join(parts))


def lead_text(node: lxml.html.HtmlElement) -> str:
    """A lead element's text, without the related-article links some sites append to it."""
    copy = lxml.html.fromstring(lxml.html.tostring(node, encoding="unicode"))
    for link in copy.iter("a"):
        if RELATED_LINK.match(link.text_content()) and link.getparent() is not None:
            link.drop_tree()
    for br in copy.iter("br"):
        br.tail = "\n" + (br.tail or "")
    lines = [normalize_space(line) for line in copy.text_content().split("\n")]
    lines = [line for line in lines if line and not RELATED_LINK.match(line)]
    return clean_lead(" ".join(lines))


def _is_lead_block(node: lxml.html.HtmlElement, text: str) -> bool:
    hint = f"{node.get('class', '')} {node.get('id', '')}"
    if LEAD_HINT.search(hint):
        return True
    if node.tag in ("h2", "h3", "h4") or text != clean_lead(text):  # a heading, or "(Outlet) - …"
        return True
    bold = node.xpath("./b | ./strong")
    if node.tag == "p" and bold and len(normalize_space(bold[0].text_content())) >= 0.8 * len(text):
        return True
    return node.tag == "div"


def find_lead(doc: lxml.html.HtmlElement, title: Headline, description: str | None) -> tuple[str, object]:
    """(lead, its element): the first lead-like block after the headline, else the page description."""
    if title.node is not None:
        seen = 0
        for node in title.node.xpath("following::*"):
            if not isinstance(node.tag, str) or node.tag in ("script", "style"):
                continue
            own = _own_text(node)
            if not own or (len(own) <= MAX_DATE_LINE and DATE_IN_TEXT.search(own)) or own == title.text:
                continue
            seen += 1
            if len(own) >= 40:
                text = lead_text(node)
                if len(text) >= 30 and len(text) <= 1200 and _is_lead_block(node, own):
                    return text, node
                break
            if seen > 8:
                break
    for node in doc.xpath("//*[@class or @id]"):
        if LEAD_HINT.search(f"{node.get('class', '')} {node.get('id', '')}") and node.tag not in ("meta", "body"):
            text = lead_text(node)
            if 40 <= len(text) <= 1200:
                return text, node
    if description and (title.text or "").casefold() != description.casefold():
        return clean_lead(description), None
    return "", None


def date_line_nodes(title: Headline) -> list[lxml.html.HtmlElement]:
    """The element holding the date line nearest the headline (to keep it out of the body)."""
    if title.node is None:
        return []
    for element in _near(title.node):
        text = _text(element)
        if element is not title.node and len(text) <= MAX_DATE_LINE and DATE_IN_TEXT.search(text):
            return [element]
    return []


AUTHOR_HINT = re.compile(r"author|byline|tacgia|tac-gia|nguontin|nguon-tin|source|writer|signature", re.IGNORECASE)
# How far after the headline, in elements, a byline element may sit (past it: comments, other stories).
BYLINE_REACH = 600
# The longest byline line ("Theo Sầm Hoa (Vietnamnet/Reuters)", "Tin, ảnh: Vũ Phương Thảo").
MAX_BYLINE = 90
# Article text (characters) between the headline and a byline element; less is a byline at the top.
MIN_TEXT_BEFORE_BYLINE = 200


def text_lines(node: lxml.html.HtmlElement) -> list[str]:
    """The lines of an element's text, split where it has <br>."""
    copy = lxml.html.fromstring(lxml.html.tostring(node, encoding="unicode"))
    for br in copy.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return [line for line in (normalize_space(part) for part in copy.text_content().split("\n")) if line]


def _right_aligned(node: lxml.html.HtmlElement) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    return (node.get("align") or "").lower() == "right" or "text-align:right" in style


def byline_element(title: Headline, parse: Any) -> lxml.html.HtmlElement | None:
    """The first byline element after the article text: right-aligned or marked author/source, stating a byline.

    `parse` tells a byline from text (byline.parse_byline). The article ends there: Vietnamese pages sign at the end.
    """
    if title.node is None:
        return None
    text_before = 0
    for count, node in enumerate(title.node.xpath("following::*")):
        if count > BYLINE_REACH:
            break
        if not isinstance(node.tag, str) or node.tag in ("script", "style"):
            continue
        hinted = _right_aligned(node) or AUTHOR_HINT.search(f"{node.get('class', '')} {node.get('id', '')}")
        short = hinted and text_before >= MIN_TEXT_BEFORE_BYLINE and len(_text(node)) <= 2 * MAX_BYLINE
        if short and any(len(line) <= MAX_BYLINE and parse(line) is not None for line in text_lines(node)):
            return node
        text_before += len(normalize_space(node.text or "")) + len(normalize_space(node.tail or ""))
    return None


def byline_lines(doc: lxml.html.HtmlElement, title: Headline) -> list[str]:
    """Short texts after the headline that may state the author: author/source elements, parts of the date line."""
    if title.node is None:
        return []
    lines = [part for line in date_lines(doc, title) for part in line.split("|") if part.strip()]
    for count, node in enumerate(title.node.xpath("following::*")):
        if count > BYLINE_REACH:
            break
        if not isinstance(node.tag, str):
            continue
        hinted = AUTHOR_HINT.search(f"{node.get('class', '')} {node.get('id', '')}")
        if hinted or (_right_aligned(node) and len(_text(node)) <= 2 * MAX_BYLINE):
            lines += [line for line in text_lines(node) if len(line) <= MAX_BYLINE]
    return lines
