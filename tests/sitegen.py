"""Random news-site layouts around real article texts, for testing layout learning.

Texts are read at run time from ../shared/data (Dân trí articles: title, lead line, body lines);
they are never copied into the repository. A layout is drawn from a seed: random class names
and ids, nesting, where the lead, date line and author sit, how the date is written, and
furniture (menu, breadcrumb, related links, "most read", footer) repeated on every page.
"""

from __future__ import annotations

import html
import json
import lzma
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawler.extraction import Extracted, cleanup
from crawler.extraction.learn import name_shaped
from search import VN_TZ

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DANTRI = DATA / "unc-dantri" / "unc_dantri.jsonl.xz"
SECTIONS = ["Thời sự", "Kinh tế", "Xã hội", "Pháp luật", "Giáo dục", "Văn hóa", "Thể thao", "Quốc tế"]
AUTHORS = ["Nguyễn Văn An", "Minh Châu", "Trần Thị Thu Hà", "Hoàng Quốc Tuấn", "Lê Hải", "Phạm Ngọc Lan",
           "Đặng Minh Khoa", "Thanh Tùng", "Võ Thị Mai", "Bùi Đức Long"]  # fmt: skip
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
DATE_FORMS = [
    lambda d: f"{WEEKDAYS[d.weekday()]}, {d.day}/{d.month}/{d.year} - {d:%H:%M}",
    lambda d: f"{d:%d/%m/%Y %H:%M}",
    lambda d: f"{d:%H:%M} {d:%d/%m/%Y}",
    lambda d: f"{d:%H:%M}, {d:%d/%m/%Y}",
    lambda d: f"{WEEKDAYS[d.weekday()].title()}, ngày {d:%d/%m/%Y} {d:%H:%M} (GMT+7)",
    lambda d: f"Cập nhật: {d:%Hh%M}, {d:%d/%m/%Y}",
    lambda d: f"{WEEKDAYS[d.weekday()]} - {d:%d/%m/%Y} {d:%H:%M}",
]


@dataclass(frozen=True)
class Article:
    title: str
    lead: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Truth:
    """What a generated page says: the fields a learned rule must extract."""

    title: str
    lead: str
    paragraphs: tuple[str, ...]
    author: str
    published_at: datetime
    section: str


def have_data() -> bool:
    return DANTRI.exists()


def articles(limit: int = 400) -> list[Article]:
    """Dân trí articles with a lead line and at least three body lines, read from ../shared/data."""
    out = []
    with lzma.open(DANTRI, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            parts = [cleanup.normalize_space(p) for p in record["text"].split("\n")]
            parts = [p for p in parts if p and not cleanup.BOILERPLATE_LINE.match(p)]
            while parts and name_shaped(parts[-1]):
                parts.pop()  # Dân trí's own byline closes the text; the layout adds its author line
            if len(parts) >= 4 and 60 <= len(parts[0]) <= 600 and 10 <= len(record["title"]) <= 250:
                out.append(Article(cleanup.normalize_space(record["title"]), parts[0], tuple(parts[1:16])))
            if len(out) >= limit:
                break
    return out


class Layout:
    """One site's markup, drawn from a seed; `render` fills it with an article."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.names: dict[str, str] = {}
        self.site = "Báo " + rng.choice(["Sông Lam", "Miền Trung", "Hồng Lĩnh", "Phố Núi", "Biển Xanh"])
        self.wrappers = rng.randint(0, 3)
        self.title_tag = rng.choice(["h1", "h1", "h1", "h2"])
        self.lead_place = rng.choice(["header", "body_first", "body_strong", "after_meta"])
        self.lead_tag = rng.choice(["div", "p", "h2"]) if self.lead_place != "body_strong" else "p"
        self.meta_place = rng.choice(["above_title", "below_title", "below_lead"])
        self.author_place = rng.choice(["meta", "body_end", "after_body"])
        self.author_prefix = rng.choice(["", "", "Tác giả: ", "Bài và ảnh: "])
        self.date_form = rng.choice(DATE_FORMS)
        self.date_tag = rng.choice(["span", "div", "time", "p"])
        self.breadcrumb = rng.random() < 0.6
        self.section_label = rng.random() < 0.5 or not self.breadcrumb
        self.related_inside = rng.random() < 0.5
        self.share_bar = rng.random() < 0.6
        self.today = datetime(2024, 5, 20, tzinfo=VN_TZ)
        self.most_read = [f"Tin đọc nhiều {i}: " + rng.choice(SECTIONS) + f" số {rng.randint(1, 99)}" for i in range(5)]

    def cls(self, role: str) -> str:
        """A random class name per role, the same on every page of the site."""
        if role not in self.names:
            letters = string.ascii_lowercase
            self.names[role] = self.rng.choice(letters) + "".join(self.rng.choices(letters + string.digits, k=6))
        return self.names[role]

    def _open(self, tag: str, role: str) -> str:
        return f'<{tag} class="{self.cls(role)}">'

    def render(self, article: Article, when: datetime, author: str, section: str, related: list[str]) -> str:
        esc = html.escape
        rng = random.Random(article.title + self.cls("seed"))
        nav = "".join(f'<li><a href="/{i}">{esc(s)}</a></li>' for i, s in enumerate(SECTIONS))
        header = (
            f'<header class="{self.cls("header")}"><div class="{self.cls("logo")}">{esc(self.site)}</div>'
            f'<div class="{self.cls("today")}">{WEEKDAYS[self.today.weekday()]}, {self.today:%d/%m/%Y}</div>'
            f'<nav class="{self.cls("nav")}"><ul>{nav}</ul></nav></header>'
        )
        crumbs = (
            f'<ol class="{self.cls("crumbs")}"><li><a href="/">Trang chủ</a></li>'
            f'<li><a href="/s">{esc(section)}</a></li></ol>'
            if self.breadcrumb
            else ""
        )
        label = f'<a class="{self.cls("section")}" href="/s">{esc(section)}</a>' if self.section_label else ""
        title = f'<{self.title_tag} class="{self.cls("title")}">{esc(article.title)}</{self.title_tag}>'
        date = f'<{self.date_tag} class="{self.cls("date")}">{esc(self.date_form(when))}</{self.date_tag}>'
        byline = f'<span class="{self.cls("author")}">{esc(self.author_prefix + author)}</span>'
        share = f'<div class="{self.cls("share")}"><a href="#">Chia sẻ</a> <a href="#">Zalo</a></div>'
        meta = f'<div class="{self.cls("meta")}">{date}{byline if self.author_place == "meta" else ""}'
        meta += (share if self.share_bar else "") + "</div>"
        if self.lead_place == "body_strong":
            lead = f"<p><strong>{esc(article.lead)}</strong></p>"
        else:
            lead = f'<{self.lead_tag} class="{self.cls("lead")}">{esc(article.lead)}</{self.lead_tag}>'
        paragraphs = [f"<p>{esc(p)}</p>" for p in article.paragraphs]
        if rng.random() < 0.5 and len(paragraphs) > 2:
            image = f'<figure><img src="/i.jpg"><figcaption>{esc(article.title[:40])}</figcaption></figure>'
            paragraphs.insert(1, image)
        links = "".join(f'<li><a href="/r{i}">{esc(t)}</a></li>' for i, t in enumerate(related))
        related_box = (
            f'<div class="{self.cls("related")}"><h3>Tin liên quan</h3><ul>{links}</ul></div>' if related else ""
        )
        if self.related_inside and related_box and len(paragraphs) > 3:
            paragraphs.insert(3, related_box)
        if self.author_place == "body_end":
            paragraphs.append(f'<p style="text-align:right"><strong>{esc(self.author_prefix + author)}</strong></p>')
        if self.lead_place in ("body_first", "body_strong"):
            paragraphs.insert(0, lead)
        body = f'<div class="{self.cls("body")}">{"".join(paragraphs)}</div>'
        after = (
            f'<div class="{self.cls("signed")}">{esc(self.author_prefix + author)}</div>'
            if self.author_place == "after_body"
            else ""
        )
        head_parts = [label, title]
        if self.meta_place == "above_title":
            head_parts.insert(0, meta)
        elif self.meta_place == "below_title":
            head_parts.append(meta)
        if self.lead_place in ("header", "after_meta"):
            head_parts.append(lead)
        if self.meta_place == "below_lead":
            head_parts.append(meta)
        top = f'<div class="{self.cls("top")}">{"".join(head_parts)}</div>'
        tags = f'<div class="{self.cls("tags")}"><a href="/t">{esc(section)}</a></div>'
        outside_related = related_box if not self.related_inside else ""
        article_html = f'<article class="{self.cls("article")}">{top}{body}{after}{tags}{outside_related}</article>'
        for depth in range(self.wrappers):
            article_html = f'<div class="{self.cls(f"wrap{depth}")}">{article_html}</div>'
        most = "".join(f'<li><a href="/m{i}">{esc(t)}</a></li>' for i, t in enumerate(self.most_read))
        aside = f'<aside class="{self.cls("aside")}"><h3>Đọc nhiều</h3><ol>{most}</ol></aside>'
        footer = (
            f'<footer class="{self.cls("footer")}"><p>{esc(self.site)} - Cơ quan của Tỉnh ủy. '
            f"Tổng biên tập: Nguyễn Văn Bình.</p><p>Địa chỉ: 123 đường Lê Lợi, điện thoại 0238 3844 000.</p></footer>"
        )
        main = f'<main class="{self.cls("main")}">{crumbs}{article_html}{aside}</main>'
        return (
            f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{esc(article.title)} - '
            f"{esc(self.site)}</title><script>var x = 1;</script></head><body>{header}{main}{footer}</body></html>"
        )


def site(seed: int, pool: list[Article], pages: int) -> Iterator[tuple[str, Truth]]:
    """`pages` pages of one generated site: (HTML, what it says)."""
    layout = Layout(seed)
    rng = random.Random(seed * 7919)
    chosen = rng.sample(pool, pages)
    for article in chosen:
        when = datetime(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                        rng.randint(0, 59), tzinfo=VN_TZ)  # fmt: skip
        author = rng.choice(AUTHORS)
        section = rng.choice(SECTIONS)
        related = [a.title for a in rng.sample(pool, 3)]
        page = layout.render(article, when, author, section, related)
        yield page, Truth(article.title, article.lead, article.paragraphs, author, when, section)


def checks(got: Extracted, truth: Truth) -> dict[str, bool]:
    """Field by field, whether an extraction says what the page says (the body within 5 % of its characters)."""
    expected = [cleanup.normalize_space(p) for p in truth.paragraphs]
    paragraphs = [p for p in got.text.split("\n\n") if p]
    kept = sum(len(p) for p in expected if p in paragraphs)
    extra = sum(len(p) for p in paragraphs if p not in expected)
    total = sum(len(p) for p in expected)
    when = got.published_at
    return {
        "title": got.title == truth.title,
        "lead": got.lead == cleanup.clean_lead(truth.lead),
        "body": kept >= 0.95 * total and extra <= 0.05 * total,
        "date": when is not None and when.date() == truth.published_at.date(),
        "time": when is not None and (when.hour, when.minute) == (truth.published_at.hour, truth.published_at.minute),
        "author": got.author == truth.author,
    }
