"""One sentence per channel and per unit that an official reads first: "Báo in, báo điện tử: đạt chỉ tiêu 2/12
tháng; thiếu nhiều nhất: Cải cách tài chính công". Computed here only, from a CoverageReport.

Only ended, read periods are judged: a period not ended ("chưa hết kỳ") or not read ("chưa thu thập") is
counted apart and said so, never as a failure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from cchc.reports.names import (
    MEASURE_NAMES,
    PERIOD_WORDS,
    Names,
    measure_value,
    number,
    period_name,
)
from coverage.measures import ChannelMeasure
from coverage.periods import period_by_key
from coverage.report import GAP, NONE, OK, OPEN, UNKNOWN, CoverageReport

# How to read the sentences, under them in every report and page.
HEADLINE_NOTE = ("Một kỳ của kênh đạt khi mọi lĩnh vực có chỉ tiêu đều đạt. Chỉ tính các kỳ đã kết thúc và đã thu "
                 "thập; kỳ chưa kết thúc hoặc chưa thu thập được ghi riêng, không tính là thiếu.")  # fmt: skip


@dataclass(frozen=True)
class Headline:
    """`tone` is ok (every judged period met), gap (some missed), or none (nothing to judge yet)."""

    kind: str  # channel | unit
    subject: str
    name: str
    text: str
    tone: str


def _period_status(statuses: list[str]) -> str:
    """A channel's period from the statuses of its cells that have a target: ok when all are met, gap when any
    ended short, otherwise unknown (not read) or open (not ended)."""
    if all(s == OK for s in statuses):
        return OK
    if GAP in statuses:
        return GAP
    return UNKNOWN if UNKNOWN in statuses else OPEN


def _sentence(name: str, by_period: dict[str, str], word: str) -> tuple[str, str]:
    """ "name: đạt chỉ tiêu a/b <word>; n <word> chưa hết kỳ; m <word> chưa thu thập" and its tone."""
    met = sum(s == OK for s in by_period.values())
    judged = sum(s in (OK, GAP) for s in by_period.values())
    parts = [f"đạt chỉ tiêu {met}/{judged} {word}" if judged else f"chưa có {word} nào đã kết thúc và đã thu thập"]
    opened = sum(s == OPEN for s in by_period.values())
    unread = sum(s == UNKNOWN for s in by_period.values())
    if opened:
        parts.append(f"{opened} {word} chưa hết kỳ")
    if unread:
        parts.append(f"{unread} {word} chưa thu thập")
    tone = NONE if not judged else OK if met == judged else GAP
    return f"{name}: " + "; ".join(parts), tone


def _worst(shortfall: dict[str, float], targeted: set[str], names: Names) -> str:
    """The areas furthest below target: named when one or two, counted when more, "mọi lĩnh vực" when all."""
    top = round(max(shortfall.values()), 3)
    worst = [names.areas.get(a, a) for a in [*names.areas, *sorted(shortfall)] if round(shortfall.get(a, -1), 3) == top]
    worst = list(dict.fromkeys(worst))
    if len(worst) == len(targeted) > 1:
        return "thiếu như nhau ở mọi lĩnh vực"
    if len(worst) <= 2:
        return "thiếu nhiều nhất: " + ", ".join(worst)
    return f"thiếu nhiều nhất: {worst[0]} và {len(worst) - 1} lĩnh vực khác (ngang nhau)"


def channel_headlines(report: CoverageReport, names: Names) -> list[Headline]:
    word = PERIOD_WORDS.get(report.period_kind, report.period_kind)
    shortfall: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for g in report.gaps:
        if g.kind == "area" and g.channel:
            shortfall[g.channel][g.subject] += g.shortfall
    headlines = []
    for channel in report.channels:
        cells = [c for c in report.cells if c.channel == channel]
        name = names.channel(channel)
        targeted: dict[str, list[str]] = defaultdict(list)
        for c in cells:
            if c.target is not None:  # an unread cell without a target is no failure either
                targeted[c.period].append(c.status)
        if not targeted:
            count = report.share_of_voice.get(channel, 0)
            text = f"{name}: không có chỉ tiêu theo {word}; {number(count)} bài về CCHC"
            headlines.append(Headline("channel", channel, name, text, NONE))
            continue
        text, tone = _sentence(name, {p: _period_status(s) for p, s in targeted.items()}, word)
        if shortfall[channel]:
            text += "; " + _worst(shortfall[channel], {c.area for c in cells if c.target is not None}, names)
        headlines.append(Headline("channel", channel, name, text, tone))
    return headlines


def unit_headlines(report: CoverageReport, names: Names) -> list[Headline]:
    by_unit: dict[str, dict[str, str]] = defaultdict(dict)
    for u in report.units:
        by_unit[u.unit][u.period] = u.status
    headlines = []
    for unit, statuses in by_unit.items():
        name = names.unit(unit)
        scored = {p: s for p, s in statuses.items() if s != NONE}
        if not scored:
            headlines.append(Headline("unit", unit, name, f"{name}: không có chỉ tiêu trong kỳ báo cáo", NONE))
            continue
        text, tone = _sentence(name, scored, "quý")
        missed = [period_name(p) for p, s in sorted(scored.items()) if s == GAP]
        if missed:
            text += "; chưa đạt: " + ", ".join(missed)
        headlines.append(Headline("unit", unit, name, text, tone))
    return headlines


def unread(report: CoverageReport, channel: str, period: str) -> bool:
    """Whether none of the channel's sources was read for the whole period (its cells say unknown)."""
    return any(c.status == UNKNOWN for c in report.cells if c.channel == channel and c.period == period)


def amount(m: ChannelMeasure) -> str:
    """ "12.345 chữ", "4,2 phút phát sóng"."""
    return f"{number(measure_value(m.measure, m.total))} {MEASURE_NAMES[m.measure]}"


def _basis(m: ChannelMeasure) -> str:
    """How many articles a total sums: " (3 bài)", or " (1/3 bài về CCHC có thời lượng)" when some lack it."""
    if m.measured < m.articles:
        return f" ({number(m.measured)}/{number(m.articles)} bài về CCHC có thời lượng)"
    return f" ({number(m.articles)} bài)"


def measure_headlines(report: CoverageReport, names: Names) -> list[Headline]:
    """Airtime and print space in the last ended period (the last one when none ended) and over the whole report;
    then how fresh the CCHC columns are."""
    today = report.today or report.date_to
    lines = []
    for channel in dict.fromkeys(m.channel for m in report.measures):
        rows = [m for m in report.measures if m.channel == channel]
        last = ([m for m in rows if period_by_key(m.period).end < today] or rows)[-1]
        name = names.channel(channel)
        if unread(report, channel, last.period):
            text = f"{name}: chưa thu thập đủ {period_name(last.period)} để tính {MEASURE_NAMES[last.measure]}"
        elif not last.articles:
            text = f"{name}: không có bài về CCHC trong {period_name(last.period)}"
        else:
            text = f"{name}: {amount(last)} về CCHC trong {period_name(last.period)}{_basis(last)}"
        whole = ChannelMeasure(channel, "", last.measure, sum(m.total for m in rows), sum(m.measured for m in rows),
                               sum(m.articles for m in rows))  # fmt: skip
        lines.append(Headline("measure", channel, name, f"{text}; cả kỳ báo cáo: {amount(whole)}{_basis(whole)}", NONE))
    if report.freshness:
        lines.append(_freshness_headline(report, names))
    return lines


def _freshness_headline(report: CoverageReport, names: Names) -> Headline:
    stale = [f for f in report.freshness if f.status == GAP]
    fresh = sum(f.status == OK for f in report.freshness)
    unknown = sum(f.status == UNKNOWN for f in report.freshness)
    parts = [f"{number(len(stale))} quá hạn chưa có bài mới", f"{number(fresh)} còn mới"]
    if stale:
        worst = stale[0]
        where = names.source(worst.source) + (f" – {worst.column}" if worst.column else "")
        since = f"{number(worst.days)} ngày" if worst.days is not None else "chưa có bài nào"
        parts[0] += f" (lâu nhất: {where}, {since})"
    if unknown:
        parts.append(f"{number(unknown)} chưa thu thập đủ để kết luận")
    return Headline("measure", "freshness", "Chuyên mục CCHC", "Chuyên mục CCHC: " + "; ".join(parts),
                    GAP if stale else OK)  # fmt: skip


def headlines(report: CoverageReport, names: Names) -> dict[str, list[Headline]]:
    return {
        "channels": channel_headlines(report, names),
        "measures": measure_headlines(report, names),
        "units": unit_headlines(report, names),
    }
