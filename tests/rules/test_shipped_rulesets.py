"""The rule sets shipped in seeds/rules, with hand-computed cases, and reading them from disk."""

import re

import pytest

from assessments.rule_files import (
    SHIPPED_RULES_DIR,
    load_ruleset_file,
    load_shipped_rulesets,
    shipped_ruleset_paths,
    source_name,
)
from assessments.rules import RulesetError
from assessments.rules.codes import NEEDS_DOMAIN_CODES
from tests.rules.helpers import run, setting

SHIPPED = load_shipped_rulesets()
DEFAULT = SHIPPED["valuing-send-default"]
TARIFFS = SHIPPED["eleven-domain-tariffs"]
AREA_BANDS = SHIPPED["area-levels-ten-bands"]
HEREFORDSHIRE = SHIPPED["herefordshire-early-years"]
DEVON = SHIPPED["devon-banding"]
FRAMEWORK_DOMAINS = dict.fromkeys(NEEDS_DOMAIN_CODES, "")


def test_every_shipped_file_loads_with_a_unique_id():
    assert [path.name for path in shipped_ruleset_paths()] == [
        "area-levels-ten-bands.yaml",
        "default.yaml",
        "devon-banding.yaml",
        "eleven-domain-tariffs.yaml",
        "herefordshire-early-years.yaml",
    ]
    assert set(SHIPPED) == {
        "valuing-send-default",
        "eleven-domain-tariffs",
        "area-levels-ten-bands",
        "herefordshire-early-years",
        "devon-banding",
    }


def test_shipped_rule_sets_use_the_framework_s_domain_codes():
    for path in shipped_ruleset_paths():
        ruleset = load_ruleset_file(path)
        assert {d.code for d in ruleset.domains} <= set(NEEDS_DOMAIN_CODES), path.name
    assert [domain.code for domain in DEFAULT.domains] == list(NEEDS_DOMAIN_CODES)
    assert [domain.code for domain in AREA_BANDS.domains] == list(NEEDS_DOMAIN_CODES)
    assert sorted(domain.code for domain in TARIFFS.domains) == sorted(
        code for code in NEEDS_DOMAIN_CODES if code != "preparing_for_adulthood"
    )


@pytest.mark.parametrize("ruleset", [TARIFFS, HEREFORDSHIRE, DEVON], ids=lambda r: r.id)
def test_real_schemes_say_where_their_figures_come_from_and_what_was_assumed(ruleset):
    published = ruleset.published
    assert published.by and published.title and published.url.startswith("https://")
    assert len(published.publishes) > 100 and len(published.assumptions) > 100
    assert not ruleset.tiers_from_scheme  # none of them publishes support tiers


def test_default_catalogue_covers_every_domain_at_levels_1_to_4():
    for domain in DEFAULT.domains:
        for level in range(1, 5):
            assert DEFAULT.provision[(domain.code, level)], (domain.code, level)


def test_files_in_the_repository_are_named_from_its_root():
    assert source_name(SHIPPED_RULES_DIR / "default.yaml") == "seeds/rules/default.yaml"


def test_errors_name_the_file(tmp_path):
    draft = tmp_path / "draft.yaml"
    default_text = (SHIPPED_RULES_DIR / "default.yaml").read_text(encoding="utf-8")
    draft.write_text(default_text.replace("min_points: 15", "min_points: 13"), encoding="utf-8")

    with pytest.raises(RulesetError) as raised:
        load_ruleset_file(draft)

    assert str(raised.value) == f"{draft}: bands[2]: Band 2 (10–14) overlaps Band 3 (13–20)"
    assert (
        raised.value.errors[0].line
        == default_text.splitlines().index(
            next(line for line in default_text.splitlines() if "name: Band 3," in line)
        )
        + 1
    )


class TestDefault:
    @pytest.mark.parametrize(
        ("levels", "age", "total", "band", "tier"),
        [
            # C&I 6 + 3 = 9, C&L 3, SEMH 1: 13 → Band 2 (10–14); a level 3 → Targeted plus.
            (
                {
                    "speech_language": 3,
                    "social_communication": 2,
                    "general_learning": 2,
                    "behaviour_regulation": 1,
                },
                9,
                13,
                2,
                "targeted_plus",
            ),
            # Five domains at 2: 5 × 3 = 15 → Band 3 (15–20); no level 3 but 15 points.
            (
                {
                    "speech_language": 2,
                    "general_learning": 2,
                    "specific_learning": 2,
                    "emotional_wellbeing": 2,
                    "vision": 2,
                },
                9,
                15,
                3,
                "targeted_plus",
            ),
            # Four at 2: 12 → Band 2, SEN support.
            (
                {
                    "speech_language": 2,
                    "general_learning": 2,
                    "specific_learning": 2,
                    "emotional_wellbeing": 2,
                },
                9,
                12,
                2,
                "sen_support",
            ),
            # Sensory and physical 10 + 10 + 6 = 26, capped at 20 → Band 3; level 4 and no
            # mainstream setting in the register → Specialist.
            ({"hearing": 4, "vision": 4, "physical_mobility": 3}, 9, 20, 3, "specialist"),
            # Wider 10 + 10 = 20, capped at 12 → Band 2 (10–14).
            ({"independence_self_care": 4, "preparing_for_adulthood": 4}, 16, 12, 2, "specialist"),
            # Preparing for adulthood is not counted at 13: independence 4 → 10 → Band 2.
            ({"independence_self_care": 4, "preparing_for_adulthood": 4}, 13, 10, 2, "specialist"),
            # One level 1: 1 point, no band, Universal.
            ({"vision": 1}, 9, 1, None, "universal"),
            # Everything at 4: C&I 20 + C&L 20 + SEMH 20 + S&P 20 (cap) + wider 12 (cap) = 92,
            # above band 7's 64: no band, a panel agrees the funding.
            (dict.fromkeys(NEEDS_DOMAIN_CODES, 4), 16, 92, None, "specialist"),
            # 64 exactly is band 7: C&I 20 + C&L 20 + SEMH 20 + hearing 3 (6) = 66; use
            # C&I 20 + C&L 20 + SEMH 20 + vision 2 (3) + hearing 1 (1) = 64.
            (
                {
                    "speech_language": 4,
                    "social_communication": 4,
                    "general_learning": 4,
                    "specific_learning": 4,
                    "emotional_wellbeing": 4,
                    "behaviour_regulation": 4,
                    "vision": 2,
                    "hearing": 1,
                },
                9,
                64,
                7,
                "specialist",
            ),
        ],
    )
    def test_points_bands_and_tiers(self, levels, age, total, band, tier):
        recommendation = run(DEFAULT, levels, age=age)

        assert (recommendation.total_points, recommendation.band_number, recommendation.tier) == (
            total,
            band,
            tier,
        )

    def test_funding_at_band_4(self):
        # Speech 4 (10) + behaviour 3 (6) + general 2 (3) + hearing 1 (1) = 20 → Band 3;
        # add vision 1 (1) = 21 → Band 4: £8,500 mainstream, £16,000 state special, £66,000
        # independent special on top of £6,000 / £10,000 / £0 base.
        recommendation = run(
            DEFAULT,
            {
                "speech_language": 4,
                "behaviour_regulation": 3,
                "general_learning": 2,
                "hearing": 1,
                "vision": 1,
            },
            current_setting_type="independent_special",
        )

        assert recommendation.band_number == 4
        assert recommendation.annual_top_up_by_setting_type["mainstream"] == 850_000
        assert recommendation.annual_top_up_by_setting_type["state_special"] == 1_600_000
        assert recommendation.annual_top_up_at_current_setting == 6_600_000
        assert recommendation.annual_base_by_setting_type["mainstream"] == 600_000
        assert recommendation.annual_base_by_setting_type["resourced"] == 1_000_000

    def test_above_band_7_is_referred_to_panel(self):
        recommendation = run(
            DEFAULT, dict.fromkeys(NEEDS_DOMAIN_CODES, 4), age=16, current_setting_type="mainstream"
        )

        assert recommendation.above_range and recommendation.band is None
        assert recommendation.annual_top_up_at_current_setting is None
        assert (
            "92 points is above the scheme's range: exceptional funding agreed individually; "
            "refer to panel (the top band, Band 7, ends at 64 points)" in recommendation.trace
        )

    def test_level_4_met_by_a_resourced_mainstream_provision_is_targeted_plus(self):
        hearing_base = setting(
            1,
            "resourced",
            "primary",
            name="Brook Primary hearing base",
            hearing=4,
            speech_language=3,
        )

        recommendation = run(DEFAULT, {"hearing": 4, "speech_language": 2}, [hearing_base])

        assert recommendation.tier == "targeted_plus"
        assert recommendation.mainstream_route == "local"

    def test_provision_and_family_support(self):
        recommendation = run(
            DEFAULT,
            {"speech_language": 3, "behaviour_regulation": 2},
            family_capacity={"speech_language": 1, "behaviour_regulation": 1},
        )

        assert [item.code for item in recommendation.provision] == ["SLC-3", "SEMH-B-2"]
        # 2,600 + 1,300
        assert recommendation.provision_cost == 3900
        assert [item.code for item in recommendation.family_support] == [
            "FAM-EARLY-HELP",
            "FAM-PARENTING",
            "FAM-HOME-LANGUAGE",
        ]
        # 2,600 + 900 + 700
        assert recommendation.family_support_cost == 4200
        # Targeted plus (speech at 3), raised one step by low capacity in two domains.
        assert recommendation.tier == "specialist"


class TestIslingtonMatrix:
    """Islington's published weights (x4 sensory and/or physical, x2 communication and
    interaction, x4 SEMH, x4 cognition and learning capped at 16) and its 2021-22 tariff
    amounts, in addition to £6,000, regardless of setting. Tariff ranges are assumed."""

    @pytest.mark.parametrize(
        ("levels", "total", "tariff"),
        [
            # Hearing 3 × 4 = 12 → Tariff 1 (8–13). Under 2025.1's ×2 it was 6: no tariff.
            ({"hearing": 3}, 12, "Tariff 1"),
            # C&L (4 + 4) × 4 = 32, capped at 16; speech 2 × 2 = 4; behaviour 3 × 4 = 12: 32.
            (
                {
                    "general_learning": 4,
                    "specific_learning": 4,
                    "speech_language": 2,
                    "behaviour_regulation": 3,
                },
                32,
                "Tariff 4",
            ),
            # SEMH (2 + 2) × 4 = 16 → Tariff 2 (14–19).
            ({"emotional_wellbeing": 2, "behaviour_regulation": 2}, 16, "Tariff 2"),
            # C&I (1 + 1) × 2 = 4 + S&P (1 + 1) × 4 = 8: 12 → Tariff 1.
            (
                {"speech_language": 1, "social_communication": 1, "hearing": 1, "vision": 1},
                12,
                "Tariff 1",
            ),
            # Independence and self-care counts under sensory and/or physical: 2 × 4 = 8.
            ({"independence_self_care": 2}, 8, "Tariff 1"),
            # Preparing for adulthood is not in this scheme.
            ({"preparing_for_adulthood": 4}, 0, None),
            # All eleven at 4: S&P 5 × 16 = 80, C&I 16, SEMH 32, C&L 16 (cap) = 144, the
            # highest the matrix gives: Tariff 6, never above the range.
            (
                {code: 4 for code in NEEDS_DOMAIN_CODES if code != "preparing_for_adulthood"},
                144,
                "Tariff 6",
            ),
        ],
    )
    def test_points_and_tariffs(self, levels, total, tariff):
        recommendation = run(TARIFFS, levels, age=15)

        assert recommendation.total_points == total
        assert (recommendation.band.label if recommendation.band else None) == tariff
        assert not recommendation.above_range

    def test_weights_and_cap_in_the_trace(self):
        recommendation = run(TARIFFS, {"general_learning": 4, "specific_learning": 3})

        assert "General learning at level 4 gives 16 points (weight ×4)" in recommendation.trace
        assert "Cognition and learning points capped at 16 (from 28)" in recommendation.trace
        assert "16 points is Tariff 2 (14–19 points)" in recommendation.trace

    @pytest.mark.parametrize("setting_type", ["mainstream", "state_special", "early_years"])
    def test_published_tariffs_apply_regardless_of_setting(self, setting_type):
        # SEMH (3 + 3) × 4 = 24, vision 2 × 4 = 8: 32 → Tariff 4, "up to £8,740".
        recommendation = run(
            TARIFFS,
            {"emotional_wellbeing": 3, "behaviour_regulation": 3, "vision": 2},
            current_setting_type=setting_type,
        )

        assert recommendation.annual_top_up_at_current_setting == 874_000
        assert recommendation.annual_base_by_setting_type[setting_type] == 600_000
        assert recommendation.provision == ()

    def test_every_published_tariff_amount(self):
        assert [band.top_up.every.figures for band in TARIFFS.bands] == [
            ((None, pounds * 100),) for pounds in (1240, 3220, 5510, 8740, 11570, 16910)
        ]

    def test_no_tiers_of_its_own(self):
        # The standard tiers: a level 3 → Targeted plus.
        assert run(TARIFFS, {"vision": 3}).tier_name == "Targeted plus"


class TestHerefordshireEarlyYears:
    """Herefordshire's 2025 early years tariffs: named groups with published ranges, a Local
    Offer group with no top-up, amounts per term (three a year) at 30 and at 15 hours, nothing
    published above 109 points. Points per level (0, 2, 5, 8, 12) are assumed."""

    @pytest.mark.parametrize(
        ("levels", "total", "group", "per_term_30", "per_term_15", "per_year"),
        [
            # Speech 2 + social 2 = 5 + 5 = 10: A1 (10–14), £251 / £125.50 a term, £753 a year.
            ({"speech_language": 2, "social_communication": 2}, 10, "A1", 25_100, 12_550, 75_300),
            # 5 + 2 + 2 = 9: the Local Offer (0–9), no top-up.
            ({"speech_language": 2, "hearing": 1, "vision": 1}, 9, "Local Offer", None, None, 0),
            # 12 + 12 + 8 + 5 + 5 + 5 = 47: C4 (45–49), £2,126 / £1,063 a term, £6,378 a year.
            (
                {
                    "speech_language": 4,
                    "social_communication": 4,
                    "general_learning": 3,
                    "emotional_wellbeing": 2,
                    "behaviour_regulation": 2,
                    "physical_mobility": 2,
                },
                47,
                "C4",
                212_600,
                106_300,
                637_800,
            ),
            # 12 + 12 = 24: B1 (20–24), £860 / £430 a term, £2,580 a year.
            ({"hearing": 4, "vision": 4}, 24, "B1", 86_000, 43_000, 258_000),
            # Eight at 4 (96) + one at 3 (8) + one at 2 (5) = 109: F4 (105–109), the top group:
            # £8,111 / £4,055.50 a term, £24,333 a year.
            (
                {
                    **dict.fromkeys(NEEDS_DOMAIN_CODES[:8], 4),
                    "physical_mobility": 3,
                    "medical_health": 2,
                },
                109,
                "F4",
                811_100,
                405_550,
                2_433_300,
            ),
        ],
    )
    def test_published_groups_and_amounts(
        self, levels, total, group, per_term_30, per_term_15, per_year
    ):
        at_30 = run(HEREFORDSHIRE, levels, age=3, current_setting_type="early_years")
        at_15 = run(
            HEREFORDSHIRE, levels, age=3, current_setting_type="early_years", attendance_hours=15
        )

        assert at_30.total_points == total
        assert at_30.band.label == group
        if per_term_30 is None:
            assert at_30.top_up is None and at_15.top_up is None
        else:
            assert (at_30.top_up.published, at_30.top_up.per, at_30.top_up.per_year) == (
                per_term_30,
                "term",
                3,
            )
            assert at_15.top_up.published == per_term_15
            assert at_15.annual_top_up_at_current_setting == per_term_15 * 3
        # The published "per year" column is three terms at 30 hours.
        assert at_30.annual_top_up_at_current_setting == per_year

    def test_above_109_points_is_agreed_individually(self):
        # Nine at 4 (108) + one at 1 (2) = 110.
        levels = {**dict.fromkeys(NEEDS_DOMAIN_CODES[:9], 4), "medical_health": 1}

        recommendation = run(HEREFORDSHIRE, levels, age=3, current_setting_type="early_years")

        assert recommendation.total_points == 110
        assert recommendation.above_range and recommendation.band is None
        assert (
            "110 points is above the High Needs Matrix's range (more than 109 points): "
            "exceptional funding agreed individually; refer to panel (the top band, F4, ends "
            "at 109 points)" in recommendation.trace
        )

    def test_every_published_figure(self):
        # (group, range, per term at 30 hours, per term at 15 hours) as published for 2025.
        published = [
            ("A1", 10, 14, "251", "125.50"), ("A2", 15, 19, "498", "249"),
            ("B1", 20, 24, "860", "430"), ("B2", 25, 29, "1227", "613.50"),
            ("C1", 30, 34, "1440", "720"), ("C2", 35, 39, "1658", "829"),
            ("C3", 40, 44, "1871", "935.50"), ("C4", 45, 49, "2126", "1063"),
            ("D1", 50, 54, "2938", "1469"), ("D2", 55, 59, "3406", "1703"),
            ("D3", 60, 64, "3875", "1937.50"), ("D4", 65, 69, "4345", "2172.50"),
            ("E1", 70, 74, "4818", "2409"), ("E2", 75, 79, "5287", "2643.50"),
            ("E3", 80, 84, "5756", "2878"), ("E4", 85, 89, "6230", "3115"),
            ("F1", 90, 94, "6700", "3350"), ("F2", 95, 99, "7168", "3584"),
            ("F3", 100, 104, "7637", "3818.50"), ("F4", 105, 109, "8111", "4055.50"),
        ]  # fmt: skip
        from decimal import Decimal

        def pence(text):
            return int(Decimal(text) * 100)

        funded = [band for band in HEREFORDSHIRE.bands if band.funded]
        assert [(b.name, b.min_points, b.max_points, b.top_up.every.figures) for b in funded] == [
            (name, low, high, ((15, pence(fifteen)), (30, pence(thirty))))
            for name, low, high, thirty, fifteen in published
        ]
        local_offer = HEREFORDSHIRE.bands[0]
        assert (local_offer.name, local_offer.min_points, local_offer.max_points) == (
            "Local Offer",
            0,
            9,
        )
        assert not local_offer.funded

    def test_the_trace_shows_the_published_figure_and_the_year(self):
        recommendation = run(
            HEREFORDSHIRE,
            {"speech_language": 2, "social_communication": 2},
            age=3,
            current_setting_type="early_years",
            attendance_hours=15,
        )

        assert (
            "A1 carries a top-up of £125.50 a term at 15 hours a week (3 terms a year: £376.50 "
            "a year) at an early years setting" in recommendation.trace
        )
        assert (
            "The child attends 15 hours a week, so the 15-hour figures apply (this scheme's "
            "figures are for 15 hours and 30 hours a week)" in recommendation.trace
        )


class TestDevonBanding:
    """Devon's three bands (£1,600, £3,100, £4,500 a year) and plus packages above them.
    The needs-to-band mapping is assumed."""

    @pytest.mark.parametrize(
        ("levels", "total", "band", "annual"),
        [
            ({"speech_language": 2, "hearing": 1}, 4, "Below banding", 0),
            # 6 + 3 = 9 → Banding 1.
            ({"speech_language": 3, "vision": 2}, 9, "Banding 1", 160_000),
            # 10 + 6 = 16 → Banding 2.
            ({"speech_language": 4, "general_learning": 3}, 16, "Banding 2", 310_000),
            # 10 + 10 + 10 = 30 → Banding 3.
            (
                {"speech_language": 4, "general_learning": 4, "emotional_wellbeing": 4},
                30,
                "Banding 3",
                450_000,
            ),
        ],
    )
    def test_bands_and_published_amounts(self, levels, total, band, annual):
        recommendation = run(DEVON, levels, current_setting_type="mainstream")

        assert (recommendation.total_points, recommendation.band.label) == (total, band)
        assert recommendation.annual_top_up_at_current_setting == annual

    def test_a_plus_package_above_banding_3(self):
        # C&I 20 + C&L 20 + SEMH 10 = 50.
        levels = {
            "speech_language": 4,
            "social_communication": 4,
            "general_learning": 4,
            "specific_learning": 4,
            "emotional_wellbeing": 4,
        }

        recommendation = run(DEVON, levels, current_setting_type="mainstream")

        assert recommendation.above_range
        assert recommendation.above_range_outcome == (
            "above Banding 3: a plus package of more than 4,500 pounds, agreed individually; "
            "refer to panel"
        )


class TestAreaLevelsTenBands:
    @pytest.mark.parametrize(
        ("levels", "age", "total", "band", "tier"),
        [
            # Highest per area: C&I 3, C&L 2, SEMH 0, S&P 2, wider 1 = 8 → Band 6 (8–9).
            (
                {
                    "speech_language": 3,
                    "social_communication": 2,
                    "general_learning": 1,
                    "specific_learning": 2,
                    "hearing": 2,
                    "independence_self_care": 1,
                },
                9,
                8,
                6,
                "targeted_plus",
            ),
            # Three areas at 2: 6 → Band 4; three domains at 2 → Targeted plus.
            (
                {"general_learning": 2, "emotional_wellbeing": 2, "vision": 2},
                9,
                6,
                4,
                "targeted_plus",
            ),
            # Two at 2 in one area: max 2 → 2 points, below Band 1 (3); SEN support.
            ({"hearing": 2, "vision": 2}, 9, 2, None, "sen_support"),
            # Everything at 4: 5 areas × 4 = 20 → Band 10 (16–20), the most the scheme gives.
            (dict.fromkeys(NEEDS_DOMAIN_CODES, 4), 17, 20, 10, "specialist"),
            # Preparing for adulthood at 3 counts from 14: wider 3 → 3 → Band 1.
            ({"preparing_for_adulthood": 3}, 14, 3, 1, "targeted_plus"),
            ({"preparing_for_adulthood": 3}, 13, 0, None, "universal"),
        ],
    )
    def test_points_bands_and_tiers(self, levels, age, total, band, tier):
        recommendation = run(AREA_BANDS, levels, age=age)

        assert (recommendation.total_points, recommendation.band_number, recommendation.tier) == (
            total,
            band,
            tier,
        )

    def test_area_counts_its_highest_domain_in_the_trace(self):
        recommendation = run(AREA_BANDS, {"hearing": 2, "vision": 3})

        assert "Sensory and physical counts only its highest domain: 3 points" in (
            recommendation.trace
        )

    def test_family_step_up_stops_at_targeted_plus(self):
        low = {"general_learning": 0, "emotional_wellbeing": 1}

        raised = run(
            AREA_BANDS, {"general_learning": 2, "emotional_wellbeing": 2}, family_capacity=low
        )
        held = run(
            AREA_BANDS, {"general_learning": 3, "emotional_wellbeing": 2}, family_capacity=low
        )

        assert raised.tier == "targeted_plus"
        assert held.tier == "targeted_plus"
        assert [item.code for item in raised.family_support] == ["FAM-EARLY-HELP"]

    def test_matches_are_capped_at_5(self):
        settings = [setting(number, speech_language=2) for number in range(8)]

        recommendation = run(AREA_BANDS, {"speech_language": 2}, settings)

        assert len(recommendation.matched_settings) == 5


def test_shipped_rule_sets_refer_to_nothing_an_authority_admin_cannot_read():
    # Admins see each file's description and source on the rule set page and its whole text
    # when they copy it; design notes and READMEs in the repository are not theirs to read.
    for path in shipped_ruleset_paths():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"[\w./-]+\.md\b", text), path.name
        assert "design.md" not in load_ruleset_file(path).source


def test_a_rule_file_with_a_domain_code_the_framework_lacks_is_refused(tmp_path):
    draft = tmp_path / "misspelt.yaml"
    default_text = (SHIPPED_RULES_DIR / "default.yaml").read_text(encoding="utf-8")
    assert "{code: hearing," in default_text
    draft.write_text(default_text.replace("{code: hearing,", "{code: hearnig,", 1), "utf-8")

    with pytest.raises(RulesetError) as raised:
        load_ruleset_file(draft)

    message = str(raised.value)
    assert "'hearnig' is not a domain of the needs framework: did you mean 'hearing'" in message
    assert message.startswith(f"{draft}: domains[")


def test_rule_files_are_checked_against_the_shipped_framework_in_effect():
    from assessments.framework import read_framework_file, shipped_framework_paths
    from assessments.rule_files import shipped_framework_domains

    newest = read_framework_file(shipped_framework_paths()[-1])[0]
    codes = [domain.code for area in newest.areas for domain in area.domains]
    assert list(shipped_framework_domains()) == codes == list(NEEDS_DOMAIN_CODES)
    # Before any shipped framework is in effect, the earliest is the one used.
    before = newest.effective_from.replace(year=newest.effective_from.year - 5)
    assert list(shipped_framework_domains(before)) == codes
