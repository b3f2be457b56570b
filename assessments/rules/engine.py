"""Evaluating one child: needs profile in, recommendation with a plain-English trace out."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.rules.classification import classify
from assessments.rules.codes import (
    MAX_CAPACITY,
    REQUEST_LABELS,
    SEN_STATUS_LABELS,
    SETTING_TYPE_CODES,
    SETTING_TYPE_LABELS,
    TIER_CODES,
    TIER_RANK,
)
from assessments.rules.conditions import Facts
from assessments.rules.money import money
from assessments.rules.profile import Profile
from assessments.rules.readiness import readiness_for_needs
from assessments.rules.recommendation import (
    AreaScore,
    FamilySupportItem,
    MatchedSetting,
    ProvisionItem,
    Recommendation,
    TopUpFigure,
)
from assessments.rules.register import SettingsRegister, age_slot, lowest_bits
from assessments.rules.ruleset import Band, RuleSet
from assessments.rules.text import (
    hours,
    join_names,
    level_phrase,
    lower_first,
    plural,
    pounds,
    sentence,
)

# Held and recommended funding are compared at the current type of setting; with none recorded,
# at a mainstream school, on both sides alike.
REFERENCE_SETTING_TYPE = "mainstream"


def evaluate(
    profile: Profile,
    ruleset: RuleSet,
    register: SettingsRegister,
    held_scheme: RuleSet | None = None,
) -> Recommendation:
    """Evaluate one profile. `held_scheme` is the scheme the profile's held band belongs to
    (the authority's active one); by default the scheme being evaluated."""
    register.check_built_for(ruleset)
    return _Evaluation(profile, ruleset, register, held_scheme or ruleset).run()


def band_for(total_points: int, ruleset: RuleSet) -> tuple[Band | None, bool]:
    """The band a total falls in, and whether it is above the scheme's range (no band then)."""
    found = None
    for band in ruleset.bands:
        if total_points < band.min_points:
            break
        found = band
    if found is not None and found.max_points is not None and total_points > found.max_points:
        return None, True
    return found, False


def figure_phrase(figure: TopUpFigure) -> str:
    """ "£251 a term at 30 hours a week (3 terms a year: £753 a year)", or "£1,240 a year"."""
    at_hours = "" if figure.hours is None else f" at {figure.hours} hours a week"
    if figure.per == "year":
        return f"{money(figure.published)} a year{at_hours}"
    return (
        f"{money(figure.published)} a term{at_hours} ({figure.per_year} terms a year: "
        f"{money(figure.annual)} a year)"
    )


def top_up_figure(
    ruleset: RuleSet, band: Band | None, setting_type: str, hours: int | None
) -> TopUpFigure | None:
    published = ruleset.published_top_up(band, setting_type, hours)
    if published is None:
        return None
    period = ruleset.funding.period
    return TopUpFigure(
        setting_type=setting_type,
        published=published,
        per=period.per,
        per_year=period.per_year,
        hours=hours,
        annual=published * period.per_year,
    )


def setting_type_phrase(setting_type: str) -> str:
    return lower_first(SETTING_TYPE_LABELS[setting_type])


def a_setting_type(setting_type: str) -> str:
    """ "a mainstream school", "an early years setting", "an alternative provision or PRU"."""
    phrase = setting_type_phrase(setting_type)
    return f"{'an' if phrase[0] in 'aeiou' else 'a'} {phrase}"


@dataclass(frozen=True, slots=True)
class _MainstreamFinding:
    route: str | None
    setting: MatchedSetting | None
    finding: str


class _Evaluation:
    """One evaluation's working state; each step appends its reasoning to the trace."""

    def __init__(
        self,
        profile: Profile,
        ruleset: RuleSet,
        register: SettingsRegister,
        held_scheme: RuleSet,
    ) -> None:
        self.profile = profile
        self.ruleset = ruleset
        self.register = register
        self.held_scheme = held_scheme
        self.trace: list[str] = []

    def note(self, text: str) -> None:
        self.trace.append(sentence(text))

    def run(self) -> Recommendation:
        profile, ruleset = self.profile, self.ruleset
        self.note(
            f"Rule set: {ruleset.name}, version {ruleset.version}, "
            f"effective from {ruleset.effective_from.day} {ruleset.effective_from:%B %Y}"
        )
        levels = self.counted_levels()
        area_scores = self.area_scores(levels)
        total = sum(score.points for score in area_scores)
        self.note(f"Total: {plural(total, 'point')}")
        band, above = band_for(total, ruleset)
        self.note_band(total, band, above)

        current_type = self.current_setting_type()
        hours = self.hours_variant()
        annual_top_ups = (
            {}
            if above
            else {code: ruleset.annual_top_up(band, code, hours) for code in SETTING_TYPE_CODES}
        )
        base = (
            None
            if ruleset.funding.base is None
            else {code: ruleset.annual_base(code, hours) or 0 for code in SETTING_TYPE_CODES}
        )
        figure = (
            None
            if current_type is None or above
            else top_up_figure(ruleset, band, current_type, hours)
        )
        top_up_at_current = None if current_type is None or above else annual_top_ups[current_type]
        self.note_funding(band, above, current_type, hours, figure)
        reference_type = current_type or REFERENCE_SETTING_TYPE
        recommended_funding = None if above else ruleset.annual_top_up(band, reference_type, hours)

        current_index = self.current_setting_index()
        low_ability = self.low_ability_domains(levels)
        readiness, shortfalls = self.current_setting_check(current_index, levels, low_ability)
        meeting = self.register.meeting(profile.age, levels)
        matched = self.matched_settings(meeting, levels, current_index, low_ability)
        mainstream = self.mainstream_finding(current_index, meeting, levels, low_ability)
        family_low = self.family_low_domains(levels)

        facts = Facts(
            domain_names=tuple(domain.name for domain in ruleset.domains),
            area_names=tuple(area.name for area in ruleset.areas),
            levels=levels,
            area_points=tuple(score.points for score in area_scores),
            total_points=total,
            mainstream_capable=mainstream.route is not None,
            mainstream_finding=mainstream.finding,
            family_low_domains=family_low,
            family_need_at_least=ruleset.family.need_at_least,
        )
        tier = self.stepped_up_tier(self.base_tier(facts), facts)
        provision = self.provision(levels)
        family_support = self.family_support(family_low, levels)

        held_funding = self.held_funding(reference_type)
        held = self.held_tier(current_type, held_funding)
        requested, requested_band, requested_funding = self.requested_tier(held, reference_type)
        claimed_funding = (
            requested_funding if profile.request == "increased_funding" else held_funding
        )
        rising = self.rising_domains(levels)
        classification = classify(
            recommended=TIER_RANK[tier],
            held=TIER_RANK[held],
            requested=None if requested is None else TIER_RANK[requested],
            mainstream_capable=mainstream.route is not None,
            need_rising=bool(rising),
            recommended_funding=recommended_funding,
            claimed_funding=claimed_funding,
        )
        self.note_classification(
            classification,
            tier,
            held,
            requested,
            mainstream,
            band,
            above,
            claimed_funding,
            recommended_funding,
        )

        domain_code = [domain.code for domain in ruleset.domains]
        return Recommendation(
            ruleset_id=ruleset.id,
            ruleset_version=ruleset.version,
            levels=dict(zip(domain_code, levels, strict=True)),
            assessed_domains=tuple(
                domain.code for domain in ruleset.domains if profile.age >= domain.assessed_from_age
            ),
            area_points=area_scores,
            total_points=total,
            band=band,
            above_range=above,
            above_range_outcome=ruleset.above_range_outcome if above else None,
            annual_top_up_by_setting_type=annual_top_ups,
            annual_base_by_setting_type=base,
            current_setting_type=current_type,
            hours_variant=hours,
            top_up=figure,
            annual_top_up_at_current_setting=top_up_at_current,
            tier=tier,
            tier_name=ruleset.tier_name(tier),
            provision=provision,
            provision_cost=sum(item.annual_cost for item in provision),
            family_support=family_support,
            family_support_cost=sum(item.annual_cost for item in family_support),
            matched_settings=matched,
            mainstream_capable=mainstream.route is not None,
            mainstream_route=mainstream.route,
            mainstream_setting=mainstream.setting,
            current_setting_readiness=readiness,
            current_setting_shortfalls=tuple(domain_code[d] for d in shortfalls),
            held_tier=held,
            requested_tier=requested,
            requested_band=requested_band,
            claimed_funding=claimed_funding,
            rising_domains=tuple(domain_code[d] for d in rising),
            classification=classification,
            trace=tuple(self.trace),
        )

    # Points and bands

    def counted_levels(self) -> tuple[int, ...]:
        profile = self.profile
        levels = []
        for domain in self.ruleset.domains:
            level = profile.levels.get(domain.code, 0)
            if level and profile.age < domain.assessed_from_age:
                self.note(
                    f"{domain.name} is assessed from age {domain.assessed_from_age}, "
                    f"so its level {level} is not counted at age {profile.age}"
                )
                level = 0
            levels.append(level)
        ignored = [
            code
            for code, level in sorted(profile.levels.items())
            if level and code not in self.ruleset.domain_index
        ]
        if ignored:
            self.note(f"Ratings for {join_names(ignored)} are not part of this rule set")
        if not any(levels):
            self.note("No domain has an additional need")
        return tuple(levels)

    def area_scores(self, levels: tuple[int, ...]) -> tuple[AreaScore, ...]:
        ruleset = self.ruleset
        scores = []
        for area, domain_indexes in zip(ruleset.areas, ruleset.area_domains, strict=True):
            weight = f" (weight ×{area.weight})" if area.weight != 1 else ""
            contributions = []
            for d in domain_indexes:
                if levels[d]:
                    points = ruleset.weighted_points[d][levels[d]]
                    contributions.append(points)
                    self.note(
                        f"{ruleset.domains[d].name} at level {levels[d]} gives "
                        f"{plural(points, 'point')}{weight}"
                    )
            if area.scoring == "max":
                uncapped = max(contributions, default=0)
                if len(contributions) > 1:
                    self.note(
                        f"{area.name} counts only its highest domain: {plural(uncapped, 'point')}"
                    )
            else:
                uncapped = sum(contributions)
            points = uncapped if area.cap is None else min(uncapped, area.cap)
            if points < uncapped:
                self.note(f"{area.name} points capped at {area.cap:,} (from {uncapped:,})")
            scores.append(AreaScore(area.code, area.name, points, uncapped))
        return tuple(scores)

    def note_band(self, total: int, band: Band | None, above: bool) -> None:
        if above:
            top = self.ruleset.top_band
            self.note(
                f"{plural(total, 'point')} is {self.ruleset.above_range_outcome} (the top band, "
                f"{top.label}, ends at {top.max_points} points)"
            )
        elif band is not None:
            self.note(f"{plural(total, 'point')} is {band.label} ({band.points_range()})")
        else:
            first = self.ruleset.bands[0]
            self.note(
                f"{plural(total, 'point')} is below {first.label}, which starts at "
                f"{first.min_points:,} points, so no band applies"
            )

    def hours_variant(self) -> int | None:
        ruleset, attendance = self.ruleset, self.profile.attendance_hours
        hours = ruleset.hours_for(attendance)
        if hours is None:
            return None
        listed = join_names([f"{variant} hours" for variant in ruleset.funding.hours])
        if attendance is None:
            self.note(
                f"This scheme's figures are for {listed} a week; the child's hours are not "
                f"recorded, so the {hours}-hour figures are used"
            )
        else:
            self.note(
                f"The child attends {attendance:g} hours a week, so the {hours}-hour figures "
                f"apply (this scheme's figures are for {listed} a week)"
            )
        return hours

    def current_setting_type(self) -> str | None:
        if self.profile.current_setting_type is not None:
            return self.profile.current_setting_type
        index = self.current_setting_index()
        return None if index is None else self.register.settings[index].setting_type

    def note_funding(
        self,
        band: Band | None,
        above: bool,
        current_type: str | None,
        hours: int | None,
        figure: TopUpFigure | None,
    ) -> None:
        ruleset = self.ruleset
        if above:
            self.note(
                "No band's amount applies: the funding is agreed for this child individually, "
                "so the case goes to panel"
            )
        elif band is None:
            self.note("No top-up funding applies below the first band")
        elif not band.funded:
            self.note(f"{band.label} carries no top-up funding")
        elif current_type is not None and figure is None:
            self.note(f"{band.label} carries no top-up at {a_setting_type(current_type)}")
        elif current_type is not None:
            annual_base = ruleset.annual_base(current_type, hours)
            base = (
                ""
                if annual_base is None
                else f", on top of base funding of {money(annual_base)} a year"
            )
            self.note(
                f"{band.label} carries a top-up of {figure_phrase(figure)} at "
                f"{a_setting_type(current_type)}{base}"
            )
        else:
            figures = [top_up_figure(ruleset, band, code, hours) for code in SETTING_TYPE_CODES]
            figures = [figure for figure in figures if figure is not None]
            low = min(figures, key=lambda f: f.annual)
            high = max(figures, key=lambda f: f.annual)
            if low.annual == high.annual:
                self.note(
                    f"{band.label} carries a top-up of {figure_phrase(low)} in any type of setting"
                )
            else:
                self.note(
                    f"{band.label} carries a top-up of {money(low.annual)} to "
                    f"{money(high.annual)} a year, depending on the type of setting"
                )

    # The current setting and matching

    def current_setting_index(self) -> int | None:
        setting_id = self.profile.current_setting_id
        return None if setting_id is None else self.register.index_by_id.get(setting_id)

    def low_ability_domains(self, levels: tuple[int, ...]) -> tuple[int, ...]:
        low_at_most = self.ruleset.matching.current_ability_low_at_most
        ability = self.profile.setting_ability
        return tuple(
            d
            for d, domain in enumerate(self.ruleset.domains)
            if levels[d] and ability.get(domain.code, MAX_CAPACITY) <= low_at_most
        )

    def current_setting_check(
        self, index: int | None, levels: tuple[int, ...], low_ability: tuple[int, ...]
    ) -> tuple[int | None, tuple[int, ...]]:
        """Readiness of the current setting for this child, and the domains where it falls short."""
        domains = self.ruleset.domains
        readiness = None
        short_on_capability: tuple[int, ...] = ()
        if self.profile.current_setting_id is None:
            self.note("No current setting is recorded")
        elif index is None:
            self.note(
                "The current setting is not in the settings register, so its readiness is unknown"
            )
        else:
            record = self.register.settings[index]
            ordinary = self.register.ordinary[index]
            readiness = readiness_for_needs(
                record.capabilities,
                {domain.code: level for domain, level in zip(domains, levels, strict=True)},
            )
            if readiness is not None:
                self.note(
                    f"{record.name} ({setting_type_phrase(record.setting_type)}) is {readiness}% "
                    "ready for this child's needs from its ordinary provision"
                )
            short_on_capability = tuple(d for d, level in enumerate(levels) if ordinary[d] < level)
            if short_on_capability:
                gaps = [
                    f"{domains[d].name} (needs level {levels[d]}, ordinarily meets {ordinary[d]})"
                    for d in short_on_capability
                ]
                self.note(f"{record.name} falls short in {join_names(gaps)}")
        if low_ability:
            ratings = [
                f"{domains[d].name} ({self.profile.setting_ability[domains[d].code]} of {MAX_CAPACITY})"
                for d in low_ability
            ]
            self.note(
                f"The current setting's ability to support this child was rated low in {join_names(ratings)}"
            )
        return readiness, tuple(sorted(set(short_on_capability) | set(low_ability)))

    def matched(
        self, index: int, levels: tuple[int, ...], *, current: bool = False
    ) -> MatchedSetting:
        record = self.register.settings[index]
        ordinary = self.register.ordinary[index]
        return MatchedSetting(
            id=record.id,
            name=record.name,
            setting_type=record.setting_type,
            phase=record.phase,
            readiness=self.register.readiness[index],
            with_top_up=any(ordinary[d] < level for d, level in enumerate(levels)),
            is_current=current,
        )

    def matched_settings(
        self,
        meeting: int,
        levels: tuple[int, ...],
        current_index: int | None,
        low_ability: tuple[int, ...],
    ) -> tuple[MatchedSetting, ...]:
        """The settings that meet every need, least restrictive first, up to the rule set's
        limit; the child's current setting first when it meets every need (it may rank below
        the limit, or not serve the child's age although the child is there)."""
        age = self.profile.age
        current_meets = (
            current_index is not None
            and not low_ability
            and all(
                capability >= level
                for capability, level in zip(
                    self.register.effective[current_index], levels, strict=True
                )
            )
        )
        current = [self.matched(current_index, levels, current=True)] if current_meets else []
        if current:
            self.note(
                f"The current setting, {current[0].name}, meets every need, so it is listed first"
            )
        serving = self.register.serving_age[age_slot(age)].bit_count()
        if not serving:
            self.note(f"No setting in the register serves age {age}")
            return tuple(current)
        limit = self.ruleset.matching.max_matches
        # The current setting is listed first or, when its ability was rated low, not at all.
        others = meeting if current_index is None else meeting & ~(1 << current_index)
        listed = lowest_bits(others, limit - len(current))
        meeting_count = others.bit_count() + len(current)
        shown_count = len(listed) + len(current)
        shown = f"; the first {shown_count} are listed" if meeting_count > shown_count else ""
        self.note(
            f"{meeting_count} of the {plural(serving, 'setting')} serving age {age} "
            f"{'meets' if meeting_count == 1 else 'meet'} every need{shown}"
        )
        return tuple(current + [self.matched(index, levels) for index in listed])

    def mainstream_finding(
        self,
        current_index: int | None,
        meeting: int,
        levels: tuple[int, ...],
        low_ability: tuple[int, ...],
    ) -> _MainstreamFinding:
        register = self.register
        domains = self.ruleset.domains
        if current_index is not None and register.is_mainstream[current_index]:
            record = register.settings[current_index]
            effective = register.effective[current_index]
            beyond = [d for d, level in enumerate(levels) if effective[d] < level]
            if not beyond and not low_ability:
                setting = self.matched(current_index, levels, current=True)
                how = "with top-up" if setting.with_top_up else "from its ordinary provision"
                finding = (
                    f"the current setting, {record.name} "
                    f"({setting_type_phrase(record.setting_type)}), meets every need {how}"
                )
                self.note(f"{finding}, so the needs can be met in mainstream")
                return _MainstreamFinding("current", setting, finding)
            reasons = []
            if beyond:
                reasons.append(
                    f"{join_names([domains[d].name for d in beyond])} "
                    f"{'is' if len(beyond) == 1 else 'are'} beyond what it can meet even with top-up"
                )
            if low_ability:
                reasons.append("its ability to support this child was rated low")
            self.note(
                f"The current setting, {record.name}, cannot meet every need: {join_names(reasons)}"
            )
        elif current_index is not None:
            record = register.settings[current_index]
            self.note(
                f"The current setting, {record.name}, is "
                f"{a_setting_type(record.setting_type)}, not a mainstream setting"
            )
        local = meeting & register.mainstream_mask
        if current_index is not None:
            # The current setting has either met the needs above or been ruled out for this child.
            local &= ~(1 << current_index)
        if local:
            setting = self.matched(lowest_bits(local, 1)[0], levels)
            how = "with top-up" if setting.with_top_up else "from its ordinary provision"
            finding = (
                f"{setting.name} ({setting_type_phrase(setting.setting_type)}) "
                f"meets every need {how}"
            )
            self.note(f"{finding}, so the needs can be met in mainstream")
            return _MainstreamFinding("local", setting, finding)
        finding = (
            f"no local mainstream setting serving age {self.profile.age} meets every need, "
            "even with top-up"
        )
        self.note(f"{finding}, so the needs cannot be met in mainstream")
        return _MainstreamFinding(None, None, finding)

    # Tiers

    def family_low_domains(self, levels: tuple[int, ...]) -> tuple[int, ...]:
        policy = self.ruleset.family
        capacity = self.profile.family_capacity
        return tuple(
            d
            for d, domain in enumerate(self.ruleset.domains)
            if levels[d] >= policy.need_at_least
            and capacity.get(domain.code, MAX_CAPACITY) <= policy.low_capacity_at_most
        )

    def base_tier(self, facts: Facts) -> str:
        for rule in self.ruleset.tiers:
            name = self.ruleset.tier_name(rule.tier)
            if rule.condition is None:
                self.note(f"No higher tier applies, so the tier is {name}")
                return rule.tier
            explanation = rule.condition.explain(facts)
            if rule.condition.holds(facts):
                self.note(f"{explanation}, so the {name} tier applies")
                return rule.tier
            self.note(f"{explanation}, so the {name} tier does not apply")
        raise AssertionError("the last tier rule has no condition, so the loop always returns")

    def stepped_up_tier(self, tier: str, facts: Facts) -> str:
        step_up = self.ruleset.tier_step_up
        if step_up is None:
            return tier
        name = self.ruleset.tier_name(tier)
        explanation = step_up.condition.explain(facts)
        if not step_up.condition.holds(facts):
            self.note(f"{explanation}, so the tier stays {name}")
            return tier
        rank = TIER_RANK[tier]
        raised = max(rank, min(rank + step_up.steps, TIER_RANK[step_up.up_to]))
        if raised == rank:
            self.note(f"{explanation}, but {name} is already as high as this step-up reaches")
            return tier
        raised_tier = TIER_CODES[raised]
        self.note(
            f"{explanation}, so the tier rises from {name} to {self.ruleset.tier_name(raised_tier)}"
        )
        return raised_tier

    # Provision

    def provision(self, levels: tuple[int, ...]) -> tuple[ProvisionItem, ...]:
        ruleset = self.ruleset
        if not ruleset.provision:
            if any(levels):
                self.note("This rule set has no provision catalogue, so no provision is listed")
            return ()
        items = []
        for domain, level in zip(ruleset.domains, levels, strict=True):
            if not level:
                continue
            options = ruleset.provision.get((domain.code, level), ())
            if not options:
                self.note(
                    f"The provision catalogue lists nothing for {domain.name} at level {level}"
                )
            for option in options:
                items.append(
                    ProvisionItem(
                        domain=domain.code,
                        level=level,
                        code=option.code,
                        description=option.description,
                        hours_per_week=option.hours_per_week,
                        annual_cost=option.annual_cost,
                    )
                )
                self.note(
                    f"{domain.name} at level {level}: {option.description} "
                    f"({hours(option.hours_per_week)}, {pounds(option.annual_cost)} a year)"
                )
        if items:
            self.note(f"Provision totals {pounds(sum(item.annual_cost for item in items))} a year")
        return tuple(items)

    def family_support(
        self, family_low: tuple[int, ...], levels: tuple[int, ...]
    ) -> tuple[FamilySupportItem, ...]:
        if not family_low:
            return ()
        domains = self.ruleset.domains
        policy = self.ruleset.family
        self.note(
            f"Family capacity is low where need is {level_phrase(policy.need_at_least)} in "
            f"{join_names([f'{domains[d].name} (level {levels[d]})' for d in family_low])}"
        )
        items = []
        for option in policy.support:
            qualifying = tuple(
                domains[d].code
                for d in family_low
                if not option.domains or domains[d].code in option.domains
            )
            if qualifying:
                items.append(
                    FamilySupportItem(
                        code=option.code,
                        description=option.description,
                        hours_per_week=option.hours_per_week,
                        annual_cost=option.annual_cost,
                        domains=qualifying,
                    )
                )
                self.note(
                    f"Family support: {option.description} "
                    f"({hours(option.hours_per_week)}, {pounds(option.annual_cost)} a year)"
                )
        return tuple(items)

    # Classification

    def held_funding(self, reference_type: str) -> int | None:
        """Pence a year the held band is worth under the scheme it belongs to."""
        scheme = self.held_scheme
        band = scheme.band_by_number(self.profile.held_band)
        if band is None:
            return None
        return scheme.annual_top_up(
            band, reference_type, scheme.hours_for(self.profile.attendance_hours)
        )

    def held_band_phrase(self, held_funding: int | None) -> str:
        number = self.profile.held_band
        if number is None:
            return ""
        scheme = self.held_scheme
        band = scheme.band_by_number(number)
        if band is None:
            return (
                f", funded at a band numbered {number}, which {scheme.name} does not have, so "
                "its funding is not known"
            )
        under = "" if scheme is self.ruleset else f" under {scheme.name}"
        return f", funded at {band.label}{under} ({money(held_funding)} a year)"

    def held_tier(self, current_type: str | None, held_funding: int | None) -> str:
        profile = self.profile
        policy = self.ruleset.classification
        held = policy.held_tier_by_status[profile.sen_status]
        placed = ""
        if profile.sen_status == "E" and current_type in policy.specialist_setting_types:
            held = "specialist"
            placed = f" at {a_setting_type(current_type)}"
        self.note(
            f"Held: {SEN_STATUS_LABELS[profile.sen_status]}{placed}, which counts as the "
            f"{self.ruleset.tier_name(held)} tier{self.held_band_phrase(held_funding)}"
        )
        return held

    def requested_band(self):
        """The band an increased-funding request asks for: the one above the held band in its
        scheme, or that scheme's first funded band when none is held; None above its top."""
        scheme = self.held_scheme
        held_band = scheme.band_by_number(self.profile.held_band)
        if held_band is None:
            return next((band for band in scheme.bands if band.funded), None)
        position = scheme.bands.index(held_band)
        return scheme.bands[position + 1] if position + 1 < len(scheme.bands) else None

    def requested_tier(
        self, held: str, reference_type: str
    ) -> tuple[str | None, int | None, int | None]:
        """The requested tier, and for an increased-funding request the requested band's
        number and its pence a year."""
        request = self.profile.request
        if request == "none":
            self.note("Nothing further is requested")
            return None, None, None
        if request == "increased_funding":
            scheme = self.held_scheme
            band = self.requested_band()
            tier_name = self.ruleset.tier_name(held)
            if band is None:
                self.note(
                    f"Requested: increased funding above the top band of {scheme.name}, at the "
                    f"{tier_name} tier, which only a panel can agree"
                )
                return held, None, None
            annual = scheme.annual_top_up(
                band, reference_type, scheme.hours_for(self.profile.attendance_hours)
            )
            self.note(
                f"Requested: increased funding, {band.label} ({money(annual)} a year) at the "
                f"{tier_name} tier"
            )
            return held, band.number, annual
        tier = self.ruleset.classification.requested_tier[request]
        self.note(
            f"Requested: {REQUEST_LABELS[request]}, which counts as the "
            f"{self.ruleset.tier_name(tier)} tier"
        )
        return tier, None, None

    def rising_domains(self, levels: tuple[int, ...]) -> tuple[int, ...]:
        previous = self.profile.previous_levels
        if previous is None:
            return ()
        domains = self.ruleset.domains
        rising = tuple(
            d for d, domain in enumerate(domains) if levels[d] > previous.get(domain.code, 0)
        )
        if rising:
            changes = [
                f"{domains[d].name} ({previous.get(domains[d].code, 0)} to {levels[d]})"
                for d in rising
            ]
            self.note(f"Need has risen since the previous assessment in {join_names(changes)}")
        else:
            self.note("No need has risen since the previous assessment")
        return rising

    def note_classification(
        self,
        classification: str,
        tier: str,
        held: str,
        requested: str | None,
        mainstream: _MainstreamFinding,
        band: Band | None,
        above: bool,
        claimed_funding: int | None,
        recommended_funding: int | None,
    ) -> None:
        name = self.ruleset.tier_name
        recommended = name(tier)
        target = held if requested is None or TIER_RANK[held] >= TIER_RANK[requested] else requested
        match classification:
            case "under_supported":
                reason = (
                    f"the recommended tier, {recommended}, is above what is held and requested "
                    f"({name(target)}), so the child is under-supported"
                )
            case "could_be_prevented":
                reason = (
                    f"a plan is held or requested ({name(target)}), but the needs can be met at "
                    f"{recommended}, so the need for a plan could be prevented"
                )
            case "could_be_reduced" if TIER_RANK[tier] < TIER_RANK[target]:
                reason = (
                    f"{name(target)} is held or requested, but {mainstream.finding} at "
                    f"{recommended}, so the support could be reduced"
                )
            case "could_be_reduced":
                scored = "no band" if band is None else band.label
                reason = (
                    f"more funding is held or requested ({money(claimed_funding)} a year) than "
                    f"the needs score ({scored}: {money(recommended_funding)} a year), so the "
                    "funding could be reduced"
                )
            case "could_be_delayed":
                reason = (
                    f"{name(requested)} is requested, but the needs can be met for now at "
                    f"{recommended}, within what is held ({name(held)}), so the escalation "
                    "could be delayed with named provision and an earlier review"
                )
            case _:
                reason = (
                    f"the recommended tier, {recommended}, fits what is held and requested "
                    f"({name(target)}), so the child is appropriately placed"
                )
        self.note(reason)
