"""The web pages' long tables at the province's scale (the unit scorecard, the sources): search, filter, sort."""

from __future__ import annotations

from collections.abc import Callable

from search.folding import fold, nfc

# How the scorecard can be ordered (URL value -> Vietnamese label); "plan" keeps plan.yaml's order.
SORTS = {"plan": "thứ tự trong kế hoạch", "name": "tên (A-Z)", "gap": "thiếu nhiều quý nhất", "count": "nhiều bài nhất"}


def _folded(text: str) -> str:
    return fold(nfc(text)).casefold()


def matcher(query: str) -> Callable[..., bool]:
    """Whether some texts together hold every word of `query` (accents and case optional)."""
    words = _folded(query).split()
    return lambda *texts: all(w in _folded(" ".join(texts)) for w in words)


def select_units(units: dict[str, dict], query: str, status: str, sort: str) -> dict[str, dict]:
    """The rows of `units` (report_context's scorecard) whose name, id or sources hold every word of `query`
    (accents optional) and that have a quarter in `status` (any when empty), in the order `sort` names."""
    matches = matcher(query)

    def kept(unit_id: str, row: dict) -> bool:
        wanted = not status or any(c.status == status for c in row["cells"].values())
        return wanted and matches(row["name"], unit_id, *row["sources"])

    def order(item: tuple[str, dict]) -> tuple:
        unit_id, row = item
        cells = row["cells"].values()
        if sort == "name":
            return (_folded(row["name"]), unit_id)
        if sort == "gap":
            return (-sum(c.status == "gap" for c in cells), _folded(row["name"]))
        return (-sum(c.count for c in cells), _folded(row["name"]))

    rows = [(u, row) for u, row in units.items() if kept(u, row)]
    return dict(rows if sort == "plan" else sorted(rows, key=order))
