"""`cchc label`: the labeling queue on the command line: the articles the model is least sure about, one at a time.

Each answer is stored as a person's correction (label_source human) through the same store method as the web
app's correction form, so the label history is kept and a disagreement with another person is listed for review.
"""

from __future__ import annotations

import getpass
import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import click

from cchc.commands.classify import model_option
from cchc.options import store_option
from cchc.reports.names import STANCE_NAMES
from cchc.web.accounts import NAME
from config import load_sources, load_taxonomy
from search import VN_TZ, Article, open_store
from search.store import human_labels

T = TypeVar("T")
YES, NO, SKIP, STOP = ("c", "có", "co", "y"), ("k", "không", "khong", "n"), ("b", "", "bỏ qua"), ("d", "dừng", "q")
PREVIEW_CHARS = 400
NO_STANCE_KEY = "0"


class EndOfInput(Exception):
    """The person (or the input stream) stopped answering."""


def _ask(question: str, parse: Callable[[str], T]) -> T:
    """Ask until the answer parses; a Vietnamese hint after a bad one. EndOfInput at end of input."""
    while True:
        try:
            answer = click.prompt(question, default="", show_default=False, prompt_suffix=" ")
        except click.Abort:
            raise EndOfInput from None
        try:
            return parse(answer.strip().lower())
        except ValueError as exc:
            click.echo(f"  {exc}")


def _decision(answer: str) -> str:
    for word, choices in (("yes", YES), ("no", NO), ("skip", SKIP), ("stop", STOP)):
        if answer in choices:
            return word
    raise ValueError("Trả lời c (có), k (không), b (bỏ qua) hoặc d (dừng).")


def _choices(ids: Sequence[str], suggested: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
    """Numbers separated by commas (1-based into `ids`); empty keeps `suggested`, 0 means none."""

    def parse(answer: str) -> tuple[str, ...]:
        if not answer:
            return tuple(suggested)
        if answer == "0":
            return ()
        picked = set()
        for part in answer.replace(" ", ",").split(","):
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= len(ids):
                raise ValueError(f"Gõ các số từ 1 đến {len(ids)}, cách nhau bởi dấu phẩy; 0 nếu không có.")
            picked.add(ids[int(part) - 1])
        return tuple(i for i in ids if i in picked)

    return parse


def _stance(suggested: str | None) -> Callable[[str], str | None]:
    keys = {str(n): stance for n, stance in enumerate(STANCE_NAMES, start=1)}

    def parse(answer: str) -> str | None:
        if not answer:
            return suggested
        if answer == NO_STANCE_KEY:
            return None
        if answer not in keys:
            raise ValueError(f"Gõ một số từ 0 đến {len(keys)}.")
        return keys[answer]

    return parse


def _menu(title: str, names: dict[str, str], suggested: Sequence[str]) -> str:
    """Print the numbered choices; return the question that asks for them."""
    lines = [f"  {n}. {name}" for n, name in enumerate(names.values(), start=1)]
    keep = ", ".join(names[i] for i in suggested) or "không có"
    click.echo("\n".join(lines))
    return f"{title} (số, cách nhau bởi dấu phẩy; 0: không có; Enter: giữ «{keep}»):"


def _show(n: int, total: int, article: Article, sources: dict[str, str], areas: dict[str, str]) -> None:
    when = article.published_at.strftime("%d/%m/%Y") if article.published_at else "không rõ ngày"
    click.echo(f"\n[{n}/{total}] {article.title}")
    click.echo(f"  {sources.get(article.source, article.source)} · {when} · {article.url}")
    preview = " ".join((article.lead or article.text).split())
    click.echo(textwrap.indent(textwrap.fill(preview[:PREVIEW_CHARS] + ("…" if len(preview) > PREVIEW_CHARS else ""),
                                             width=100), "  "))  # fmt: skip
    guess = "về CCHC" if article.relevant else "không về CCHC"
    labels = ", ".join(areas.get(a, a) for a in article.areas)
    stance = STANCE_NAMES.get(article.stance or "", "")
    details = "; ".join(x for x in (labels, stance) if x)
    click.echo(f"  Mô hình đoán: {guess} ({(article.relevance or 0) * 100:.0f}%){f' — {details}' if details else ''}")


@click.command()
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True,
              help="Số bài tối đa trong một lượt.")  # fmt: skip
@click.option("--user", envvar="CCHC_USER", default=getpass.getuser, show_default="tên đăng nhập của bạn",
              help="Người gán nhãn (ghi vào lịch sử nhãn); biến môi trường CCHC_USER.")  # fmt: skip
@model_option
@store_option
def label(limit: int, user: str, model_dir: Path, store_url: str) -> None:
    """Gán nhãn cho những bài mô hình phân vân nhất (xác suất gần ngưỡng nhất) mà chưa ai gán nhãn.
    Câu trả lời được đọc từ bàn phím hoặc từ đầu vào chuẩn, mỗi dòng một câu.

    \b
    Ví dụ:
      cchc label --store sqlite:///data/cchc.db --limit 10
      printf 'c\\n2,6\\n\\n1\\nk\\n' | cchc label --limit 2 --user bientap   # có, lĩnh vực 2 và 6, ...; không
    """
    if not NAME.match(user):
        raise click.BadParameter(
            f"{user!r}: cần 2-40 ký tự gồm chữ thường không dấu, chữ số, '.', '_' hoặc '-'", param_hint="--user"
        )
    taxonomy = load_taxonomy()
    area_names = {a.id: a.name for a in taxonomy.areas}
    topic_names = {t.id: t.name for t in taxonomy.topics}
    source_names = {s.id: s.name for s in load_sources().sources}
    from classifier.modelfile import relevance_threshold  # scikit-learn: not for --help

    threshold = relevance_threshold(model_dir)
    labeled = skipped = disputed = 0
    with open_store(store_url, create=False) as store:
        queue = store.label_queue(threshold, limit)
        if not queue:
            click.echo("Không còn bài nào cần gán nhãn.")
            return
        click.echo(f"{len(queue)} bài mô hình phân vân nhất (xác suất gần ngưỡng {threshold:.0%}), chưa ai gán nhãn.")
        try:
            for n, queued in enumerate(queue, start=1):
                article = store.get(queued.id)  # as stored now: someone may have labeled it meanwhile
                if article is None:
                    continue
                _show(n, len(queue), article, source_names, area_names)
                decision = _ask("Bài có về cải cách hành chính? c: có · k: không · b: bỏ qua · d: dừng:", _decision)
                if decision == "stop":
                    break
                if decision == "skip":
                    skipped += 1
                    continue
                areas: tuple[str, ...] = ()
                topics: tuple[str, ...] = ()
                stance = None
                if decision == "yes":
                    suggested = article.areas if article.relevant else ()
                    areas = _ask(_menu("Lĩnh vực", area_names, suggested), _choices(list(area_names), suggested))
                    suggested = article.topics if article.relevant else ()
                    topics = _ask(_menu("Chủ đề", topic_names, suggested), _choices(list(topic_names), suggested))
                    kept = article.stance if article.relevant else None
                    options = " · ".join(f"{k}: {name}" for k, name in enumerate(STANCE_NAMES.values(), start=1))
                    stance = _ask(f"Quan điểm? {options} · 0: chưa xác định (Enter: giữ «"
                                  f"{STANCE_NAMES.get(kept or '', 'chưa xác định')}»):", _stance(kept))  # fmt: skip
                after = human_labels(article, decision == "yes", areas, topics, stance, user, datetime.now(VN_TZ))
                outcome = store.correct_labels(article, after)
                labeled += 1
                if outcome.conflict:
                    disputed += 1
                    click.echo(f"  Đã ghi nhãn; khác nhãn của {article.labeled_by}: bài chờ quản trị viên xem xét.")
                else:
                    click.echo("  Đã ghi nhãn.")
        except EndOfInput:
            click.echo("\nHết dữ liệu vào: dừng.")
    tail = f", {disputed} bài có ý kiến khác nhau chờ xem xét" if disputed else ""
    click.echo(f"\nĐã gán nhãn {labeled} bài, bỏ qua {skipped} bài{tail}.")
