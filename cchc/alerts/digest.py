"""The weekly digest: the coverage report's headline sentences, its largest gaps and the open problems, with the
report files attached; one per ISO week."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cchc.alerts.facts import INFO, SUBJECT_PREFIX, Alert, gap_alert
from cchc.reports.headlines import headlines
from cchc.reports.names import STANCE_NAMES, Names, day
from config import AlertsConfig, load_plan, load_taxonomy
from coverage.report import CoverageReport

DIGEST = "digest"
TOP_GAPS = 5


def is_due(today: date, config: AlertsConfig) -> bool:
    """On the configured weekday, or a later day of the same week (a missed day still gets its digest)."""
    return config.enabled and config.rules.weekly_digest and today.isoweekday() >= config.digest_isoweekday


def digest(
    report: CoverageReport,
    today: date,
    report_paths: Sequence[Path],
    config: AlertsConfig | None = None,
    names: Names | None = None,
    open_alerts: Sequence[Alert] = (),
) -> Alert | None:
    """This week's digest (key "digest:YYYY-Www") when it is due, else None; `report_paths` go with it (attached
    to mail, named in the outbox and the webhook), `open_alerts` are listed as the problems still open."""
    config = config or AlertsConfig()
    if not is_due(today, config):
        return None
    names = names or Names.of(load_taxonomy(), load_plan())
    year, week, _ = today.isocalendar()
    lines = [f"Tổng hợp tuần {week}/{year} về tuyên truyền cải cách hành chính, kỳ báo cáo "
             f"{day(report.date_from)} – {day(report.date_to)}."]  # fmt: skip
    for title, group in (("Theo kênh", "channels"), ("Thời lượng, dung lượng và chuyên mục", "measures"),
                         ("Theo đơn vị", "units")):  # fmt: skip
        found = headlines(report, names)[group]
        if found:
            lines += ["", f"{title}:", *(f"- {h.text}" for h in found)]
    lines += ["", f"Khoảng trống (kỳ đã kết thúc, đã thu thập mà chưa đạt chỉ tiêu): {len(report.gaps)}."]
    lines += [f"- {gap_alert(g, names).body.splitlines()[0]}" for g in report.gaps[:TOP_GAPS]]
    stances = [
        f"- {names.channel(c)}: " + ", ".join(f"{STANCE_NAMES[s].lower()} {n}" for s, n in counts.items() if s in
                                              STANCE_NAMES)
        for c, counts in report.stance_by_channel.items() if sum(counts.values())
    ]  # fmt: skip
    if stances:
        lines += ["", "Bài về CCHC theo quan điểm:", *stances]
    if open_alerts:
        lines += ["", "Vấn đề đang cần xử lý:", *(f"- {a.subject.removeprefix(SUBJECT_PREFIX).strip()}"
                                                   for a in open_alerts)]  # fmt: skip
    if report_paths:
        lines += ["", "Báo cáo đầy đủ: " + ", ".join(p.name for p in report_paths) + "."]
    return Alert(
        f"{DIGEST}:{year}-W{week:02d}",
        DIGEST,
        f"{SUBJECT_PREFIX} Tổng hợp tuần {week}/{year}",
        "\n".join(lines),
        INFO,
        tuple(report_paths),
    )
