"""The provision catalogue and family support."""

from tests.rules.helpers import run, small_ruleset

RULESET = small_ruleset()


def test_items_for_each_domain_at_its_level_with_total_cost():
    recommendation = run(RULESET, {"speech": 3, "reading": 2})

    assert [(item.domain, item.level, item.code) for item in recommendation.provision] == [
        ("speech", 3, "SP-3"),
        ("speech", 3, "SP-3-AID"),
        ("reading", 2, "RD-2"),
    ]
    # 2,600 + 300 + 1,700
    assert recommendation.provision_cost == 4600
    assert recommendation.provision[0].hours_per_week == 1.5
    assert (
        "Speech at level 3: Therapy programme (1.5 hours a week, £2,600 a year)"
        in recommendation.trace
    )
    assert "Speech at level 3: Picture communication book (15 minutes a week, £300 a year)" in (
        recommendation.trace
    )
    assert "Provision totals £4,600 a year" in recommendation.trace


def test_a_gap_in_the_catalogue_is_traced():
    recommendation = run(RULESET, {"maths": 2})

    assert recommendation.provision == ()
    assert "The provision catalogue lists nothing for Maths at level 2" in recommendation.trace


def test_a_rule_set_without_a_catalogue_says_so():
    ruleset = small_ruleset(provision={})

    recommendation = run(ruleset, {"speech": 3})

    assert recommendation.provision == ()
    assert recommendation.provision_cost == 0
    assert "This rule set has no provision catalogue, so no provision is listed" in (
        recommendation.trace
    )


class TestFamilySupport:
    def test_added_where_capacity_is_low_and_need_is_at_least_2(self):
        recommendation = run(
            RULESET, {"speech": 2, "reading": 3}, family_capacity={"speech": 1, "reading": 3}
        )

        # FAM-ANY applies to any domain; FAM-TALK only to speech: 2,000 + 500.
        assert [(item.code, item.domains) for item in recommendation.family_support] == [
            ("FAM-ANY", ("speech",)),
            ("FAM-TALK", ("speech",)),
        ]
        assert recommendation.family_support_cost == 2500
        assert (
            "Family capacity is low where need is at level 2 or above in Speech (level 2)"
            in recommendation.trace
        )
        assert "Family support: Family key worker (1 hour a week, £2,000 a year)" in (
            recommendation.trace
        )

    def test_item_limited_to_domains(self):
        recommendation = run(RULESET, {"reading": 3}, family_capacity={"reading": 0})

        assert [item.code for item in recommendation.family_support] == ["FAM-ANY"]

    def test_none_when_need_is_below_the_threshold(self):
        recommendation = run(RULESET, {"speech": 1}, family_capacity={"speech": 0})

        assert recommendation.family_support == ()

    def test_none_when_capacity_is_above_the_threshold(self):
        recommendation = run(RULESET, {"speech": 3}, family_capacity={"speech": 2})

        assert recommendation.family_support == ()

    def test_thresholds_are_configurable(self):
        ruleset = small_ruleset(
            family={
                "low_capacity_at_most": 2,
                "need_at_least": 1,
                "support": [
                    {
                        "code": "FAM-ANY",
                        "description": "Family key worker",
                        "hours_per_week": 1,
                        "annual_cost": 2000,
                    }
                ],
            }
        )

        recommendation = run(ruleset, {"speech": 1}, family_capacity={"speech": 2})

        assert [item.code for item in recommendation.family_support] == ["FAM-ANY"]
