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


def test_every_shipped_file_loads_with_a_unique_id():
    assert [path.name for path in shipped_ruleset_paths()] == [
        "area-levels-ten-bands.yaml",
        "default.yaml",
        "eleven-domain-tariffs.yaml",
    ]
    assert set(SHIPPED) == {
        "valuing-send-default",
        "eleven-domain-tariffs",
        "area-levels-ten-bands",
    }


def test_shipped_rule_sets_use_the_shared_domain_codes():
    assert [domain.code for domain in DEFAULT.domains] == list(NEEDS_DOMAIN_CODES)
    assert [domain.code for domain in AREA_BANDS.domains] == list(NEEDS_DOMAIN_CODES)
    assert [domain.code for domain in TARIFFS.domains] == [
        code for code in NEEDS_DOMAIN_CODES if code != "preparing_for_adulthood"
    ]


def test_default_catalogue_covers_every_domain_at_levels_1_to_4():
    for domain in DEFAULT.domains:
        for level in range(1, 5):
            assert DEFAULT.provision[(domain.code, level)], (domain.code, level)


def test_files_in_the_repository_are_named_from_its_root():
    assert source_name(SHIPPED_RULES_DIR / "default.yaml") == "seeds/rules/default.yaml"


def test_errors_name_the_file(tmp_path):
    draft = tmp_path / "draft.yaml"
    default_text = (SHIPPED_RULES_DIR / "default.yaml").read_text(encoding="utf-8")
    draft.write_text(default_text.replace("min_points: 15", "min_points: 9"), encoding="utf-8")

    with pytest.raises(RulesetError) as raised:
        load_ruleset_file(draft)

    assert str(raised.value) == (
        f"{draft}: bands[2].min_points: must be greater than bands[1].min_points (10)"
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
            # Everything at 4: C&I 20 + C&L 20 + SEMH 20 + S&P 20 (cap) + wider 12 (cap) = 92.
            (dict.fromkeys(NEEDS_DOMAIN_CODES, 4), 16, 92, 7, "specialist"),
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
        assert recommendation.top_up_by_setting_type["mainstream"] == 8500
        assert recommendation.top_up_by_setting_type["state_special"] == 16000
        assert recommendation.top_up_at_current_setting == 66000
        assert recommendation.base_funding_by_setting_type["mainstream"] == 6000
        assert recommendation.base_funding_by_setting_type["resourced"] == 10000

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


class TestElevenDomainTariffs:
    @pytest.mark.parametrize(
        ("levels", "total", "tariff", "tier"),
        [
            # C&L (4 + 4) × 4 = 32, capped at 16; speech 2 × 2 = 4; behaviour 3 × 4 = 12:
            # 32 → Tariff 4 (28–35). Level 4 with no mainstream setting → Specialist.
            (
                {
                    "general_learning": 4,
                    "specific_learning": 4,
                    "speech_language": 2,
                    "behaviour_regulation": 3,
                },
                32,
                4,
                "specialist",
            ),
            # SEMH (2 + 2) × 4 = 16 → Tariff 2 (14–19); a level 2 → SEN support.
            ({"emotional_wellbeing": 2, "behaviour_regulation": 2}, 16, 2, "sen_support"),
            # C&I (1 + 1) × 2 + S&P (1 + 1) × 2 = 8 → Tariff 1; 8 points → SEN support.
            (
                {"speech_language": 1, "social_communication": 1, "hearing": 1, "vision": 1},
                8,
                1,
                "sen_support",
            ),
            # SEMH (3 + 3) × 4 = 24, S&P 2 × 2 = 4: 28 → Tariff 4; level 3 → tariff-funded.
            (
                {"emotional_wellbeing": 3, "behaviour_regulation": 3, "vision": 2},
                28,
                4,
                "targeted_plus",
            ),
            # Preparing for adulthood is not in this scheme.
            ({"preparing_for_adulthood": 4}, 0, None, "universal"),
            # All eleven at 4: 16 + 16 + 32 + 32 + 8 = 104 → Tariff 6 (48+).
            (
                {code: 4 for code in NEEDS_DOMAIN_CODES if code != "preparing_for_adulthood"},
                104,
                6,
                "specialist",
            ),
        ],
    )
    def test_points_tariffs_and_tiers(self, levels, total, tariff, tier):
        recommendation = run(TARIFFS, levels, age=15)

        assert (recommendation.total_points, recommendation.band_number, recommendation.tier) == (
            total,
            tariff,
            tier,
        )

    def test_weights_and_cap_in_the_trace(self):
        recommendation = run(TARIFFS, {"general_learning": 4, "specific_learning": 3})

        assert "General learning at level 4 gives 16 points (weight ×4)" in recommendation.trace
        assert "Cognition and learning points capped at 16 (from 28)" in recommendation.trace
        assert "16 points is Tariff 2 (14–19 points)" in recommendation.trace

    def test_tariff_4_top_up(self):
        recommendation = run(
            TARIFFS,
            {"emotional_wellbeing": 3, "behaviour_regulation": 3, "vision": 2},
            current_setting_type="mainstream",
        )

        assert recommendation.top_up_at_current_setting == 9500
        assert recommendation.tier_name == "Tariff-funded support"
        assert recommendation.provision == ()


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
            # Everything at 4: 5 areas × 4 = 20 → Band 10 (16+).
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
