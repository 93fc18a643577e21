"""What deserves an alert today: a source broken or silent, an ended period below target, a spike of articles
reporting shortcomings. Each alert names its fact with a stable key, so the same fact is sent once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import takewhile
from pathlib import Path

from cchc.reports.names import STANCE_NAMES, Names, day, period_name
from config import AlertsConfig, Source, load_plan, load_taxonomy
from coverage.health import failure_cause, source_health
from coverage.periods import period_by_key
from coverage.report import CoverageReport, Gap
from search import VN_TZ, CountQuery, CrawlRun, SearchQuery, Store, crawlstats

CRITICAL, WARNING, INFO = "critical", "warning", "info"
SOURCE_BROKEN, SOURCE_SILENT, BELOW_TARGET, CRITICISM_SPIKE = "source_broken", "source_silent", "gap", "spike"
CRITICISM = "criticism"
# A source's runs read to find when its trouble began (a daily source: more than two years).
RUNS_READ = 1000
SPIKE_TITLES = 10
SUBJECT_PREFIX = "[Theo dõi CCHC]"


@dataclass(frozen=True)
class Alert:
    """One fact to tell people. `key` names the fact ("source_broken:baonghean:2026-12-04"): a fact already sent
    is never sent again; `body` is Vietnamese text; `attachments` are files sent with it (by mail)."""

    key: str
    kind: str
    subject: str
    body: str
    severity: str
    attachments: tuple[Path, ...] = ()


def detect(
    store: Store,
    sources: Sequence[Source],
    report: CoverageReport,
    today: date,
    config: AlertsConfig | None = None,
    names: Names | None = None,
) -> list[Alert]:
    """Every alert the rules switched on in `config` find today: source alerts for the enabled sources that
    exist today, below-target alerts from `report`'s gaps that ended recently, spikes in the store."""
    config = config or AlertsConfig()
    names = names or Names.of(load_taxonomy(), load_plan(), sources)
    rules = config.rules
    alerts: list[Alert] = []
    for source in sources:
        if source.enabled and source.valid_on(today) and (rules.source_broken or rules.source_silent):
            alert = source_alert(source, store.runs(source.id, limit=RUNS_READ), names)
            if alert and (rules.source_broken if alert.kind == SOURCE_BROKEN else rules.source_silent):
                alerts.append(alert)
    if rules.below_target:
        alerts += [gap_alert(g, names) for g in report.gaps if _recent(g, today, config.gap_max_age_days)]
    if rules.criticism_spike:
        alerts += spike_alerts(store, today, config.spike_threshold, config.spike_days, names)
    return alerts


def _streak_start(runs: list[CrawlRun], part_of: Callable[[CrawlRun], bool]) -> tuple[date, int]:
    """The day the latest runs' common trouble began (the oldest run of the streak) and how many runs it spans:
    the same while the trouble lasts, so the alert's key is too."""
    streak = list(takewhile(part_of, runs))
    return streak[-1].started_at.astimezone(VN_TZ).date(), len(streak)


def source_alert(source: Source, runs: list[CrawlRun], names: Names) -> Alert | None:
    """An alert when the source is broken (its last run could not read it) or silent (no new article lately)."""
    health = source_health(runs)
    name = names.source(source.id)
    if health.status == "broken":
        since, n = _streak_start(runs, lambda r: failure_cause(r.stats, r.status) is not None)
        return Alert(
            f"{SOURCE_BROKEN}:{source.id}:{since.isoformat()}",
            SOURCE_BROKEN,
            f"{SUBJECT_PREFIX} Nguồn {name} không thu thập được",
            f"Nguồn {name} ({source.base_url}) không thu thập được từ ngày {day(since)} ({n} lần chạy liên tiếp).\n"
            f"Nguyên nhân ở lần chạy gần nhất: {health.detail}\n"
            'Trong thời gian này các ô độ phủ của nguồn là "chưa thu thập", không phải "không có bài".',
            CRITICAL,
        )
    if health.status == "silent":
        since, n = _streak_start(runs, lambda r: not r.stats.get(crawlstats.STORED_NEW))
        return Alert(
            f"{SOURCE_SILENT}:{source.id}:{since.isoformat()}",
            SOURCE_SILENT,
            f"{SUBJECT_PREFIX} Nguồn {name} không có bài mới",
            f"Nguồn {name} ({source.base_url}) không có bài mới từ ngày {day(since)} ({n} lần thu thập liên tiếp).\n"
            "Trang có thể đã ngừng đăng bài, đổi địa chỉ chuyên mục hoặc đổi bố cục: hãy mở trang để kiểm tra.",
            WARNING,
        )
    return None


def _recent(gap: Gap, today: date, max_age_days: int) -> bool:
    """Whether the gap's last period ended before today and at most `max_age_days` ago."""
    ended = period_by_key(gap.end).end
    return ended < today and (today - ended).days <= max_age_days


def _gap_subject(gap: Gap, names: Names) -> str:
    if gap.kind == "area":
        return f"Lĩnh vực “{names.areas.get(gap.subject, gap.subject)}” trên kênh {names.channel(gap.channel)}"
    if gap.kind == "unit":
        return names.unit(gap.subject)
    return f"Chuyên mục “{names.subject(gap.kind, gap.subject)}” ({names.source(gap.subject)})"


def gap_alert(gap: Gap, names: Names) -> Alert:
    """A subject that ended one or more consecutive periods below target; keyed by its last period, so a gap that
    grows by a period is a new fact."""
    channel = f":{gap.channel}" if gap.kind == "area" and gap.channel else ""
    span = period_name(gap.end) if gap.periods == 1 else f"{period_name(gap.start)} – {period_name(gap.end)}"
    who = _gap_subject(gap, names)
    return Alert(
        f"{BELOW_TARGET}:{gap.kind}:{gap.subject}{channel}:{gap.end}",
        BELOW_TARGET,
        f"{SUBJECT_PREFIX} Chưa đạt chỉ tiêu {period_name(gap.end)}: {who}",
        f"{who} chưa đạt chỉ tiêu {span}"
        + (f" ({gap.periods} kỳ liên tiếp)" if gap.periods > 1 else "")
        + f": {gap.count} bài, chỉ tiêu {gap.target} bài mỗi kỳ.\n"
        "Các nguồn liên quan đã được thu thập trọn kỳ: đây là thiếu bài thật, không phải thiếu dữ liệu.",
        WARNING,
    )


def spike_alerts(store: Store, today: date, threshold: int, days: int, names: Names) -> list[Alert]:
    """A day among the last `days` with more than `threshold` relevant articles reporting shortcomings."""
    first = today - timedelta(days=days - 1)
    counts = store.count_by(("day", "stance"), CountQuery(date_from=first, date_to=today))
    alerts = []
    for (when, stance), n in sorted(counts.items()):
        if stance != CRITICISM or n <= threshold:
            continue
        on = date.fromisoformat(when)
        hits = store.search(
            SearchQuery(stances=(CRITICISM,), relevant=True, date_from=on, date_to=on, sort="date",
                        limit=SPIKE_TITLES, fold_reprints=True)
        ).hits  # fmt: skip
        titles = "\n".join(f"- {h.article.title} ({names.source(h.article.source)}): {h.article.url}" for h in hits)
        label = STANCE_NAMES[CRITICISM].lower()
        alerts.append(
            Alert(
                f"{CRITICISM_SPIKE}:{CRITICISM}:{when}",
                CRITICISM_SPIKE,
                f"{SUBJECT_PREFIX} {n} bài {label} về CCHC ngày {day(on)}",
                f"Ngày {day(on)} có {n} bài về cải cách hành chính {label} (ngưỡng cảnh báo: hơn {threshold} bài "
                f"một ngày).\n{titles}",
                WARNING,
            )
        )
    return alerts
