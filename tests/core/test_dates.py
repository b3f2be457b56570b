"""Ages in whole years, counted one way everywhere."""

import datetime

import pytest

from valuing_send.core.dates import age_on, years_before

D = datetime.date


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (D(2010, 5, 17), D(2024, 5, 16), 13),
        (D(2010, 5, 17), D(2024, 5, 17), 14),  # on the birthday
        (D(2012, 2, 29), D(2025, 2, 28), 12),  # no 29 February in 2025: still 12 ...
        (D(2012, 2, 29), D(2025, 3, 1), 13),  # ... and 13 on 1 March
        (D(2012, 2, 29), D(2024, 2, 29), 12),
        (D(2026, 1, 1), D(2025, 12, 31), -1),  # before birth
    ],
)
def test_age_on(born, day, age):
    assert age_on(born, day) == age


def test_years_before_agrees_with_age_on_every_day_of_a_leap_year_and_the_next():
    born_dates = [D(2008, 2, 28), D(2008, 2, 29), D(2008, 3, 1), D(2009, 12, 31), D(2010, 1, 1)]
    day = D(2024, 1, 1)
    while day < D(2026, 1, 1):
        for years in (14, 15, 16):
            latest = years_before(day, years)
            for born in born_dates:
                assert (born <= latest) == (age_on(born, day) >= years), (born, day, years)
        day += datetime.timedelta(days=1)
    assert years_before(D(2024, 2, 29), 1) == D(2023, 2, 28)
