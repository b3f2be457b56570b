"""Ages in whole years: pure functions (no Django), used by the models, the queries, the
caseload reader and the demo data generator alike, so that every part counts an age the same way.

Someone born on 29 February turns a year older on 1 March in a year with no 29 February.
``age_on`` and ``years_before`` agree on that: a child is at least ``n`` on ``day`` exactly when
they were born on or before ``years_before(day, n)``.
"""

from __future__ import annotations

import datetime


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Age in whole years on ``day`` of someone born on ``born`` (negative before birth)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone aged at least ``years`` on ``day``: the same day and
    month ``years`` earlier, or 28 February for 29 February in a year that has none."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
