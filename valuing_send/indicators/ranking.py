"""A transparent weighted ranking of authorities: pure Python, every step shown on the page.

1. For each chosen indicator, take every authority's latest published figure.
2. Normalise it across the authorities that have one: a z-score ((value − mean) ÷ standard
   deviation, the population standard deviation) or min–max ((value − min) ÷ (max − min)).
3. Turn it round where lower is better (−z, or 1 − min–max), so a higher score is always better.
4. The composite is the weighted mean of an authority's scores over the indicators it has a
   figure for (the weights of missing indicators are left out, not counted as zero). An
   authority missing more than half of the total weight is not ranked.
5. Rank by composite, highest first; equal composites share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

ZSCORE, MINMAX = "zscore", "minmax"
NORMALISATIONS = {
    ZSCORE: "z-score: how many standard deviations above or below the mean of all authorities",
    MINMAX: "min–max: where the figure falls between the lowest (0) and the highest (1) authority",
}
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class Criterion:
    indicator: str
    weight: float
    higher_is_better: bool


@dataclass
class Ranked:
    code: str
    composite: float | None
    rank: int | None
    scores: dict[str, float | None] = field(default_factory=dict)
    coverage: float = 0.0

    @property
    def missing(self) -> list[str]:
        return [indicator for indicator, score in self.scores.items() if score is None]


@dataclass(frozen=True)
class Scale:
    """How one indicator was normalised (shown on the page)."""

    indicator: str
    count: int
    centre: float  # mean, or min
    spread: float  # standard deviation, or max − min


def normalise(
    values: dict[str, float | None], method: str
) -> tuple[dict[str, float | None], Scale | None]:
    known = {code: v for code, v in values.items() if v is not None}
    if not known:
        return dict.fromkeys(values), None
    numbers = list(known.values())
    if method == MINMAX:
        low, high = min(numbers), max(numbers)
        spread = high - low
        scale = Scale("", len(numbers), low, spread)
        return {
            code: (None if v is None else (0.5 if spread == 0 else (v - low) / spread))
            for code, v in values.items()
        }, scale
    mean = sum(numbers) / len(numbers)
    sd = math.sqrt(sum((v - mean) ** 2 for v in numbers) / len(numbers))
    scale = Scale("", len(numbers), mean, sd)
    return {
        code: (None if v is None else (0.0 if sd == 0 else (v - mean) / sd))
        for code, v in values.items()
    }, scale


def rank(
    values: dict[str, dict[str, float | None]],
    criteria: list[Criterion],
    *,
    method: str = ZSCORE,
    min_coverage: float = MIN_COVERAGE,
) -> tuple[list[Ranked], dict[str, Scale]]:
    """``values``: authority code → indicator → figure. Returns the authorities best first
    (unranked ones last, in code order) and each indicator's scale."""
    active = [c for c in criteria if c.weight > 0]
    total_weight = sum(c.weight for c in active)
    scores: dict[str, dict[str, float | None]] = {code: {} for code in values}
    scales: dict[str, Scale] = {}
    for criterion in active:
        column = {code: values[code].get(criterion.indicator) for code in values}
        normalised, scale = normalise(column, method)
        if scale is not None:
            scales[criterion.indicator] = Scale(
                criterion.indicator, scale.count, scale.centre, scale.spread
            )
        for code, score in normalised.items():
            if score is not None and not criterion.higher_is_better:
                score = -score if method == ZSCORE else 1 - score
            scores[code][criterion.indicator] = score
    ranked = []
    for code in values:
        have = [c for c in active if scores[code].get(c.indicator) is not None]
        weight = sum(c.weight for c in have)
        coverage = weight / total_weight if total_weight else 0.0
        composite = None
        if have and coverage >= min_coverage:
            composite = sum(c.weight * scores[code][c.indicator] for c in have) / weight
        ranked.append(Ranked(code, composite, None, scores[code], coverage))
    ordered = sorted(ranked, key=lambda r: (r.composite is None, -(r.composite or 0.0), r.code))
    position, previous = 0, None
    for index, item in enumerate(ordered, start=1):
        if item.composite is None:
            continue
        rounded = round(item.composite, 9)
        if rounded != previous:
            position, previous = index, rounded
        item.rank = position
    return ordered, scales
