"""Small inline SVG charts for the HTML report (no JavaScript, prints as drawn)."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 720, 220, 36


def trend_svg(labels: list[str], counts: list[int], shares: list[float | None]) -> str:
    """Bars: CCHC articles per period; line: their share of all articles collected (right axis, %)."""
    if not labels:
        return ""
    top = max(max(counts), 1)
    step = (WIDTH - 2 * PAD) / len(labels)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#555"/>',
    ]
    points = []
    for i, (label, count, share) in enumerate(zip(labels, counts, shares, strict=True)):
        x = PAD + i * step
        h = (HEIGHT - 2 * PAD) * count / top
        parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{h:.1f}" fill="#4e79a7"><title>{escape(label)}: {count} bài</title></rect>')  # fmt: skip
        if count:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{HEIGHT - PAD - h - 3:.1f}" font-size="10" '
                         f'text-anchor="middle">{count}</text>')  # fmt: skip
        if i % max(1, len(labels) // 12) == 0:
            # "Tháng 12/2026" on two lines ("Tháng 12", "2026"): twelve fit side by side.
            first, _, year = label.rpartition("/")
            lines = [first, year] if first else [label]
            parts.append(f'<text x="{x + step / 2:.1f}" y="{HEIGHT - PAD + 14}" font-size="10" text-anchor="middle">'
                         + "".join(f'<tspan x="{x + step / 2:.1f}" dy="{12 * (n > 0)}">{escape(t)}</tspan>'
                                   for n, t in enumerate(lines)) + "</text>")  # fmt: skip
        if share is not None:
            points.append(f"{x + step / 2:.1f},{HEIGHT - PAD - (HEIGHT - 2 * PAD) * share:.1f}")
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#e15759" stroke-width="2"/>')
    parts.append(f'<text x="{PAD}" y="14" font-size="11">Cột: số bài về CCHC · Đường đỏ: tỷ lệ trên mọi bài '
                 f'thu thập (đỉnh khung = 100%)</text></svg>')  # fmt: skip
    return "".join(parts)


def bars_svg(items: list[tuple[str, int]]) -> str:
    """Horizontal bars, one per (label, value)."""
    if not items:
        return ""
    top = max(max(v for _, v in items), 1)
    row = 26
    height = row * len(items) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" class="chart">']
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = (WIDTH - 300) * value / top
        parts.append(f'<text x="0" y="{y + 16}" font-size="12">{escape(label)}</text>'
                     f'<rect x="230" y="{y + 4}" width="{w:.1f}" height="16" fill="#59a14f"/>'
                     f'<text x="{236 + w:.1f}" y="{y + 16}" font-size="12">{value}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
