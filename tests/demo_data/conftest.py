"""A demo-scale authority generated in memory once per test session (no database): the
generator's invariants are checked on its rows."""

import datetime

import pytest

from assessments.demo_data.calibration import scale_targets
from assessments.demo_data.generator import AuthorityContext, IdBases, build_rows, plan_authority
from assessments.framework import build_definition, read_framework_file, shipped_framework_paths

AS_OF = datetime.date(2026, 11, 23)
SEED = 7


@pytest.fixture(scope="session")
def definition():
    _, content, _ = read_framework_file(shipped_framework_paths()[0])
    return build_definition(content)


def make_context(definition, la_code="998", region="South East", framework_from=None):
    return AuthorityContext(
        authority_id=1,
        la_code=la_code,
        name="Testshire County Council",
        region=region,
        framework_id=1,
        definition=definition,
        # The shipped framework came into use less than three months before AS_OF.
        framework_from=framework_from or datetime.date(2026, 9, 1),
    )


def generate(definition, *, seed=SEED, scale="demo", la_code="998", framework_from=None):
    plan = plan_authority(
        make_context(definition, la_code, framework_from=framework_from),
        scale_targets(scale),
        as_of=AS_OF,
        seed=seed,
    )
    return plan, build_rows(plan, IdBases())


@pytest.fixture(scope="session")
def demo(definition):
    return generate(definition)


def records(table):
    """A table's rows as dictionaries keyed by column."""
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]
