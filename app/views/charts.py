"""Small charts as inline SVG drawn on the server: no script (the CSP allows none inline) and
no library to ship. `columns` draws grouped columns per category (months: invoiced and paid),
`bars` horizontal bars with their value written beside (debt by age, occupancy per building).
Each element has a <title>, so a pointer shows the exact figure."""
from decimal import Decimal

from markupsafe import Markup, escape

from app.domain.words import format_amount

COLORS = ("#337ab7", "#5cb85c", "#f0ad4e", "#d9534f", "#777777")


def _scale(values):
    top = max((Decimal(v) for v in values), default=Decimal(0))
    return top if top > 0 else Decimal(1)


def columns(categories, series, height=160, title=""):
    """Grouped columns: `series` is [(name, values, color)], one value per category; a legend above."""
    n, per = len(categories), max(len(series), 1)
    left, top, bottom, least = 4, 22, 20, 480
    slot = min(max(40, (least - left) / max(n, 1)), 90)  # a few categories get wider columns, never a poster
    gap = slot / 5
    width = max(left + n * slot, least)
    bar = (slot - gap) / per
    scale = _scale(v for _, values, _ in series for v in values)
    plot = height - top - bottom
    parts = [f'<svg class="arenda-chart" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
             f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    x = left
    for name, _, color in series:
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14}" y="13" font-size="11">{escape(name)}</text>')
        x += 14 + 7 * len(str(name)) + 12
    parts.append(f'<line x1="{left}" y1="{top + plot}" x2="{width}" y2="{top + plot}" stroke="#ccc"/>')
    for i, category in enumerate(categories):
        x0 = left + i * slot + gap / 2
        for j, (name, values, color) in enumerate(series):
            value = Decimal(values[i])
            h = float(value / scale) * plot
            parts.append(f'<rect x="{x0 + j * bar:.1f}" y="{top + plot - h:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" '
                         f'fill="{color}"><title>{escape(category)} — {escape(name)}: {escape(_figure(value))}</title></rect>')
        parts.append(f'<text x="{x0 + (slot - gap) / 2:.1f}" y="{height - 6}" font-size="10" text-anchor="middle">'
                     f'{escape(category)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(items, maximum=None, title=""):
    """Horizontal bars: `items` is [(label, value, shown text, color)]; longest = `maximum` (default the largest)."""
    row, label_width, bar_width, text_width = 22, 120, 220, 130
    width, height = label_width + bar_width + text_width, row * len(items) + 4
    scale = Decimal(maximum) if maximum else _scale(value for _, value, _, _ in items)
    parts = [f'<svg class="arenda-chart" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
             f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value, shown, color) in enumerate(items):
        y = 2 + i * row
        w = min(float(Decimal(value) / scale), 1.0) * bar_width
        parts.append(f'<text x="0" y="{y + 14}" font-size="11">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{bar_width}" height="14" fill="#f2f2f2"/>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="14" fill="{color}">'
                     f'<title>{escape(label)}: {escape(shown)}</title></rect>'
                     f'<text x="{label_width + bar_width + 6}" y="{y + 14}" font-size="11">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _figure(value):
    return f"{format_amount(value)} ₽"
