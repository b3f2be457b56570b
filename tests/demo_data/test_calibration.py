"""Sizing from the published figures, the quota arithmetic, and the derived seed files."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assessments.demo_data.calibration import (
    DEMO_TOTAL_CHILDREN,
    calibration,
    find_published_authority,
    national_targets,
    published_authorities,
    scale_targets,
)
from assessments.demo_data.quota import fit_table, integer_table, largest_remainder

ROOT = Path(__file__).resolve().parents[2]


def test_every_english_authority_with_its_published_codes():
    rows = published_authorities()
    assert len(rows) == 153
    assert len({r.la_code for r in rows}) == 153
    assert all(len(r.la_code) == 3 and r.la_code.isdigit() for r in rows)
    assert all(len(r.ons_code) == 9 and r.ons_code.startswith("E") for r in rows)
    kent = find_published_authority("Kent County Council")
    assert (kent.la_code, kent.ons_code, kent.region) == ("886", "E10000016", "South East")
    # The README's code traps: the 2024/25 codes.
    assert find_published_authority("Buckinghamshire").ons_code == "E10000002"
    assert find_published_authority("Cumberland").la_code == "942"
    assert find_published_authority("Cumbria") is None
    assert find_published_authority("St Helens").name == "St. Helens"
    assert find_published_authority("Bristol City Council").la_code == "801"


def test_national_sizing_uses_each_authoritys_own_published_figures():
    targets = {row.la_code: (row, ehc, k) for row, ehc, k in national_targets()}
    assert sum(ehc for _, ehc, _ in targets.values()) == 638_745
    kent, ehc, sen_support = targets["886"]
    assert ehc == 20_635
    # Kent's own school-census ratio: 13.1% SEN support / 5.8% with a plan.
    assert sen_support == 46_606 == pytest.approx(20_635 * 13.1 / 5.8, abs=3)
    assert targets["383"][1] == 6_093  # Leeds
    assert targets["383"][2] == pytest.approx(6_093 * 16.7 / 3.1, abs=3)
    # City of London: 0.4% of pupils with a plan is too few for a ratio: England's is used.
    city = targets["201"][0]
    assert city.sen_support_ratio == pytest.approx(14.2 / 5.3, abs=1e-4)
    national = sum(k for _, _, k in targets.values()) / 638_745
    assert 2.4 < national < 2.9


def test_scales():
    demo = scale_targets("demo")
    assert demo.children == DEMO_TOTAL_CHILDREN
    assert demo.sen_support / demo.ehc_plans == pytest.approx(2.68, abs=0.02)
    assert scale_targets("median").ehc_plans == 3_267
    kent = scale_targets("kent")
    assert (kent.ehc_plans, kent.sen_support) == (20_635, 46_606)
    assert scale_targets("published", find_published_authority("Rutland")).ehc_plans > 0
    with pytest.raises(ValueError):
        scale_targets("published", None)


def test_calibration_matches_the_published_england_figures():
    cal = calibration()
    need = dict(zip(("ASD", "SLCN", "SEMH", "MLD"), cal.ehc_need_shares[:4], strict=True))
    # Published shares of all plans (unknown need spread over the known ones).
    assert need["ASD"] == pytest.approx(0.315, abs=0.004)
    assert need["SLCN"] == pytest.approx(0.213, abs=0.004)
    assert need["SEMH"] == pytest.approx(0.207, abs=0.004)
    assert need["MLD"] == pytest.approx(0.106, abs=0.004)
    assert cal.ehc_need_shares.sum() == pytest.approx(1)
    assert cal.sen_support_need_shares.sum() == pytest.approx(1)
    mainstream = cal.ehc_placement_shares[0] + cal.ehc_placement_shares[1]
    assert mainstream == pytest.approx(0.436, abs=0.001)
    assert cal.ehc_placement_shares[2] == pytest.approx(0.250, abs=0.001)


def test_largest_remainder_adds_up_and_stays_within_one():
    weights = [31.5, 21.3, 20.7, 10.6, 4.0, 3.9, 2.3, 1.4, 1.3, 1.2, 0.8, 0.3]
    for total in (0, 1, 7, 544, 20_635):
        counts = largest_remainder(total, weights)
        assert counts.sum() == total
        exact = np.array(weights) / sum(weights) * total
        assert np.all(np.abs(counts - exact) < 1)


def test_integer_table_keeps_both_margins_exactly():
    rng = np.random.default_rng(3)
    seed = rng.random((14, 9)) * (rng.random((14, 9)) > 0.2)
    rows = largest_remainder(544, rng.random(14))
    cols = largest_remainder(544, rng.random(9))
    table = integer_table(fit_table(seed + 1e-9, rows, cols), rows, cols)
    assert (table.sum(axis=1) == rows).all()
    assert (table.sum(axis=0) == cols).all()
    assert (table >= 0).all()


@pytest.mark.skipif(
    not (ROOT.parent / "shared" / "data" / "dfe").is_dir(),
    reason="../shared is not beside the checkout",
)
def test_seed_files_are_reproducible_from_the_published_data():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "derive_seed_data.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
