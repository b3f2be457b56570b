"""The Valuing SEND rules module: pure, deterministic, no Django and no I/O.

Data in (a needs profile, a rule set, a settings register), recommendation and trace out.
Reading rule files from disk lives in `assessments.rule_files`.
"""

from assessments.rules.batch import Caseload, CaseloadResult, CaseloadRow, evaluate_caseload
from assessments.rules.engine import evaluate
from assessments.rules.plain_language import explain_for_parents
from assessments.rules.profile import Profile, SettingRecord
from assessments.rules.readiness import readiness_for_needs, setting_readiness
from assessments.rules.recommendation import (
    AreaScore,
    FamilySupportItem,
    MatchedSetting,
    ProvisionItem,
    Recommendation,
)
from assessments.rules.register import SettingsRegister
from assessments.rules.ruleset import RuleSet, framework_domains_left_out
from assessments.rules.schema import RulesetError, RulesetProblem, parse_ruleset, ruleset_from_yaml

__all__ = [
    "AreaScore",
    "Caseload",
    "CaseloadResult",
    "CaseloadRow",
    "FamilySupportItem",
    "MatchedSetting",
    "Profile",
    "ProvisionItem",
    "Recommendation",
    "RuleSet",
    "RulesetError",
    "RulesetProblem",
    "SettingRecord",
    "SettingsRegister",
    "evaluate",
    "evaluate_caseload",
    "explain_for_parents",
    "framework_domains_left_out",
    "parse_ruleset",
    "readiness_for_needs",
    "ruleset_from_yaml",
    "setting_readiness",
]
