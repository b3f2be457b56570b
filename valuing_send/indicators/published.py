"""Importing DfE's published figures (``manage.py import_published``).

``parse_release(folder)`` reads the files the specifications in ``dfe.py`` describe (``.csv``
or ``.csv.gz``, as DfE names them) and returns areas, figures, statistical neighbours and a
report of everything it did not load and why; ``import_published`` writes them in one
transaction, replacing what earlier imports of the same files wrote. A new release with the
same file names loads the same way: new columns, topics and periods are reported, not fatal.

The joins that trip importers (``../shared/data/dfe/README.md``): authorities are keyed on
DfE's 3-digit LA number, which stayed the same when ONS codes changed (Buckinghamshire is
E10000002 in some years and E06000060 in others); an ONS code that appears in no DfE file
(North Yorkshire E06000065 and Somerset E06000066 in the statistical neighbours) is matched on
the authority's name, with punctuation ignored (St Helens / St. Helens).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import dfe

DEFAULT_SOURCE = Path(settings.BASE_DIR) / "seeds" / "dfe" / "published"
ENGLAND_CODE = "E92000001"
LAIT_ENGLAND = "970"


@dataclass(frozen=True)
class Figure:
    area: str  # PublishedArea.code
    indicator: str
    year: int
    time_period: str
    dimension: str
    category: str
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    marker: str
    derived: bool
    source: str


@dataclass
class Area:
    code: str
    level: str
    name: str
    ons_code: str = ""
    region: str = ""
    latest_year: int = 0
    ons_codes: set[str] = field(default_factory=set)


@dataclass
class Report:
    """What was loaded and skipped, per file. ``skipped`` maps a reason to a count."""

    files: dict[str, dict] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)

    def file(self, name: str) -> dict:
        return self.files.setdefault(
            name, {"rows": 0, "figures": 0, "skipped": Counter(), "notes": []}
        )

    def skip(self, name: str, reason: str, count: int = 1) -> None:
        self.file(name)["skipped"][reason] += count

    def as_json(self) -> dict:
        return {
            "files": {
                name: {**entry, "skipped": dict(entry["skipped"].most_common())}
                for name, entry in self.files.items()
            },
            "missing_files": self.missing_files,
        }

    def lines(self) -> list[str]:
        out = []
        for name, entry in self.files.items():
            out.append(f"{name}: {entry['rows']:,} rows read, {entry['figures']:,} figures loaded")
            for reason, count in entry["skipped"].most_common():
                out.append(f"  skipped {count:,}: {reason}")
            out.extend(f"  note: {note}" for note in entry["notes"])
        out.extend(f"missing: {name} (its earlier figures are kept)" for name in self.missing_files)
        return out


@dataclass
class Release:
    areas: dict[str, Area]
    figures: list[Figure]
    neighbours: list[tuple[str, str, int, str]]  # (area code, neighbour code, rank, proximity)
    report: Report
    sources: list[str]


def find_file(folder: Path, name: str) -> Path | None:
    for candidate in (folder / f"{name}.csv", folder / f"{name}.csv.gz"):
        if candidate.exists():
            return candidate
    return None


def read_rows(path: Path) -> tuple[list[str], Iterator[dict[str, str]]]:
    """Header (lower case: DfE's column case is inconsistent) and rows of a DfE file. A
    duplicated column name (annual reviews' review_meeting_prior_24) keeps its last copy."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader)]

    def rows():
        for values in reader:
            if not values or all(not v.strip() for v in values):
                continue
            yield dict(zip(header, values, strict=False))

    return header, rows()


def name_key(name: str) -> str:
    key = name.lower().replace("&", " and ")
    key = re.sub(r",\s*(city|county) of$", "", key)
    key = re.sub(r"[^a-z0-9]+", " ", key)
    key = re.sub(r"\b(county|city of|borough)\b", " ", key)
    return " ".join(key.split())


class Parser:
    def __init__(self, folder: Path):
        self.folder = folder
        self.areas: dict[str, Area] = {}
        self.figures: list[Figure] = []
        self.neighbours: list[tuple[str, str, int, str]] = []
        self.report = Report()
        self.sources: list[str] = []

    # --- areas ---
    def area_of(self, row: dict[str, str], year: int) -> str | None:
        level = row.get("geographic_level", "")
        if level == "National":
            code, kind, name, ons, region = ENGLAND_CODE, "england", "England", ENGLAND_CODE, ""
        elif level == "Regional":
            code = row.get("region_code", "").strip()
            kind, name, ons, region = "region", row.get("region_name", "").strip(), code, ""
        elif level == "Local authority":
            code = row.get("old_la_code", "").strip()
            kind, name = "authority", row.get("la_name", "").strip()
            ons, region = row.get("new_la_code", "").strip(), row.get("region_code", "").strip()
        else:
            return None
        if not code:
            return None
        area = self.areas.get(code)
        if area is None:
            area = self.areas[code] = Area(code=code, level=kind, name=name)
        if ons:
            area.ons_codes.add(ons)
        if year >= area.latest_year:
            area.latest_year = year
            area.name = name or area.name
            area.ons_code = ons or area.ons_code
            area.region = region or area.region
        return code

    # --- DfE EHC plan files ---
    def parse_spec(self, spec: dfe.FileSpec) -> None:
        opened = self.open(spec.name)
        if opened is None:
            return
        header, rows, entry = opened
        self.check_columns(spec, header)
        rows = list(rows)
        entry["rows"] = len(rows)
        suspect = self.suspect_counts(spec, rows)
        phases: dict[tuple, list[int | None]] = defaultdict(lambda: [0, 0, False, ""])
        for row in rows:
            try:
                year = dfe.census_year(row["time_period"])
            except (KeyError, ValueError):
                self.report.skip(spec.name, "time period not recognised")
                continue
            area = self.area_of(row, year)
            if area is None:
                self.report.skip(spec.name, "geographic level or area code not recognised")
                continue
            topic, label = row.get("breakdown_topic", ""), row.get("breakdown", "")
            if topic in spec.total_topics or topic == label:
                dimension, category = "", ""
            elif topic in spec.topics:
                dimension = spec.topics[topic]
                category = self.category(dimension, label)
                if category is None:
                    self.report.skip(
                        spec.name, f"{topic} category {label!r} has no match in our categories"
                    )
                    continue
            else:
                self.report.skip(
                    spec.name, f"breakdown topic {topic!r}: no indicator is broken down by it"
                )
                continue
            for measure in spec.measures:
                if measure.category is not None:
                    if dimension:
                        self.report.skip(
                            spec.name,
                            f"{topic} × {measure.category[0].replace('_', ' ')}: two-way "
                            "breakdowns are not imported",
                        )
                        continue
                    m_dimension, m_category = measure.category
                else:
                    m_dimension, m_category = dimension, category
                if dimension and not measure.broken_down:
                    self.report.skip(
                        spec.name, f"{measure.indicator} by {topic}: only totals are imported"
                    )
                    continue
                if (
                    measure.skip_suspect_count
                    and not dimension
                    and (area, row["time_period"]) in suspect
                ):
                    self.report.skip(
                        spec.name,
                        f"{measure.indicator}: an authority's count equals its region's total in "
                        f"{row['time_period']} (a DfE file error; its percentages are kept)",
                    )
                    continue
                if dimension == "age_phase":
                    self.add_to_phase(phases, spec, measure, row, area, year, category)
                    continue
                self.add(spec, measure, row, area, year, m_dimension, m_category)
        self.emit_phases(spec, phases)

    def check_columns(self, spec: dfe.FileSpec, header: list[str]) -> None:
        used = set(dfe.IDENTIFIERS) | set(spec.unused_columns)
        for measure in spec.measures:
            used.update(measure.count.columns)
            if measure.percent:
                used.add(measure.percent)
            if measure.denominator is not None:
                used.update(measure.denominator.columns)
        new = [name for name in header if name not in used]
        if new:
            self.report.file(spec.name)["notes"].append(
                "columns no indicator reads yet (new in this release?): " + ", ".join(new)
            )
        wanted = {name for m in spec.measures for name in m.count.columns}
        absent = sorted(wanted - set(header))
        if absent:
            self.report.file(spec.name)["notes"].append(
                "columns the indicators expect are absent: " + ", ".join(absent)
            )

    @staticmethod
    def suspect_counts(spec: dfe.FileSpec, rows: list[dict]) -> set[tuple[str, str]]:
        """(LA code, period) whose total count equals its region's total although the region
        has other authorities: DfE's 2022 new plans for Yorkshire and the Humber, where every
        authority carries the region's 6,078."""
        counts = [m for m in spec.measures if m.skip_suspect_count]
        if not counts:
            return set()
        reader = counts[0].count
        regions, authorities = {}, defaultdict(list)
        for row in rows:
            if row.get("breakdown_topic") not in spec.total_topics:
                continue
            key = (row.get("region_code"), row.get("time_period"))
            if row.get("geographic_level") == "Regional":
                regions[key] = reader(row)
            elif row.get("geographic_level") == "Local authority":
                authorities[key].append((row.get("old_la_code"), reader(row)))
        suspect = set()
        for key, members in authorities.items():
            total = regions.get(key)
            same = [code for code, value in members if value is not None and value == total]
            if total and len(members) > 1 and len(same) > 1:
                suspect.update((code, key[1]) for code in same)
        return suspect

    @staticmethod
    def category(dimension: str, label: str) -> str | None:
        if dimension == "gender":
            return dfe.GENDERS.get(label)
        if dimension == "ethnicity":
            return dfe.ETHNICITIES.get(label)
        if dimension == "age_phase":
            return dfe.age_phase_of_label(label)
        return None

    @staticmethod
    def raw_marker(row: dict, names) -> str:
        for name in names:
            text = (row.get(name) or "").strip()
            if text in dfe.MARKERS:
                return text
        return "x"

    def add(self, spec, measure, row, area, year, dimension, category) -> None:
        count = measure.count(row)
        value, numerator, denominator, marker, derived = None, count, None, "", False
        if not measure.is_share:
            if count is None:
                marker = self.raw_marker(row, measure.count.columns)
            value = None if count is None else Decimal(count)
        else:
            denominator = measure.denominator(row)
            if measure.percent:
                published = (row.get(measure.percent) or "").strip()
                if published in dfe.MARKERS or not published:
                    marker = published or "x"
                else:
                    try:
                        value = Decimal(published)
                    except InvalidOperation:
                        self.report.skip(spec.name, f"{measure.percent}: not a number")
                        return
            else:
                derived = True
                value = None if count is None else dfe.dfe_percent(count, denominator)
                if value is None:
                    marker = self.raw_marker(row, measure.count.columns)
        self.figures.append(
            Figure(
                area,
                measure.indicator,
                year,
                row["time_period"],
                dimension,
                category,
                value,
                numerator,
                denominator,
                marker,
                derived,
                spec.name,
            )
        )
        self.report.file(spec.name)["figures"] += 1

    @staticmethod
    def add_to_phase(phases, spec, measure, row, area, year, phase) -> None:
        """Single years of age summed into our age phases. A phase with any age not
        available is not available."""
        key = (area, measure.indicator, year, row["time_period"], phase)
        total = phases[key]
        count = measure.count(row)
        denominator = measure.denominator(row) if measure.is_share else 0
        if count is None or denominator is None:
            total[2] = True
            return
        total[0] += count
        total[1] += denominator or 0

    def emit_phases(self, spec, phases) -> None:
        shares = {m.indicator for m in spec.measures if m.is_share}
        for (area, indicator, year, period, phase), (count, den, missing, _) in phases.items():
            if missing:
                value, marker = None, "x"
            elif indicator in shares:
                value, marker = dfe.dfe_percent(count, den), ""
                marker = "x" if value is None else ""
            else:
                value, marker = Decimal(count), ""
            self.figures.append(
                Figure(
                    area,
                    indicator,
                    year,
                    period,
                    "age_phase",
                    phase,
                    value,
                    None if missing else count,
                    (None if missing else den) if indicator in shares else None,
                    marker,
                    True,
                    spec.name,
                )
            )
            self.report.file(spec.name)["figures"] += 1

    def open(self, name: str):
        """The file's header and rows, its report entry; or None (reported) if it is missing."""
        path = find_file(self.folder, name)
        if path is None:
            self.report.missing_files.append(name)
            return None
        self.sources.append(name)
        header, rows = read_rows(path)
        return header, rows, self.report.file(name)

    # --- LAIT school-census percentages ---
    def parse_lait(self) -> None:
        name = dfe.LAIT_FILE
        opened = self.open(name)
        if opened is None:
            return
        _, rows, entry = opened
        for row in rows:
            entry["rows"] += 1
            indicator = dfe.LAIT_MEASURES.get(row.get("measure_short", ""))
            if indicator is None:
                self.report.skip(
                    name, f"LAIT measure {row.get('measure_short')}: not one of our indicators"
                )
                continue
            code = self.lait_area(row)
            if code is None:
                self.report.skip(name, "area not recognised")
                continue
            year = int(row["year"])
            text = row.get("value", "").strip()
            marker = text if text in dfe.MARKERS else ""
            try:
                value = None if marker or not text else Decimal(text)
            except InvalidOperation:
                self.report.skip(name, "value is not a number")
                continue
            if value is None and not marker:
                marker = "x"
            self.figures.append(
                Figure(
                    code,
                    indicator,
                    year,
                    row["year"],
                    "",
                    "",
                    value,
                    None,
                    None,
                    marker,
                    False,
                    name,
                )
            )
            entry["figures"] += 1

    def lait_area(self, row) -> str | None:
        old, ons = row.get("old_la_code", "").strip(), row.get("new_la_code", "").strip()
        level = row.get("geographic_level", "")
        if level == "National" or old == LAIT_ENGLAND:
            return ENGLAND_CODE if ENGLAND_CODE in self.areas else None
        if level == "Regional":
            if ons not in self.areas:
                # Inner and Outer London: LAIT's sub-regions, kept as areas of their own.
                self.areas[ons] = Area(code=ons, level="region", name=row["la_name"].strip())
            return ons
        if old in self.areas:
            return old
        if not old:
            return None
        # An authority that no longer exists (LAIT keeps pre-2019 names): an area of its own.
        self.areas[old] = Area(
            code=old, level="authority", name=row["la_name"].strip(), ons_code=ons
        )
        region = self.region_named(row.get("region", ""))
        self.areas[old].region = region or ""
        return old

    def region_named(self, name: str) -> str | None:
        key = name_key(name)
        if key in ("inner london", "outer london"):
            key = "london"
        for area in self.areas.values():
            if area.level == "region" and name_key(area.name) == key:
                return area.code
        return None

    # --- statistical neighbours ---
    def parse_neighbours(self) -> None:
        name = dfe.NEIGHBOURS_FILE
        opened = self.open(name)
        if opened is None:
            return
        _, rows, entry = opened
        by_ons, by_name = {}, {}
        for area in self.areas.values():
            if area.level == "authority":
                for ons in area.ons_codes | {area.ons_code}:
                    by_ons.setdefault(ons, area.code)
                by_name.setdefault(name_key(area.name), area.code)
        unmatched = set()

        def resolve(ons: str, label: str) -> str | None:
            code = by_ons.get(ons) or by_name.get(name_key(label))
            if code is None:
                unmatched.add(f"{label} ({ons})")
            elif ons not in by_ons:
                entry["notes"].append(f"{label} {ons} matched by name to DfE LA {code}")
                by_ons[ons] = code
            return code

        for row in rows:
            entry["rows"] += 1
            area = resolve(row["la_code"].strip(), row["la_name"])
            neighbour = resolve(row["sn_code"].strip(), row["sn_name"])
            if area is None or neighbour is None:
                self.report.skip(name, "authority not found in the DfE files")
                continue
            self.neighbours.append(
                (area, neighbour, int(row["sn"]), row.get("sn_prox", "").strip())
            )
            entry["figures"] += 1
        entry["notes"].extend(f"not found: {label}" for label in sorted(unmatched))

    def add_growth(self) -> None:
        """Year-on-year change in EHC plans, worked out by us from DfE's counts (derived)."""
        plans = {
            (f.area, f.dimension, f.category, f.year): f
            for f in self.figures
            if f.indicator == "ehc_plans" and f.value is not None
        }
        for (area, dimension, category, year), now in plans.items():
            before = plans.get((area, dimension, category, year - 1))
            if before is None or not before.numerator:
                continue
            change = now.numerator - before.numerator
            self.figures.append(
                Figure(
                    area,
                    "ehc_plans_growth_pct",
                    year,
                    now.time_period,
                    dimension,
                    category,
                    dfe.dfe_percent(change, before.numerator),
                    change,
                    before.numerator,
                    "",
                    True,
                    now.source,
                )
            )
            self.report.file(now.source)["figures"] += 1

    def parse(self) -> Release:
        for spec in dfe.FILES:
            self.parse_spec(spec)
        self.add_growth()
        self.parse_lait()
        self.parse_neighbours()
        return Release(self.areas, self.figures, self.neighbours, self.report, self.sources)


def parse_release(folder: Path | str = DEFAULT_SOURCE) -> Release:
    return Parser(Path(folder)).parse()


def latest_authorities(release: Release) -> set[str]:
    """Authorities in the latest year of the EHC plan caseload: the current 153."""
    latest = max(
        (f.year for f in release.figures if f.indicator == "ehc_plans" and not f.dimension),
        default=0,
    )
    return {
        f.area
        for f in release.figures
        if f.indicator == "ehc_plans"
        and not f.dimension
        and f.year == latest
        and release.areas[f.area].level == "authority"
    }


def release_checksum(folder: Path | str = DEFAULT_SOURCE) -> str:
    """A checksum of every file the importer reads from ``folder``."""
    import hashlib

    digest = hashlib.sha256()
    names = [spec.name for spec in dfe.FILES] + [dfe.LAIT_FILE, dfe.NEIGHBOURS_FILE]
    for name in names:
        path = find_file(Path(folder), name)
        if path is not None:
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@transaction.atomic
def import_published(folder: Path | str = DEFAULT_SOURCE, *, only_areas=None):
    """Load a release into the database, replacing the figures earlier imports took from the
    same files. ``only_areas`` (DfE LA codes) loads just those authorities, with England and
    every region: for tests and small demos."""
    from .models import (
        PublishedArea,
        PublishedFigure,
        PublishedImport,
        StatisticalNeighbour,
    )

    started = timezone.now()
    release = parse_release(folder)
    keep = None
    if only_areas is not None:
        keep = {code for code, area in release.areas.items() if area.level != "authority"}
        keep |= set(only_areas)
    current = latest_authorities(release)

    existing = {area.code: area for area in PublishedArea.objects.all()}
    for code, info in release.areas.items():
        if keep is not None and code not in keep:
            continue
        area = existing.get(code) or PublishedArea(code=code)
        area.level, area.name, area.ons_code = info.level, info.name, info.ons_code
        area.current = code in current
        area.save()
        existing[code] = area
    for code, info in release.areas.items():
        area = existing.get(code)
        region = existing.get(info.region) if info.region else None
        if area is not None and region is not None and area.region_id != region.pk:
            area.region = region
            area.save(update_fields=["region"])

    PublishedFigure.objects.filter(source__in=release.sources).delete()
    PublishedFigure.objects.bulk_create(
        (
            PublishedFigure(
                area=existing[f.area],
                indicator=f.indicator,
                year=f.year,
                time_period=f.time_period,
                dimension=f.dimension,
                category=f.category,
                value=f.value,
                numerator=f.numerator,
                denominator=f.denominator,
                marker=f.marker,
                derived=f.derived,
                source=f.source,
            )
            for f in release.figures
            if keep is None or f.area in keep
        ),
        batch_size=5000,
    )
    neighbours = [
        (a, n, rank, proximity)
        for a, n, rank, proximity in release.neighbours
        if keep is None or (a in keep and n in keep)
    ]
    if dfe.NEIGHBOURS_FILE in release.sources:
        StatisticalNeighbour.objects.all().delete()
        StatisticalNeighbour.objects.bulk_create(
            StatisticalNeighbour(
                area=existing[a], neighbour=existing[n], rank=rank, proximity=proximity
            )
            for a, n, rank, proximity in neighbours
        )
    figures = PublishedFigure.objects.filter(source__in=release.sources).count()
    return PublishedImport.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        source=str(folder),
        figures=figures,
        areas=PublishedArea.objects.count(),
        neighbours=len(neighbours),
        report={
            **release.report.as_json(),
            "checksum": release_checksum(folder),
            "only": sorted(only_areas) if only_areas is not None else None,
        },
    ), release.report
