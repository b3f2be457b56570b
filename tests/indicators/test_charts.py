"""The chart module: geometry, descriptions and the same figures as a table; the template draws
SVG with a title and description and no inline style or script."""

from django.template.loader import render_to_string

from valuing_send.indicators import charts


def test_bar_chart_geometry_description_and_table():
    chart = charts.bar_chart(
        "mix", "Plans by type", [("A", 50), ("B", 100), ("C", None)], unit="percent"
    )
    widths = [bar.width for bar in chart.bars]
    assert widths == [chart.plot_width / 2, chart.plot_width, 0.0]
    assert [bar.text for bar in chart.bars] == ["50.0%", "100.0%", "–"]
    assert chart.description.startswith(
        "Bar chart, plans by type, 2 bars. Highest: B, 100.0%. Lowest: A, 50.0%."
    )
    assert chart.table.values() == [["A", 50], ["B", 100], ["C", None]]
    assert chart.ticks[-1][1] == "100.0%"


def test_line_chart_breaks_at_missing_values():
    chart = charts.line_chart(
        "t",
        "Plans",
        ["2023", "2024", "2025"],
        [("Here", [10, None, 30]), ("There", [5, 6, 7])],
        unit="count",
    )
    here = chart.series[0]
    assert here.path.count("M") == 2  # two segments either side of the gap
    assert len(here.points) == 2
    assert chart.description == (
        "Line chart, plans. Here: from 10 in 2023 to 30 in 2025; There: from 5 in 2023 to 7 in 2025. "
        "The table below gives every figure."
    )
    assert chart.table.values() == [["2023", 10, 5], ["2024", None, 6], ["2025", 30, 7]]


def test_heatmap_shades_from_nothing_to_the_largest():
    chart = charts.heatmap(
        "h",
        "Gaps",
        ["Oak"],
        ["Speech", "Hearing", "Vision"],
        [[0, 5, 10]],
        counts=[["0 of 4", "1 of 20", "2 of 20"]],
    )
    assert [cell.shade for cell in chart.rows[0][2]] == [0, 3, 5]
    assert [cell.text for cell in chart.table.rows[0]][1:] == [
        "0.0% (0 of 4)",
        "5.0% (1 of 20)",
        "10.0% (2 of 20)",
    ]
    assert "Highest: Oak, Vision: 10.0%" in chart.description


def test_the_template_draws_accessible_svg_without_inline_style():
    for chart in (
        charts.bar_chart("b", "Bars", [("A", 1)], unit="count"),
        charts.line_chart("l", "Lines", ["2025"], [("A", [1])], unit="count"),
        charts.heatmap("h", "Heat", ["A"], ["x"], [[1]]),
    ):
        html = render_to_string("indicators/_chart.html", {"chart": chart})
        assert (
            'role="img"' in html
            and 'aria-labelledby="' + chart.id + "-title " + chart.id + '-desc"' in html
        )
        assert f'<title id="{chart.id}-title">' in html and f'<desc id="{chart.id}-desc">' in html
        assert "<table" in html and chart.title in html
        assert "style=" not in html and "<script" not in html and " on" + "click" not in html
        assert "Download this table" not in html  # no request: nothing to download (PDFs)


def test_formatting():
    assert charts.formatted(1234567, "count") == "1,234,567"
    assert charts.formatted(43.25, "percent") == "43.2%"  # already rounded upstream; shown as given
    assert charts.formatted(7500, "pounds") == "£7,500"
    assert charts.formatted(None, "percent") == "–"
