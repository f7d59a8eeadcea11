"""Server-side SVG charts for the manager's pages: horizontal bars and grouped vertical bars.

Written by hand (about a hundred lines) rather than with a charting library because the pages
need inline SVG with our own accessibility markup (`role="img"`, `<title>`, `<desc>`,
`aria-labelledby`), no JavaScript, no external service, and output that prints legibly in black
and white (values written on the bars, the second series hatched); the maintained Python options
either render raster images (matplotlib) or emit their own, script-dependent markup (pygal).
Every chart is shown with a data table below it, which is the text alternative.
"""

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
# Dark enough to print as distinct greys; the second series is also hatched.
COLOURS = ("#1f4e79", "#b35900")
MAX_LABEL_PX = 340
MAX_LABEL_CHARS = 46


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]


def _frame(chart_id: str, title: str, description: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" {font}>'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<rect width="3" height="6" fill="{c2}"/></pattern></defs>'
        "{body}</svg>",
        w=WIDTH,
        h=height,
        id=chart_id,
        font=mark_safe(FONT),  # noqa: S308  # nosec B308 B703  # a constant
        title=title,
        desc=description,
        c2=COLOURS[1],
        body=body,
    )


def nice_max(value: int) -> int:
    """A round upper end for the value axis: 1, 2, 5 or 10 times a power of ten, at least 1."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    reference: tuple[int, str] | None = None,
) -> SafeString:
    """Horizontal bars with the value written after each bar and an optional reference line
    (e.g. the caseload limit)."""
    row, top = 28, 10
    # Room for the longest label (about 7 px a character at 12 px), within a third to a half.
    label_width = min(MAX_LABEL_PX, max(120, 7 * max((len(b.label) for b in bars), default=0) + 16))
    scale_max = nice_max(max([b.value for b in bars] + [reference[0] if reference else 0]))
    plot = WIDTH - label_width - 50
    height = top + row * max(len(bars), 1) + 30

    def x(value: int) -> float:
        return label_width + plot * value / scale_max

    parts = [
        format_html(
            '<text x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
            '<rect x="{x0}" y="{y}" width="{w}" height="{h}" fill="{c}"/>'
            '<text x="{vx}" y="{ty}">{value}</text>',
            lx=label_width - 8,
            ty=top + i * row + 18,
            label=_shorten(bar.label),
            x0=label_width,
            y=top + i * row + 4,
            w=_n(x(bar.value) - label_width),
            h=row - 8,
            c=COLOURS[0],
            vx=_n(x(bar.value) + 4),
            value=bar.value,
        )
        for i, bar in enumerate(bars)
    ]
    axis_y = top + row * max(len(bars), 1)
    parts.append(
        format_html(
            '<line x1="{x0}" y1="{top}" x2="{x0}" y2="{y}" stroke="#000"/>'
            '<text x="{x0}" y="{ty}" text-anchor="middle">0</text>'
            '<text x="{x1}" y="{ty}" text-anchor="middle">{m}</text>',
            x0=label_width,
            top=top,
            y=axis_y,
            ty=axis_y + 16,
            x1=_n(x(scale_max)),
            m=scale_max,
        )
    )
    if reference is not None:
        parts.append(
            format_html(
                '<line x1="{rx}" y1="{top}" x2="{rx}" y2="{y}" stroke="#a00" stroke-width="2" '
                'stroke-dasharray="6 4"/><text x="{rx}" y="{ty}" text-anchor="middle" fill="#a00">'
                "{label}</text>",
                rx=_n(x(reference[0])),
                top=top,
                y=axis_y,
                ty=axis_y + 28,
                label=reference[1],
            )
        )
        height += 12
    return _frame(chart_id, title, description, height, mark_safe("".join(parts)))  # noqa: S308  # nosec B308 B703  # parts made by format_html


def grouped_bar_chart(
    *, chart_id: str, title: str, description: str, categories: list[str], series: list[Series]
) -> SafeString:
    """Vertical bars per category, one per series, with a legend and horizontal grid lines."""
    left, top, plot_h, bottom = 40, 34, 200, 30
    plot_w = WIDTH - left - 10
    scale_max = nice_max(max((v for s in series for v in s.values), default=0))
    group_w = plot_w / max(len(categories), 1)
    bar_w = (group_w - 8) / max(len(series), 1)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / scale_max

    # scale_max is 1, 2 or a multiple of 5: five equal whole-number steps, or steps of one.
    step = scale_max // 5 if scale_max >= 5 else 1
    ticks = range(0, scale_max + 1, step)
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ccc"/>'
        '<text x="{}" y="{}" text-anchor="end">{}</text>',
        ((left, _n(y(t)), WIDTH - 10, _n(y(t)), left - 4, _n(y(t) + 4), t) for t in ticks),
    )
    legend = format_html_join(
        "",
        '<rect x="{}" y="6" width="14" height="14" fill="{}" stroke="{}"/><text x="{}" y="18">{}</text>',
        (
            (left + i * 200, _fill(chart_id, i), COLOURS[i % 2], left + i * 200 + 20, s.name)
            for i, s in enumerate(series)
        ),
    )
    bars = []
    for c, category in enumerate(categories):
        gx = left + c * group_w + 4
        for i, s in enumerate(series):
            value = s.values[c]
            bars.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" '
                    'fill="{fill}" stroke="{c}"/>'
                    '<text x="{tx}" y="{ty}" text-anchor="middle" font-size="10">{v}</text>',
                    x=_n(gx + i * bar_w),
                    y=_n(y(value)),
                    w=_n(bar_w - 1),
                    h=_n(top + plot_h - y(value)),
                    fill=_fill(chart_id, i),
                    c=COLOURS[i % 2],
                    tx=_n(gx + i * bar_w + bar_w / 2),
                    ty=_n(y(value) - 3),
                    v=value,
                )
            )
        bars.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
                _n(gx + (group_w - 8) / 2),
                top + plot_h + 16,
                category,
            )
        )
    axis = format_html(
        '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#000"/>', l=left, b=top + plot_h, r=WIDTH - 10
    )
    body = mark_safe(grid + legend + "".join(bars) + axis)  # noqa: S308  # nosec B308 B703  # all escaped above
    return _frame(chart_id, title, description, top + plot_h + bottom, body)


def _shorten(label: str) -> str:
    """Very long labels are cut with an ellipsis; the table below the chart has them in full."""
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _n(value: float) -> str:
    """A coordinate with one decimal at most (format_html escapes its arguments to strings, so
    numbers are formatted here)."""
    return f"{value:.1f}".removesuffix(".0")


def _fill(chart_id: str, index: int) -> str:
    return COLOURS[0] if index % 2 == 0 else f"url(#{chart_id}-hatch)"
