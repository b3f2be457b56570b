"""Readiness: how far a setting's capability covers needs, as a whole percentage."""

from collections.abc import Iterable, Mapping

from assessments.rules.codes import MAX_NEED_LEVEL


def _percent(numerator: int, denominator: int) -> int:
    # Round half up, in integers, so the same figures always give the same percentage.
    return (200 * numerator + denominator) // (2 * denominator)


def setting_readiness(capabilities: Mapping[str, int], domains: Iterable[str]) -> int:
    """A setting's general readiness, 0–100: its mean capability over `domains`, out of 4.

    A domain missing from `capabilities` counts as 0.
    """
    domain_codes = list(domains)
    if not domain_codes:
        return 0
    total = sum(capabilities.get(code, 0) for code in domain_codes)
    return _percent(total, MAX_NEED_LEVEL * len(domain_codes))


def readiness_for_needs(capabilities: Mapping[str, int], levels: Mapping[str, int]) -> int | None:
    """How much of a child's need a setting's capability covers, 0–100; None with no need.

    Each domain with need contributes its level; the setting covers up to its capability there.
    """
    needed = 0
    covered = 0
    for code, level in levels.items():
        if level > 0:
            needed += level
            covered += min(capabilities.get(code, 0), level)
    if needed == 0:
        return None
    return _percent(covered, needed)
