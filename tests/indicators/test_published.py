"""DfE's published figures: every published percentage recomputed from its published counts,
the importer's joins (codes that changed, names that differ), what it skips and why, and a
release with new columns and a new year loading as this one does."""

import csv
import gzip
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from valuing_send.indicators import dfe, registry
from valuing_send.indicators.models import PublishedArea, PublishedFigure, StatisticalNeighbour
from valuing_send.indicators.published import (
    DEFAULT_SOURCE,
    find_file,
    import_published,
    parse_release,
    read_rows,
)

DIFFERENCES = Path(__file__).with_name("dfe_differences.csv")


@pytest.fixture(scope="module")
def release():
    return parse_release(DEFAULT_SOURCE)


def _area(row) -> str:
    return row.get("old_la_code") or row.get("region_code") or "E92000001"


def test_every_published_percentage_is_worked_out_from_its_counts_as_dfe_does():
    """Every row of every file, every year, every breakdown: 621,366 published percentages.
    Where ours differs from DfE's, the row is named in dfe_differences.csv with the reason,
    and the importer keeps DfE's figure."""
    named = {}
    with DIFFERENCES.open(newline="") as handle:
        for row in csv.DictReader(handle):
            named[
                (row["file"], row["time_period"], row["area"], row["breakdown"], row["column"])
            ] = (
                row["published"],
                row["reason"],
            )
    compared, markers, differences = 0, 0, {}
    for (name, column), (numerator, denominator) in dfe.PUBLISHED_PERCENTAGES.items():
        _, rows = read_rows(find_file(DEFAULT_SOURCE, name))
        for row in rows:
            published = row[column].strip()
            if published in dfe.MARKERS:
                markers += 1
                continue
            compared += 1
            count = numerator(row)
            ours = None if count is None else dfe.dfe_percent(count, denominator(row))
            if ours != Decimal(published):
                key = (name, row["time_period"], _area(row), row["breakdown"], column)
                differences[key] = published
    assert compared == 621_366
    assert markers == 15_562
    assert differences == {key: published for key, (published, _) in named.items()}
    reasons = {}
    for _, reason in named.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    assert reasons == {"not_made": 160, "requests": 53, "surrey": 2}


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (248_016, 572_829, "43.3"),  # England 2023/24 mainstream, DfE's denominator
        (92, 320, "28.7"),  # 28.749999… in binary: DfE rounds it down
        (49, 400, "12.3"),  # exactly 12.25: half up
        (309, 2000, "15.4"),  # 15.45 is 15.4499… in binary
        (39_407, 84_866, "46.4"),  # England's 20-week timeliness, 2024
        (0, 0, None),
    ],
)
def test_dfe_rounding(numerator, denominator, expected):
    assert dfe.dfe_percent(numerator, denominator) == (
        None if expected is None else Decimal(expected)
    )


def test_periods_belong_to_the_january_dfe_pairs_them_with():
    assert dfe.census_year("202425") == 2025
    assert dfe.census_year("2024") == 2025
    with pytest.raises(ValueError):
        dfe.census_year("2024/25")


def _figure(release, area, indicator, year, dimension="", category=""):
    return next(
        f
        for f in release.figures
        if (f.area, f.indicator, f.year, f.dimension, f.category)
        == (area, indicator, year, dimension, category)
    )


def test_the_release_covers_every_authority_region_and_england_for_every_year(release):
    plans = [f for f in release.figures if f.indicator == "ehc_plans" and not f.dimension]
    assert sorted({f.year for f in plans}) == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    latest = {f.area for f in plans if f.year == 2025}
    levels = [release.areas[code].level for code in latest]
    assert levels.count("authority") == 153
    assert levels.count("region") == 9
    assert levels.count("england") == 1
    # The README's example figures, read through the importer.
    assert _figure(release, "E92000001", "ehc_plans", 2025).value == 638_745
    assert _figure(release, "E92000001", "ehc_plans", 2024).value == 576_474
    assert _figure(release, "886", "ehc_plans", 2025).value == 20_635
    assert _figure(release, "886", "plans_mainstream_pct", 2025).value == Decimal("36.1")
    assert _figure(release, "886", "plans_special_pct", 2025).value == Decimal("39.0")
    timeliness = _figure(release, "E92000001", "plans_within_20_weeks_ex", 2025)
    assert (timeliness.value, timeliness.numerator, timeliness.denominator) == (
        Decimal("46.4"),
        39_407,
        84_866,
    )
    asd = _figure(release, "E92000001", "plans_by_need", 2025, "primary_need", "ASD")
    assert (asd.value, asd.numerator, asd.denominator) == (Decimal("31.5"), 201_183, 638_745)
    assert _figure(release, "E92000001", "pct_pupils_ehc_plan", 2025).value == Decimal("5.3")
    assert _figure(release, "E92000001", "pct_pupils_sen_support", 2025).value == Decimal("14.2")


def test_codes_that_changed_stay_one_authority(release):
    """Buckinghamshire is E10000002 in some years and E06000060 in others: one area, 825."""
    bucks = release.areas["825"]
    assert bucks.ons_codes == {"E10000002", "E06000060"}
    years = sorted(
        f.year
        for f in release.figures
        if f.area == "825" and f.indicator == "ehc_plans" and not f.dimension
    )
    assert years == [2019, 2020, 2021, 2022, 2023, 2024, 2025]

    # Cumbria ends in 2022/23; Cumberland and Westmorland and Furness start in 2023/24.
    def years_of(code):
        return sorted(
            f.year
            for f in release.figures
            if f.area == code and f.indicator == "ehc_plans" and not f.dimension
        )

    assert years_of("909")[-1] == 2023
    assert years_of("942")[0] == years_of("943")[0] == 2024
    assert years_of("928")[-1] == 2021 and years_of("940")[0] == 2022
    assert years_of("837") == [2019] and years_of("839")[0] == 2020


def test_statistical_neighbours_join_despite_different_codes_and_names(release):
    assert len(release.neighbours) == 1530
    neighbours = {(a, rank): n for a, n, rank, _ in release.neighbours}
    kent = [neighbours[("886", rank)] for rank in range(1, 11)]
    assert [release.areas[code].name for code in kent] == [
        "Essex",
        "East Sussex",
        "Devon",
        "Bexley",
        "Suffolk",
        "Norfolk",
        "Nottinghamshire",
        "West Sussex",
        "Bedford",
        "Somerset",  # E06000066 in the neighbours file, E10000027 in DfE's: matched by name
    ]
    notes = release.report.files["statistical_neighbours_2025"]["notes"]
    assert "North Yorkshire E06000065 matched by name to DfE LA 815" in notes
    assert "Somerset E06000066 matched by name to DfE LA 933" in notes
    proximity = {p for *_, p in release.neighbours}
    assert "Close" in proximity and "Close " not in proximity  # the trailing space is stripped


def test_dfe_special_values_are_kept_as_published(release):
    """Cambridgeshire returned no placements for January 2025: x, not zero; Hackney returned
    none for January 2024. The placement share of the year before is a number."""
    cambs = _figure(release, "873", "plans_mainstream_pct", 2025)
    assert (cambs.value, cambs.marker) == (None, "x")
    assert _figure(release, "873", "ehc_plans", 2025).value == 8007
    hackney = _figure(release, "204", "plans_special_pct", 2024)
    assert hackney.marker == "x"
    assert _figure(release, "204", "plans_special_pct", 2025).marker == ""
    # LAIT's "-" stays "-".
    assert any(f.marker == "-" for f in release.figures if f.source == dfe.LAIT_FILE)


def test_what_the_importer_skips_it_reports_with_the_reason(release):
    report = release.report.files
    assert (
        report["caseload"]["skipped"][
            "breakdown topic 'Age when plan started': no indicator is broken down by it"
        ]
        == 6176
    )
    # DfE's 2022 new plans file gives every Yorkshire and the Humber authority the region's
    # total; those counts are not loaded, their percentages are.
    suspect = [
        reason for reason in report["newplans_all_and_age"]["skipped"] if "region's total" in reason
    ]
    assert suspect and report["newplans_all_and_age"]["skipped"][suspect[0]] == 15
    barnsley = _figure(release, "370", "new_plans_mainstream_pct", 2023)
    assert (barnsley.value, barnsley.numerator, barnsley.denominator) == (Decimal("79.6"), 254, 319)
    assert not [
        f
        for f in release.figures
        if f.area == "370" and f.indicator == "new_plans" and f.year == 2023 and not f.dimension
    ]


def test_every_dfe_definition_is_quoted_word_for_word():
    guidance = (DEFAULT_SOURCE / "data-guidance.txt").read_text(encoding="utf-8")
    _, lait_rows = read_rows(find_file(DEFAULT_SOURCE, dfe.LAIT_FILE))
    lait = {(row["measure_short"], row["measure"]) for row in lait_rows}
    quoted = 0
    for indicator in registry.INDICATORS:
        if indicator.dfe is None:
            continue
        for name, words in indicator.dfe.variables:
            if indicator.dfe.file.startswith("lait"):
                assert (name, words) in lait
            else:
                assert f"{name} " in guidance and words in guidance, (indicator.id, name)
                assert f"Filename: {indicator.dfe.file}" in guidance
            quoted += 1
        if indicator.dfe.summary:
            assert indicator.dfe.summary in " ".join(guidance.split()), indicator.id
    assert quoted >= 30


@pytest.mark.django_db
def test_the_command_loads_authorities_and_reports(tmp_path):
    out = io.StringIO()
    call_command("import_published", only=["886", "888"], stdout=out)
    text = out.getvalue()
    assert "caseload: 25,339 rows read" in text
    assert "skipped 6,176: breakdown topic 'Age when plan started'" in text
    kent = PublishedArea.objects.get(code="886")
    assert (kent.name, kent.current, kent.region.name) == ("Kent", True, "South East")
    figure = PublishedFigure.objects.get(
        area=kent, indicator="plans_mainstream_pct", year=2025, dimension=""
    )
    assert (figure.value, figure.numerator, figure.denominator, figure.source) == (
        Decimal("36.1"),
        7452,
        20635,
        "caseload",
    )
    assert PublishedArea.objects.filter(level="authority").count() == 2
    assert not StatisticalNeighbour.objects.exists()  # their neighbours were not loaded
    # Idempotent: a second import replaces, never duplicates.
    before = PublishedFigure.objects.count()
    call_command("import_published", only=["886", "888"], stdout=io.StringIO())
    assert PublishedFigure.objects.count() == before


def _write(folder: Path, name: str, header: list[str], rows: list[list[str]]):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    (folder / f"{name}.csv").write_bytes(("\ufeff" + text.getvalue()).encode("utf-8"))


@pytest.mark.django_db
def test_next_years_release_with_new_columns_and_topics_loads_too(tmp_path):
    """A release with a new year, a new column and a new breakdown topic: loaded where it
    maps, reported where it does not, and nothing fails."""
    source = DEFAULT_SOURCE / "caseload.csv.gz"
    original = gzip.decompress(source.read_bytes()).decode("utf-8-sig").splitlines()
    header = next(csv.reader([original[0]]))
    england_2025 = next(
        row
        for row in csv.reader(original[1:])
        if row[0] == "202425" and row[2] == "National" and row[10] == "All EHC plans"
    )
    row = dict(zip(header, england_2025, strict=True))
    row["time_period"] = "202526"
    row["ehcplans"] = "700000"
    new_header = [*header, "new_measure_2026"]
    new_rows = [
        [*(row[h] for h in header), "12"],
        [*(row[h] if h != "breakdown_topic" else "Primary need group" for h in header), "3"],
    ]
    _write(tmp_path, "caseload", new_header, new_rows)
    record, report = import_published(tmp_path)
    entry = report.files["caseload"]
    assert entry["rows"] == 2
    assert any("new_measure_2026" in note for note in entry["notes"])
    assert (
        entry["skipped"]["breakdown topic 'Primary need group': no indicator is broken down by it"]
        == 1
    )
    assert "newplans_all_and_age" in report.missing_files
    figure = PublishedFigure.objects.get(area__code="E92000001", indicator="ehc_plans", year=2026)
    assert figure.value == 700_000 and figure.time_period == "202526"
    assert record.report["missing_files"]


@pytest.mark.django_db
def test_an_unchanged_release_is_not_loaded_again(tmp_path):
    _write(tmp_path, "caseload", ["time_period"], [])
    first = io.StringIO()
    call_command("import_published", source=str(tmp_path), if_changed=True, stdout=first)
    assert "Loaded" in first.getvalue()
    again = io.StringIO()
    call_command("import_published", source=str(tmp_path), if_changed=True, stdout=again)
    assert again.getvalue().strip() == "The published figures are up to date."


@pytest.mark.django_db
def test_recompute_command(hand_built, authority_a):
    out = io.StringIO()
    call_command("recompute_indicators", authority="901", stdout=out)
    assert out.getvalue().startswith("Northshire County Council: 7 period(s)")
    with pytest.raises(Exception, match="No authority called"):
        call_command("recompute_indicators", authority="Nowhere")
