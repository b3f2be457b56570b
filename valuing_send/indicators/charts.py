"""The one chart module: bar charts, line charts and heatmaps worked out on the server and drawn
as SVG by ``templates/indicators/_chart.html``.

Every chart carries a title, a description a screen reader reads in place of the drawing, and
the same figures as a table (``Table``), shown under it. No script and no inline style (the
Content-Security-Policy has no 'unsafe-inline'): colours come from classes in ``app.css`` and
SVG presentation attributes, so the same markup prints in a PDF rendered in a worker. No
charting library fits that: the maintained Python ones (pygal, matplotlib, plotly) emit
``<style>`` blocks, inline styles or script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

WIDTH = 640
LABEL_WIDTH = 240
BAR_HEIGHT = 22
BAR_GAP = 8
TOP = 8
SERIES_CLASSES = ("local", "own", "region", "england", "neighbours", "extra")


@dataclass(frozen=True)
class Cell:
    """One table cell: the value for exports and the text the page shows (and a link)."""

    value: object
    text: str
    href: str = ""


@dataclass
class Table:
    """A table a page shows and a user can download: ``key`` names it in export links."""

    key: str
    caption: str
    headings: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)  # indexes of numeric columns
    row_headings: bool = True  # the first cell of each row is its heading

    def values(self) -> list[list[object]]:
        return [[cell.value for cell in row] for row in self.rows]


def formatted(value, unit: str) -> str:
    """A figure as the pages show it: 12,345; 43.6%; £1,234,500."""
    if value is None:
        return "–"
    if unit in ("percent", "mean_percent"):
        return f"{Decimal(value):.1f}%"
    if unit == "pounds":
        return f"£{int(value):,}"
    if unit == "score":
        return f"{float(value):.2f}"
    if isinstance(value, float | Decimal) and value != int(value):
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 2.5, 5, 10):
        magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 0.1
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(value)


def _ticks(maximum: float, count: int = 4) -> list[float]:
    return [maximum * index / count for index in range(count + 1)]


# ----- Bar chart ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: float
    width: float
    text_x: float
    highlight: bool = False
    missing: bool = False


@dataclass
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    width: int
    height: int
    plot_left: int
    plot_width: int
    table: Table
    kind: str = "bar"


def bar_chart(
    id: str,
    title: str,
    rows: list[tuple[str, object]],
    *,
    unit: str,
    table_heading: str = "Value",
    label_heading: str = "",
    highlight: str | None = None,
    links: dict[str, str] | None = None,
    extra_columns: list[tuple[str, list[Cell]]] | None = None,
) -> BarChart:
    """Horizontal bars, one per (label, value), in the order given. ``highlight``: the label
    drawn in the accent colour (the authority among others)."""
    values = [float(v) for _, v in rows if v is not None]
    maximum = _nice_max(max(values, default=0))
    plot_left, plot_width = LABEL_WIDTH, WIDTH - LABEL_WIDTH - 70
    bars = []
    for index, (label, value) in enumerate(rows):
        y = TOP + index * (BAR_HEIGHT + BAR_GAP)
        width = 0.0 if value is None else plot_width * float(value) / maximum
        bars.append(
            Bar(
                label=_shorten(label, 30),
                text=formatted(value, unit),
                y=y,
                width=max(width, 0.0),
                text_x=plot_left + max(width, 0.0) + 6,
                highlight=label == highlight,
                missing=value is None,
            )
        )
    height = TOP + len(rows) * (BAR_HEIGHT + BAR_GAP) + 24
    ticks = [(plot_left + plot_width * t / maximum, formatted(t, unit)) for t in _ticks(maximum)]
    table = Table(
        key=id,
        caption=title,
        headings=[label_heading or "Category", table_heading]
        + [heading for heading, _ in (extra_columns or [])],
        numeric={1, *range(2, 2 + len(extra_columns or []))},
    )
    for index, (label, value) in enumerate(rows):
        row = [
            Cell(label, label),
            Cell(
                None if value is None else _plain_number(value),
                formatted(value, unit),
                (links or {}).get(label, ""),
            ),
        ]
        for _, cells in extra_columns or []:
            row.append(cells[index])
        table.rows.append(row)
    return BarChart(
        id=id,
        title=title,
        description=_describe_bars(title, rows, unit),
        bars=bars,
        ticks=ticks,
        width=WIDTH,
        height=height,
        plot_left=plot_left,
        plot_width=plot_width,
        table=table,
    )


def _describe_bars(title: str, rows, unit: str) -> str:
    known = [(label, v) for label, v in rows if v is not None]
    if not known:
        return f"{title}: no figures yet."
    high = max(known, key=lambda item: float(item[1]))
    low = min(known, key=lambda item: float(item[1]))
    if len(known) == 1:
        return f"{title}: {high[0]} {formatted(high[1], unit)}."
    return (
        f"Bar chart, {title.lower()}, {len(known)} bars. Highest: {high[0]}, "
        f"{formatted(high[1], unit)}. Lowest: {low[0]}, {formatted(low[1], unit)}. "
        "The table below gives every figure."
    )


# ----- Line chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    text: str


@dataclass
class Series:
    name: str
    css: str
    points: list[Point]
    path: str
    dashed: bool = False


@dataclass
class LineChart:
    id: str
    title: str
    description: str
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    table: Table
    kind: str = "line"


def line_chart(
    id: str,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[object]]],
    *,
    unit: str,
    css: list[str] | None = None,
) -> LineChart:
    """One line per series over ``x_labels`` (periods); a missing value breaks the line."""
    width, height = WIDTH, 280
    values = [float(v) for _, vs in series for v in vs if v is not None]
    low = min(values, default=0.0)
    high = max(values, default=1.0)
    minimum = 0.0 if low >= 0 else low
    maximum = _nice_max(high if high > minimum else minimum + 1)
    span = maximum - minimum or 1.0
    # Room on the left for the longest axis label (about 7 units a character at 12px), and on
    # the right for half the last period's label.
    longest = max(len(formatted(minimum + t, unit)) for t in _ticks(span))
    left = 16 + 7 * longest
    right = WIDTH - max(24, 4 * len(x_labels[-1]) if x_labels else 24)
    top, bottom = 16, height - 40

    def x_of(index: int) -> float:
        if len(x_labels) == 1:
            return (left + right) / 2
        return left + (right - left) * index / (len(x_labels) - 1)

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value - minimum) / span

    drawn = []
    for index, (name, vs) in enumerate(series):
        points, segments, current = [], [], []
        for position, value in enumerate(vs):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            point = Point(x_of(position), y_of(float(value)), formatted(value, unit))
            points.append(point)
            current.append(point)
        if current:
            segments.append(current)
        path = " ".join(
            "M" + " L".join(f"{p.x:.1f},{p.y:.1f}" for p in segment) for segment in segments
        )
        klass = (css or SERIES_CLASSES)[index % len(css or SERIES_CLASSES)]
        drawn.append(Series(name, klass, points, path, dashed=index > 0))
    ticks = [(y_of(minimum + t), formatted(minimum + t, unit)) for t in _ticks(span)]
    table = Table(
        key=id,
        caption=title,
        headings=["Period", *(name for name, _ in series)],
        numeric=set(range(1, len(series) + 1)),
    )
    for position, label in enumerate(x_labels):
        row = [Cell(label, label)]
        for _, vs in series:
            value = vs[position] if position < len(vs) else None
            row.append(
                Cell(None if value is None else _plain_number(value), formatted(value, unit))
            )
        table.rows.append(row)
    return LineChart(
        id=id,
        title=title,
        description=_describe_lines(title, x_labels, series, unit),
        series=drawn,
        x_labels=[(x_of(i), label) for i, label in enumerate(x_labels)],
        y_ticks=ticks,
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        table=table,
    )


def _describe_lines(title, x_labels, series, unit) -> str:
    parts = []
    for name, vs in series:
        known = [(x_labels[i], v) for i, v in enumerate(vs) if v is not None]
        if not known:
            continue
        if len(known) == 1:
            parts.append(f"{name}: {formatted(known[0][1], unit)} in {known[0][0]}")
        else:
            parts.append(
                f"{name}: from {formatted(known[0][1], unit)} in {known[0][0]} to "
                f"{formatted(known[-1][1], unit)} in {known[-1][0]}"
            )
    if not parts:
        return f"{title}: no figures yet."
    return (
        f"Line chart, {title.lower()}. "
        + "; ".join(parts)
        + ". The table below gives every figure."
    )


# ----- Heatmap ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    x: float
    y: float
    text: str
    shade: int  # 0 (none) … 5 (most)


@dataclass
class Heatmap:
    id: str
    title: str
    description: str
    columns: list[tuple[float, list[str]]]
    rows: list[tuple[float, str, list[HeatCell]]]
    cell_width: float
    cell_height: float
    width: int
    height: int
    label_width: int
    header: int
    table: Table
    kind: str = "heatmap"


def heatmap(
    id: str,
    title: str,
    row_labels: list[str],
    column_labels: list[str],
    values: list[list[object]],
    *,
    unit: str = "percent",
    counts: list[list[str]] | None = None,
) -> Heatmap:
    """Rows × columns of shares, shaded in five steps from 0 to the largest value."""
    # Column labels are horizontal (rotated text would overlap its neighbours' boxes under
    # WCAG text spacing), wrapped into at most three lines of about 12 characters.
    label_width, header, cell_width, cell_height = 250, 64, 112, 28
    numbers = [float(v) for row in values for v in row if v is not None]
    top_value = max(numbers, default=0.0) or 1.0
    rows = []
    for r, (label, row) in enumerate(zip(row_labels, values, strict=True)):
        y = header + r * cell_height
        cells = []
        for c, value in enumerate(row):
            shade = 0 if not value else min(5, 1 + int(4 * float(value) / top_value))
            cells.append(
                HeatCell(
                    label_width + c * cell_width,
                    y,
                    formatted(value, unit) if value is not None else "",
                    shade,
                )
            )
        rows.append((y, _shorten(label, 36), cells))
    table = Table(
        key=id,
        caption=title,
        headings=["", *column_labels],
        numeric=set(range(1, len(column_labels) + 1)),
    )
    for r, (label, row) in enumerate(zip(row_labels, values, strict=True)):
        table.rows.append(
            [Cell(label, label)]
            + [
                Cell(
                    None if v is None else _plain_number(v),
                    (formatted(v, unit) if v is not None else "–")
                    + (f" ({counts[r][c]})" if counts and counts[r][c] else ""),
                )
                for c, v in enumerate(row)
            ]
        )
    worst = sorted(
        (
            (float(v), row_labels[r], column_labels[c])
            for r, row in enumerate(values)
            for c, v in enumerate(row)
            if v
        ),
        reverse=True,
    )[:3]
    description = (
        f"Heatmap, {title.lower()}: {len(row_labels)} rows by {len(column_labels)} columns, "
        "darker where the share is higher. "
        + (
            "Highest: "
            + "; ".join(f"{row}, {col}: {formatted(v, unit)}" for v, row, col in worst)
            + ". "
            if worst
            else "No shortfalls. "
        )
        + "The table below gives every figure."
    )
    return Heatmap(
        id=id,
        title=title,
        description=description,
        columns=[
            (label_width + c * cell_width + cell_width / 2, _wrap(label, 12, 3))
            for c, label in enumerate(column_labels)
        ],
        rows=rows,
        cell_width=cell_width,
        cell_height=cell_height,
        width=int(label_width + len(column_labels) * cell_width + 8),
        height=int(header + len(row_labels) * cell_height + 8),
        label_width=label_width,
        header=header,
        table=table,
    )


def _plain_number(value):
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    return value


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """Words into at most ``lines`` lines of about ``width`` characters (the last shortened)."""
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[: lines - 1] + [_shorten(" ".join(out[lines - 1 :]), width)]
    return out


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
