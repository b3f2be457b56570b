"""Deterministic quota allocation: whole numbers that add up exactly and stay as close as
possible to the proportions asked for, so that even a small authority's mix matches the
calibration to within rounding (no sampling error from independent random draws)."""

from __future__ import annotations

import numpy as np


def largest_remainder(total: int, weights) -> np.ndarray:
    """Apportion ``total`` over ``weights`` (Hamilton's method): floors of the exact shares,
    then one more each to the largest remainders (ties to the earlier entry)."""
    weights = np.asarray(weights, dtype=float)
    if total < 0:
        raise ValueError("total must not be negative")
    whole = np.zeros(len(weights), dtype=np.int64)
    weight_sum = weights.sum()
    if total == 0 or weight_sum <= 0:
        if total and weight_sum <= 0:
            raise ValueError("cannot apportion a positive total over zero weights")
        return whole
    exact = weights * (total / weight_sum)
    whole = np.floor(exact).astype(np.int64)
    short = total - int(whole.sum())
    if short:
        order = np.argsort(-(exact - whole), kind="stable")
        whole[order[:short]] += 1
    return whole


def fit_table(seed, row_totals, col_totals, iterations: int = 60) -> np.ndarray:
    """Iterative proportional fitting: the table nearest ``seed`` (same zero pattern) whose row
    and column sums are ``row_totals`` and ``col_totals``."""
    table = np.asarray(seed, dtype=float).copy()
    rows = np.asarray(row_totals, dtype=float)
    cols = np.asarray(col_totals, dtype=float)
    for _ in range(iterations):
        sums = table.sum(axis=1)
        table *= np.divide(rows, sums, out=np.zeros_like(rows), where=sums > 0)[:, None]
        sums = table.sum(axis=0)
        table *= np.divide(cols, sums, out=np.zeros_like(cols), where=sums > 0)[None, :]
    return table


def integer_table(expected, row_totals, col_totals) -> np.ndarray:
    """Whole-number table with exactly these row and column sums, close to ``expected`` (whose
    sums should be the same): floors, then the shortfall given cell by cell in order of the
    largest remainders, to rows and columns that are still short."""
    expected = np.asarray(expected, dtype=float)
    rows_left = np.asarray(row_totals, dtype=np.int64) - 0
    cols_left = np.asarray(col_totals, dtype=np.int64) - 0
    table = np.minimum(np.floor(expected).astype(np.int64), 10**12)
    # Floors can overshoot a total only through rounding in the fit; trim those first.
    rows_left = rows_left - table.sum(axis=1)
    cols_left = cols_left - table.sum(axis=0)
    for axis_left, axis in ((rows_left, 1), (cols_left, 0)):
        for index in np.flatnonzero(axis_left < 0):
            line = table[index] if axis == 1 else table[:, index]
            while axis_left[index] < 0:
                biggest = int(np.argmax(line))
                line[biggest] -= 1
                axis_left[index] += 1
                if axis == 1:
                    cols_left[biggest] += 1
                else:
                    rows_left[biggest] += 1
    remainders = expected - np.floor(expected)
    for flat in np.argsort(-remainders, axis=None, kind="stable"):
        i, j = divmod(int(flat), table.shape[1])
        if rows_left[i] > 0 and cols_left[j] > 0:
            table[i, j] += 1
            rows_left[i] -= 1
            cols_left[j] -= 1
    # Whatever is still short pairs a short row with a short column (their totals are equal).
    for i in np.flatnonzero(rows_left > 0):
        while rows_left[i] > 0:
            j = int(np.flatnonzero(cols_left > 0)[0])
            step = min(rows_left[i], cols_left[j])
            table[i, j] += step
            rows_left[i] -= step
            cols_left[j] -= step
    return table


def assign_by_quota(rng: np.random.Generator, count: int, weights) -> np.ndarray:
    """``count`` category indexes in the exact largest-remainder proportions, in random order."""
    quotas = largest_remainder(count, weights)
    return rng.permutation(np.repeat(np.arange(len(quotas)), quotas))


def weighted_order(rng: np.random.Generator, weights) -> np.ndarray:
    """A random order in which heavier items tend to come first (Efraimidis–Spirakis keys):
    its first k items are a weighted sample of k without replacement."""
    weights = np.asarray(weights, dtype=float)
    keys = np.log(rng.random(len(weights))) / np.maximum(weights, 1e-12)
    return np.argsort(-keys, kind="stable")
