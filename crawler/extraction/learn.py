"""Learn a site's layout rule from a few saved article pages of that site.

What repeats verbatim from page to page is the site's furniture (menus, "most read", footer);
what varies is the article. The title is the varying heading, the body the smallest block
holding most of the varying prose, the lead the first prose block after the title when it
stands apart from the body's paragraphs, the date the nearest date line to the title, the
author a short name-shaped line near the title or closing the body, the section a menu entry
repeated near the title. Selectors are then chosen so that each picks the same element on
every page, and the rule is checked by extracting every page with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html

from crawler.dates import parse_date
from crawler.extraction import cleanup, selectors
from crawler.extraction.blocks import BLOCK_TAGS
from crawler.extraction.datefmt import has_time, infer_format, parse_with_format
from crawler.extraction.extract import Extracted, extract_article
from crawler.extraction.page import PageError, parse_html
from crawler.extraction.rules import LayoutRule

Element = lxml.html.HtmlElement

MIN_PAGES = 3
SAME_SITE = 0.3  # structural likeness (Jaccard of element signatures) below which two pages are two sites
LEAF_TAGS = BLOCK_TAGS | {"h1", "ul", "ol", "nav", "header", "footer", "aside", "main", "dl", "dt", "dd", "time"}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "meta", "link"}
CONTENT_CHARS = 30  # a prose block is at least this long
BODY_SHARE = 0.85  # the body holds at least this share of a page's prose
DATE_LINE_CHARS = 90
NAME_CHARS = 60
NAME_JOINERS = {"và", "&", "-", "–", ",", "/"}
FIELDS = ("title", "lead", "body", "date", "time", "author", "section")
FIELD_NAMES = {
    "title": "tiêu đề",
    "lead": "sapo",
    "body": "nội dung",
    "date": "ngày đăng",
    "time": "giờ đăng",
    "author": "tác giả",
    "section": "chuyên mục",
}
_DIGIT = re.compile(r"\d")


class LearnError(Exception):
    """The pages cannot teach a rule; the message is one line in Vietnamese, for the user."""


@dataclass
class Unit:
    """One innermost block of text on a page."""

    element: Element
    text: str
    link_chars: int
    order: int
    chrome: bool = False
    content: bool = False


@dataclass
class Page:
    name: str
    html: str
    doc: Element
    units: list[Unit]
    order: dict[Element, int]
    title: Element | None = None
    body: Element | None = None
    lead: Element | None = None
    date: Element | None = None
    author: Element | None = None
    section: Element | None = None
    drop: list[Element] = field(default_factory=list)


@dataclass(frozen=True)
class Learned:
    """A learned rule, and per field on how many of the pages it worked."""

    rule: LayoutRule
    worked: dict[str, int]
    pages: int

    def layout(self) -> dict[str, object]:
        """The rule in the form of a source's `layout:` entry in config/sources.yaml."""
        data: dict[str, object] = {"title": self.rule.title, "body": self.rule.body}
        for name in ("lead", "date", "date_format", "author", "section"):
            if value := getattr(self.rule, name):
                data[name] = value
        if self.rule.drop:
            data["drop"] = list(self.rule.drop)
        return data


def text_of(element: Element) -> str:
    """The element's visible text (scripts and styles left out), spaces normalized."""
    parts = element.xpath(".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")
    return cleanup.normalize_space(" ".join(parts))


def _link_chars(element: Element) -> int:
    return sum(len(text_of(a)) for a in element.iter("a"))


def read_page(name: str, html: str) -> Page:
    """Parse a saved page and cut it into its innermost text blocks."""
    try:
        doc = parse_html(html)
    except PageError as exc:
        raise LearnError(f"tệp {name} không phải trang HTML đọc được ({exc})") from None
    order = {el: i for i, el in enumerate(doc.iter())}
    units = []
    for element in doc.iter():
        if not isinstance(element.tag, str) or element.tag not in LEAF_TAGS:
            continue
        if any(a.tag in SKIP_TAGS for a in element.iterancestors()):
            continue
        if any(isinstance(d.tag, str) and d.tag in LEAF_TAGS for d in element.iterdescendants()):
            continue
        text = text_of(element)
        if text:
            units.append(Unit(element, text, _link_chars(element), order[element]))
    return Page(name, html, doc, units, order)


def check_same_site(pages: Sequence[Page]) -> None:
    """Refuse pages of two sites: declared hosts differ, or the structures fall in separate groups."""
    hosts = set()
    for page in pages:
        for url in page.doc.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"):
            if host := urlsplit(str(url).strip()).hostname:
                hosts.add(host.lower().removeprefix("www.").removeprefix("m."))
    if len(hosts) > 1:
        names = ", ".join(sorted(hosts))
        raise LearnError(f"các trang thuộc nhiều trang web khác nhau ({names}): hãy lưu trang của một web")
    shapes = [{selectors.signature(el) for el in page.doc.iter() if isinstance(el.tag, str)} for page in pages]
    group = list(range(len(pages)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i in range(len(pages)):
        for j in range(i + 1, len(pages)):
            if len(shapes[i] & shapes[j]) / max(1, len(shapes[i] | shapes[j])) >= SAME_SITE:
                group[root(j)] = root(i)
    groups = Counter(root(i) for i in range(len(pages)))
    if len(groups) > 1:
        main = groups.most_common(1)[0][0]
        odd = ", ".join(p.name for i, p in enumerate(pages) if root(i) != main)
        raise LearnError(f"các trang không cùng một trang web: {odd} có bố cục khác hẳn các trang còn lại")


def _mark_units(pages: Sequence[Page]) -> None:
    # A text counts as repeated when it stands as prose on two pages; a link to another article does not count.
    seen = Counter(text for page in pages for text in {u.text for u in page.units if u.link_chars < len(u.text) / 2})
    for page in pages:
        for unit in page.units:
            unit.chrome = (
                seen[unit.text] >= 2
                or unit.link_chars >= 0.5 * len(unit.text)
                or bool(cleanup.BOILERPLATE_LINE.match(unit.text))
            )
            is_date_line = len(unit.text) <= DATE_LINE_CHARS and parse_date(unit.text) is not None
            unit.content = not unit.chrome and len(unit.text) >= CONTENT_CHARS and not is_date_line


def _contains(outer: Element, inner: Element) -> bool:
    return outer is inner or any(a is outer for a in inner.iterancestors())


def _find_title(page: Page) -> Element | None:
    head_title = cleanup.normalize_space(page.doc.findtext(".//title") or "")
    best, best_score = None, 0.0
    for unit in page.units:
        if unit.chrome or not 10 <= len(unit.text) <= 300:
            continue
        score = {"h1": 3.0, "h2": 1.5, "h3": 0.5}.get(unit.element.tag, 0.0)
        if head_title and unit.text in head_title:
            score += 3.0
        if score > best_score:
            best, best_score = unit.element, score
    return best


def _find_body(page: Page) -> Element | None:
    """The block whose children hold the most prose; a long lead in the header does not pull it up."""
    prose = [u for u in page.units if u.content and u.element is not page.title]
    total = sum(len(u.text) for u in prose)
    if not total:
        return None
    held: Counter[Element] = Counter()
    near: Counter[Element] = Counter()
    for unit in prose:
        for depth, ancestor in enumerate([unit.element, *unit.element.iterancestors()]):
            held[ancestor] += len(unit.text)
            if depth in (1, 2):
                near[ancestor] += len(unit.text) / depth
    near = Counter({el: score for el, score in near.items() if el.tag not in ("html", "body")})
    if near:
        best = near.most_common(1)[0][0]
        if held[best] >= BODY_SHARE / 2 * total:
            return best
    enough = [el for el, chars in held.items() if chars >= BODY_SHARE * total and el.tag not in ("html", "body")]
    return max(enough, key=lambda el: sum(1 for _ in el.iterancestors())) if enough else None


def _find_lead(page: Page) -> Element | None:
    after = [u for u in page.units if u.content and u.order > page.order[page.title]]
    if not after:
        return None
    first = after[0]
    if page.body is None or not _contains(page.body, first.element):
        return first.element
    # Inside the body the lead must stand apart from the paragraphs: its own class, or wholly bold.
    same = sum(1 for u in after[1:] if selectors.step(u.element) == selectors.step(first.element) and u.content)
    if same < 2:
        return first.element
    children = [c for c in first.element if isinstance(c.tag, str)]
    if len(children) == 1 and children[0].tag in ("strong", "b") and text_of(children[0]) == first.text:
        return children[0]
    return None


def _find_date(page: Page, everywhere: set[str]) -> Element | None:
    found = []
    for element in page.doc.iter():
        if not isinstance(element.tag, str) or element.tag in SKIP_TAGS or element.tag in ("html", "body"):
            continue
        text = text_of(element)
        if not text or len(text) > DATE_LINE_CHARS or text in everywhere or parse_date(text) is None:
            continue
        found.append(element)
    if not found:
        return None
    anchor = page.order[page.title]
    nearest = min(found, key=lambda el: abs(page.order[el] - anchor))
    same = parse_date(text_of(nearest))
    inner = [el for el in found if el is not nearest and _contains(nearest, el) and parse_date(text_of(el)) == same]
    if inner:
        return max(inner, key=lambda el: sum(1 for _ in el.iterancestors()))
    if not has_time(text_of(nearest)):
        # "<span>12/03/2024</span> <span>08:15</span>": take the closest ancestor that has both.
        for ancestor in nearest.iterancestors():
            if ancestor in found and has_time(text_of(ancestor)):
                return ancestor
    return nearest


def name_shaped(text: str) -> bool:
    """Whether a short line reads as a byline ("Nguyễn Văn An", "Bài, ảnh: Minh Châu", "PV")."""
    if not text or len(text) > NAME_CHARS or _DIGIT.search(text):
        return False
    name = cleanup.clean_author(text) or ""
    words = [w for w in re.split(r"[\s,]+", name) if w and w not in NAME_JOINERS]
    return 1 <= len(words) <= 8 and all(w[0].isupper() for w in words)


def _find_author(page: Page, nav_texts: set[str], everywhere: set[str]) -> Element | None:
    title_at = page.order[page.title]
    body = page.body
    # Not only prose: a byline repeats on the pages of one author.
    body_units = [u for u in page.units if body is not None and _contains(body, u.element)]
    closing = [u.element for u in body_units[-3:]]
    body_end = max((page.order[el] for el in body.iter()), default=title_at) if body is not None else title_at
    best, best_distance = None, None
    for element, at in page.order.items():
        if not isinstance(element.tag, str) or element.tag in SKIP_TAGS or element is page.title:
            continue
        near_title = title_at - 15 <= at <= title_at + 40 and (body is None or not _contains(body, element))
        ends_body = any(_contains(c, element) for c in closing) or (body is not None and body_end < at <= body_end + 15)
        if not (near_title or ends_body):
            continue
        text = text_of(element)
        if not name_shaped(text) or text in nav_texts or text in everywhere:
            continue
        parent = element.getparent()
        if parent is not None and parent is not body and text_of(parent) == text:
            continue  # the outermost element holding just the name
        distance = abs(at - title_at) if near_title else abs(at - body_end)
        if best_distance is None or distance < best_distance:
            best, best_distance = element, distance
    return best


def _find_section(page: Page, nav_texts: set[str]) -> Element | None:
    title_at = page.order[page.title]
    best, best_distance = None, None
    for element, at in page.order.items():
        if not isinstance(element.tag, str) or not title_at - 60 <= at < title_at:
            continue
        text = text_of(element)
        if not text or len(text) > 40 or text not in nav_texts or text.lower() in ("trang chủ", "home"):
            continue
        if element.getparent() is not None and text_of(element.getparent()) == text:
            continue  # take the outermost element holding just this text
        distance = title_at - at
        if best_distance is None or distance < best_distance:
            best, best_distance = element, distance
    return best


def _nav_texts(page: Page) -> set[str]:
    """Texts of the links in the page's repeated furniture (menu entries)."""
    texts = set()
    for unit in page.units:
        if unit.chrome:
            texts.update(t for a in unit.element.iter("a") if (t := text_of(a)) and len(t) <= 40)
    return texts


def _drop_targets(page: Page) -> list[Element]:
    """The blocks inside the body that are not article text: furniture, and the fields read elsewhere."""
    body = page.body
    fields = [el for el in (page.title, page.lead, page.date, page.author, page.section) if el is not None]
    targets = [el for el in fields if el is not body and _contains(body, el)]
    inside = [u for u in page.units if _contains(body, u.element)]

    def walk(element: Element) -> None:
        for child in element:
            if not isinstance(child.tag, str) or any(_contains(t, child) for t in targets):
                continue
            units = [u for u in inside if _contains(child, u.element)]
            furniture = units and not any(u.content for u in units) and any(u.chrome for u in units)
            if furniture and not any(_contains(child, t) for t in targets):
                targets.append(child)
                continue
            walk(child)

    walk(body)
    return targets


def _furniture(page: Page) -> list[Element]:
    """Top-level repeated blocks outside the article (menus, "most read", footer)."""
    keep = [el for el in (page.title, page.body) if el is not None]
    out = []

    def walk(element: Element) -> None:
        for child in element:
            if not isinstance(child.tag, str) or child.tag in SKIP_TAGS:
                continue
            if any(_contains(child, k) for k in keep):
                walk(child)
                continue
            units = [u for u in page.units if _contains(child, u.element)]
            if units and all(u.chrome for u in units) and sum(len(u.text) for u in units) >= 20:
                out.append(child)
            else:
                walk(child)

    if (body := page.doc.find("body")) is not None:
        walk(body)
    return out


def _drop_selectors(pages: Sequence[Page], per_page: list[list[Element]], scoped: bool) -> list[str]:
    """Selectors covering the drop targets without touching article prose (inside the body when scoped)."""
    groups: dict[str, list[list[Element]]] = {}
    for i, (page, targets) in enumerate(zip(pages, per_page, strict=True)):
        for target in targets:
            key = selectors.signature(target, page.body if scoped else None)
            groups.setdefault(key, [[] for _ in pages])[i].append(target)
    roots = [page.body if scoped else page.doc for page in pages]
    protected = []
    for page, targets in zip(pages, per_page, strict=True):
        keep = [u.element for u in page.units if u.content and not any(_contains(t, u.element) for t in targets)]
        protected.append([*keep, *(el for el in (page.title, page.body) if el is not None and not scoped)])
    chosen: list[str] = []
    for members in groups.values():
        pool = []
        for targets in members:
            for target in targets[:1]:
                found = selectors.candidates(target, page.body if scoped else None)
                pool.extend(s for s in found if scoped or any(c in s for c in ".#["))
        pool = list(dict.fromkeys(pool))

        def score(selector: str, members: list[list[Element]] = members) -> float:
            covered = 0
            for root, targets, keep in zip(roots, members, protected, strict=True):
                found = [m for m in selectors.select(root, selector) if m is not root]
                if any(_contains(m, k) or _contains(k, m) for m in found for k in keep):
                    return -1
                covered += sum(1 for t in targets if any(_contains(m, t) for m in found))
            return covered

        wanted = sum(len(t) for t in members)
        selector, value = selectors.best_selector(pool, score, enough=wanted)
        if selector and value > 0 and selector not in chosen:
            chosen.append(selector)
    return chosen


def _consensus(pages: Sequence[Page], found: list[Element | None]) -> list[Element | None]:
    """Keep the pages' finds that share the most common signature (a stray find elsewhere is noise)."""
    shapes = Counter(selectors.signature(el) for el in found if el is not None)
    if not shapes:
        return found
    shape = shapes.most_common(1)[0][0]
    return [el if el is not None and selectors.signature(el) == shape else None for el in found]


def learn(named_pages: Sequence[tuple[str, str]]) -> Learned:
    """Learn the layout rule of one site from (file name, HTML) pairs of 3+ article pages."""
    if len(named_pages) < MIN_PAGES:
        raise LearnError(f"cần ít nhất {MIN_PAGES} trang bài viết của cùng một trang web, mới có {len(named_pages)}")
    pages = [read_page(name, html) for name, html in named_pages]
    check_same_site(pages)
    _mark_units(pages)

    titles = _consensus(pages, [_find_title(p) for p in pages])
    for page, title in zip(pages, titles, strict=True):
        page.title = title
    if sum(t is not None for t in titles) < 2:
        raise LearnError("không tìm ra tiêu đề chung cho các trang: các tệp có phải là trang bài viết không?")
    pages = [p for p in pages if p.title is not None] if len(pages) > MIN_PAGES else pages
    docs = [p.doc for p in pages]
    title_sel, _ = selectors.first_match_selector(docs, [p.title for p in pages])

    for page in pages:
        page.body = _find_body(page) if page.title is not None else None
    bodies = _consensus(pages, [p.body for p in pages])
    for page, body in zip(pages, bodies, strict=True):
        page.body = body
    body_sel, body_right = selectors.first_match_selector(docs, bodies)
    if not title_sel or not body_sel or body_right < 2:
        raise LearnError("không tìm ra phần nội dung bài viết chung cho các trang")

    everywhere = set.intersection(*({text_of(el) for el in p.doc.iter() if isinstance(el.tag, str)} for p in pages))
    nav = [_nav_texts(p) for p in pages]
    for page, nav_texts in zip(pages, nav, strict=True):
        if page.title is None or page.body is None:
            continue
        page.lead = _find_lead(page)
        page.date = _find_date(page, everywhere)
        page.author = _find_author(page, nav_texts, everywhere)
        page.section = _find_section(page, nav_texts)
    picked: dict[str, str | None] = {}
    for name in ("lead", "date", "author", "section"):
        found = _consensus(pages, [getattr(p, name) for p in pages])
        if sum(el is not None for el in found) * 2 < len(pages):
            found = [None] * len(pages)
        for page, element in zip(pages, found, strict=True):
            setattr(page, name, element)
        # A rule's section is read from the last element its selector matches (a breadcrumb's last item).
        wanted = any(el is not None for el in found)
        picked[name] = selectors.first_match_selector(docs, found, last=name == "section")[0] if wanted else None

    date_format = _date_format([p.date for p in pages])
    for page in pages:
        page.drop = _drop_targets(page) if page.body is not None else []
    read = [p for p in pages if p.body is not None]
    drop = _drop_selectors(read, [p.drop for p in read], scoped=True)
    drop += [s for s in _drop_selectors(read, [_furniture(p) for p in read], scoped=False) if s not in drop]
    rule = LayoutRule(
        cms="learned",
        version="layout",
        title=title_sel,
        body=body_sel,
        lead=picked["lead"],
        date=picked["date"],
        author=picked["author"],
        section=picked["section"],
        drop=tuple(drop),
        date_format=date_format,
    )
    return Learned(rule=rule, worked=check_rule(rule, pages), pages=len(named_pages))


def _date_format(lines: Sequence[Element | None]) -> str | None:
    texts = [text_of(el) for el in lines if el is not None]
    if not texts:
        return None
    # Month first when some date line cannot be day first ("9/25/2026").
    month_first = any(
        (m := re.search(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*\d{4}", t)) and int(m[2]) > 12 >= int(m[1])
        for t in texts
    )
    formats = Counter(f for t in texts if (f := infer_format(t, month_first)))
    return formats.most_common(1)[0][0] if formats else None


def check_rule(rule: LayoutRule, pages: Sequence[Page]) -> dict[str, int]:
    """On how many pages each field extracted with the rule agrees with what learning found there."""
    worked = dict.fromkeys(FIELDS, 0)
    for page in pages:
        got = extract_article(page.html, f"http://localhost/{page.name}", rule=rule)
        for name, ok in _agreement(page, got, rule).items():
            worked[name] += ok
    return worked


def _agreement(page: Page, got: Extracted, rule: LayoutRule) -> dict[str, bool]:
    """Per field: the value agrees with what learning found on the page, or (found nothing) looks right."""
    if page.title is None or page.body is None or got.rule != "learned/layout":
        return dict.fromkeys(FIELDS, False)
    line = text_of(page.date) if page.date is not None else None
    expected_date = parse_with_format(line, rule.date_format) if line else None
    dropped = [u for u in page.units if any(_contains(t, u.element) or _contains(u.element, t) for t in page.drop)]
    prose = [u.text for u in page.units if u.content and _contains(page.body, u.element) and u not in dropped]
    furniture = [u.text for u in page.units if u.chrome and len(u.text) >= CONTENT_CHARS]
    text = got.text
    when = got.published_at
    return {
        "title": bool(got.title) and got.title == text_of(page.title),
        "lead": bool(got.lead) and (page.lead is None or got.lead == cleanup.clean_lead(text_of(page.lead))),
        "body": bool(text)
        and sum(len(p) for p in prose if p in text) >= 0.9 * sum(len(p) for p in prose)
        and not any(f in text for f in furniture),
        "date": when is not None and (expected_date is None or when.date() == expected_date.date()),
        "time": when is not None
        and (when == expected_date if line and has_time(line) else (when.hour, when.minute) != (0, 0)),
        "author": bool(got.author)
        and (
            got.author == cleanup.clean_author(text_of(page.author))
            if page.author is not None
            else name_shaped(got.author or "")
        ),
        "section": bool(got.section) and (page.section is None or got.section == text_of(page.section)),
    }
