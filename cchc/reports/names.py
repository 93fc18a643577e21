"""Vietnamese names of what the reports show: channels, stances, statuses, areas, gap kinds."""

from __future__ import annotations

from dataclasses import dataclass

from config import Plan, Taxonomy

CHANNEL_NAMES = {
    "newspaper": "Báo in, báo điện tử",
    "broadcaster": "Phát thanh - Truyền hình",
    "provincial_portal": "Cổng TTĐT tỉnh",
    "unit_portal": "Cổng/Trang TTĐT đơn vị",
    "aggregator": "Trang tổng hợp tin",
}
STANCE_NAMES = {"praise": "Khen ngợi", "criticism": "Phản ánh hạn chế", "neutral": "Trung lập"}
STATUS_NAMES = {"ok": "đạt", "gap": "thiếu", "unknown": "chưa thu thập"}
GAP_KINDS = {"area": "Lĩnh vực trên kênh", "unit": "Đơn vị", "qa_column": "Chuyên mục Dân hỏi"}


@dataclass(frozen=True)
class Names:
    """Display names for ids, from the taxonomy and the plan."""

    areas: dict[str, str]
    units: dict[str, str]

    @classmethod
    def of(cls, taxonomy: Taxonomy, plan: Plan) -> Names:
        return cls({a.id: a.name for a in taxonomy.areas}, {u.unit: u.name for u in plan.units})

    def subject(self, kind: str, subject: str) -> str:
        if kind == "area":
            return self.areas.get(subject, subject)
        if kind == "unit":
            return self.units.get(subject, subject)
        return "Dân hỏi - Cơ quan chức năng trả lời"

    @staticmethod
    def channel(channel: str | None) -> str:
        return CHANNEL_NAMES.get(channel or "", channel or "")

    @staticmethod
    def status(status: str) -> str:
        return STATUS_NAMES.get(status, status)
