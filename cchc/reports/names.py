"""Vietnamese names of what the reports show: channels, stances, statuses, areas, gap kinds, periods, numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `cchc search` shows stance names without loading the config models
    from config import Gazetteer, Plan, Source, Taxonomy, UnitDuty

CHANNEL_NAMES = {
    "newspaper": "Báo in, báo điện tử",
    "broadcaster": "Phát thanh - Truyền hình",
    "provincial_portal": "Cổng TTĐT tỉnh",
    "unit_portal": "Cổng/Trang TTĐT đơn vị",
    "aggregator": "Trang tổng hợp tin",
    "central_press": "Báo chí trung ương (tin Nghệ An)",
}
STANCE_NAMES = {"praise": "Khen ngợi", "criticism": "Phản ánh hạn chế", "neutral": "Trung lập"}
STATUS_NAMES = {
    "ok": "đạt",
    "gap": "thiếu",
    "unknown": "chưa thu thập",
    "open": "chưa hết kỳ",
    "none": "không có chỉ tiêu",
}
# What each status means, for the legends of the report and the web page.
STATUS_HELP = {
    "ok": "đạt chỉ tiêu của kỳ",
    "gap": "kỳ đã kết thúc mà chưa đạt chỉ tiêu",
    "open": "kỳ chưa kết thúc: số bài đến nay trên chỉ tiêu, chưa kết luận",
    "none": "kế hoạch không đặt chỉ tiêu cho ô này (hoặc đơn vị không tồn tại trọn kỳ): chỉ để tham khảo",
    "unknown": "hệ thống chưa đọc nguồn nào của kênh trong kỳ: không có nghĩa là không có bài",
}
# What the plan counts besides articles (coverage/measures.py), as a report's row says it.
MEASURE_NAMES = {"duration_s": "phút phát sóng", "words": "chữ"}
FRESHNESS_NAMES = {"ok": "còn mới", "gap": "quá hạn", "unknown": "chưa thu thập đủ"}
FRESHNESS_HELP = (
    "Độ mới của chuyên mục CCHC: số ngày từ bài gần nhất đến ngày cuối kỳ báo cáo. Quá hạn khi quá số ngày của "
    "chỉ tiêu (tuần: 7, tháng: 31, quý: 92); chưa thu thập đủ khi hệ thống chưa đọc nguồn trong những ngày đó."
)
GAP_KINDS = {"area": "Lĩnh vực trên kênh", "unit": "Đơn vị", "qa_column": "Chuyên mục Dân hỏi"}


# What each dimension of `cchc coverage --by` is called in a table's header.
GROUP_NAMES = {
    "area": "Lĩnh vực", "topic": "Chủ đề", "channel": "Kênh", "source": "Nguồn", "unit": "Đơn vị",
    "place": "Địa bàn", "stance": "Tính chất", "month": "Tháng", "quarter": "Quý",
}  # fmt: skip
UNKNOWN_VALUE = "(chưa xác định)"
PERIOD_WORDS = {"week": "tuần", "month": "tháng", "quarter": "quý"}
ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_PERIOD_KEY = re.compile(r"^(\d{4})-(?:(\d{2})|Q([1-4])|W(\d{2}))$")


def period_name(key: str) -> str:
    """A period key as officials write it: "2026-01" -> "Tháng 1/2026", "2026-Q1" -> "Quý I/2026",
    "2026-W41" -> "Tuần 41/2026"; anything else unchanged. Machine outputs (--json) keep the keys."""
    match = _PERIOD_KEY.match(key)
    if not match:
        return key
    year, month, quarter, week = match.groups()
    if month:
        return f"Tháng {int(month)}/{year}"
    if quarter:
        return f"Quý {ROMAN[quarter]}/{year}"
    return f"Tuần {int(week)}/{year}"


def number(value: object, digits: int = 2) -> str:
    """A number as Vietnamese write it: 2833 -> "2.833", 2.5 -> "2,5" (at most `digits` decimals); other
    values as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    text = f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def measure_value(measure: str, total: int) -> float | int:
    """A measure's total in the unit reports show: minutes (to a tenth) for airtime, words as they are."""
    return round(total / 60, 1) if measure == "duration_s" else total


def percent(share: float | None, digits: int = 1) -> str:
    """A share (0.125) as a percentage with a decimal comma: "12,5 %"; "" when there is none."""
    return "" if share is None else f"{number(share * 100, digits)} %"


def day(value: date) -> str:
    """A date as officials write it: 1/3/2025."""
    return f"{value.day}/{value.month}/{value.year}"


def validity_note(unit: UnitDuty, names: dict[str, str]) -> str:
    """When a unit holds its duty and who takes it over, e.g. "đến 28/2/2025; nhiệm vụ chuyển sang Sở ..."."""
    parts = []
    if unit.valid_from:
        parts.append(f"từ {day(unit.valid_from)}")
    if unit.valid_to:
        parts.append(f"đến {day(unit.valid_to)}")
    note = " ".join(parts)
    if unit.successors:
        note += "; nhiệm vụ chuyển sang " + ", ".join(names.get(s, s) for s in unit.successors)
    return note


@dataclass(frozen=True)
class Names:
    """Display names for ids, from the taxonomy and the plan."""

    areas: dict[str, str]
    units: dict[str, str]
    unit_notes: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    plan: str = ""  # the plan's number and date, e.g. "47/KH-UBND ngày 09/01/2024"
    topics: dict[str, str] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, taxonomy: Taxonomy, plan: Plan, sources: Iterable[Source] = (), places: Gazetteer | None = None
    ) -> Names:
        units = {u.unit: u.name for u in plan.units}
        notes = {u.unit: note for u in plan.units if (note := validity_note(u, units))}
        return cls(
            {a.id: a.name for a in taxonomy.areas}, units, notes, {s.id: s.name for s in sources}, plan.plan,
            {t.id: t.name for t in taxonomy.topics}, {p.id: p.name for p in places.places} if places else {},
        )  # fmt: skip

    def value(self, dim: str, key: str) -> str:
        """The display name of one value of a `--by` dimension (GROUP_NAMES): an area's, a unit's, a period's..."""
        if key == "unknown":
            return UNKNOWN_VALUE
        lookups = {"area": self.areas, "topic": self.topics, "source": self.sources, "place": self.places}
        if dim in lookups:
            return lookups[dim].get(key, key)
        if dim == "unit":
            return self.unit(key)
        if dim == "channel":
            return self.channel(key)
        if dim == "stance":
            return STANCE_NAMES.get(key, key)
        return period_name(key) if dim in PERIOD_WORDS else key

    def source(self, source_id: str) -> str:
        return self.sources.get(source_id, source_id)

    def unit(self, unit_id: str) -> str:
        """A unit's name, with when it held its duty when that is bounded: "Sở ... (đến 28/2/2025; ...)"."""
        name = self.units.get(unit_id, unit_id)
        return f"{name} ({self.unit_notes[unit_id]})" if unit_id in self.unit_notes else name

    def subject(self, kind: str, subject: str) -> str:
        if kind == "area":
            return self.areas.get(subject, subject)
        if kind == "unit":
            return self.unit(subject)
        return "Dân hỏi - Cơ quan chức năng trả lời"

    @staticmethod
    def channel(channel: str | None) -> str:
        return CHANNEL_NAMES.get(channel or "", channel or "")

    @staticmethod
    def status(status: str) -> str:
        return STATUS_NAMES.get(status, status)
