"""Vietnamese names of what the reports show: channels, stances, statuses, areas, gap kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `cchc search` shows stance names without loading the config models
    from config import Plan, Taxonomy, UnitDuty

CHANNEL_NAMES = {
    "newspaper": "Báo in, báo điện tử",
    "broadcaster": "Phát thanh - Truyền hình",
    "provincial_portal": "Cổng TTĐT tỉnh",
    "unit_portal": "Cổng/Trang TTĐT đơn vị",
    "aggregator": "Trang tổng hợp tin",
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
GAP_KINDS = {"area": "Lĩnh vực trên kênh", "unit": "Đơn vị", "qa_column": "Chuyên mục Dân hỏi"}


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

    @classmethod
    def of(cls, taxonomy: Taxonomy, plan: Plan) -> Names:
        units = {u.unit: u.name for u in plan.units}
        notes = {u.unit: note for u in plan.units if (note := validity_note(u, units))}
        return cls({a.id: a.name for a in taxonomy.areas}, units, notes)

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
