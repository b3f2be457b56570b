"""The Valuing SEND headline: how the recommendation compares with what is held and requested.

Tiers are compared by rank (universal 0 … specialist 3). The conditions overlap, so they are
tried in this order and the first that holds wins:

1. under_supported: the recommended tier is above both what is held and what is requested.
2. could_be_delayed, when need is rising: an escalation is requested, the recommended tier is no
   higher than what is held, and some need level rose since the previous assessment. Rising
   need is what distinguishes "not yet" from "not needed", so it takes precedence over 3–4.
3. could_be_prevented: a plan is held or requested (targeted plus or above) but the needs are
   met at SEN support or below.
4. could_be_reduced: a specialist tier is held or requested, targeted plus is recommended and
   the needs can be met in mainstream; or the tier matches what is held and the funding held
   (or, for an increased-funding request, the funding requested) is more a year than the
   recommended band's. Funding is compared as money a year, never as band numbers, because
   the held band may belong to another scheme with another scale (band 7 of 7 is not less
   than band 14 of 20). Above the scheme's range the recommended funding is not known (a panel
   agrees it), so it is never "could be reduced" on funding.
5. could_be_delayed: an escalation is requested and the recommended tier is no higher than held.
6. appropriately_placed otherwise.

The batch path mirrors this order in numpy; a property test keeps the two in step.
"""

from assessments.rules.codes import TIER_RANK

SEN_SUPPORT = TIER_RANK["sen_support"]
TARGETED_PLUS = TIER_RANK["targeted_plus"]
SPECIALIST = TIER_RANK["specialist"]


def classify(
    *,
    recommended: int,
    held: int,
    requested: int | None,
    mainstream_capable: bool,
    need_rising: bool,
    recommended_funding: int | None,
    claimed_funding: int | None,
) -> str:
    """`recommended_funding` and `claimed_funding` are pence a year at the same type of setting;
    None where not known (above the scheme's range; no held band)."""
    target = held if requested is None else max(held, requested)
    escalation = requested is not None and requested > held
    if recommended > target:
        return "under_supported"
    if escalation and recommended <= held and need_rising:
        return "could_be_delayed"
    if target >= TARGETED_PLUS and recommended <= SEN_SUPPORT:
        return "could_be_prevented"
    if target == SPECIALIST and recommended == TARGETED_PLUS and mainstream_capable:
        return "could_be_reduced"
    if (
        recommended == held == target
        and claimed_funding is not None
        and recommended_funding is not None
        and claimed_funding > recommended_funding
    ):
        return "could_be_reduced"
    if escalation and recommended <= held:
        return "could_be_delayed"
    return "appropriately_placed"
