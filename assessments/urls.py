from django.urls import path

from .views import children, framework, profile, recommendations, rulesets

urlpatterns = [
    path("children/", children.child_list, name="child-list"),
    path("children/new/", children.child_create, name="child-create"),
    path(
        "children/setting-suggestions/",
        children.setting_suggestions,
        name="child-list-setting-suggestions",
    ),
    path("children/<int:pk>/", children.child_detail, name="child-detail"),
    path("children/<int:pk>/edit/", children.child_edit, name="child-edit"),
    path(
        "children/<int:child_pk>/assessments/start/",
        profile.assessment_start,
        name="assessment-start",
    ),
    path("assessments/<int:pk>/", profile.assessment_summary, name="assessment-summary"),
    path("assessments/<int:pk>/continue/", profile.assessment_continue, name="assessment-continue"),
    path("assessments/<int:pk>/about/", profile.assessment_about, name="assessment-about"),
    path(
        "assessments/<int:pk>/areas/<slug:area>/", profile.assessment_area, name="assessment-area"
    ),
    path("assessments/<int:pk>/check/", profile.assessment_check, name="assessment-check"),
    path("assessments/<int:pk>/complete/", profile.assessment_complete, name="assessment-complete"),
    path("assessments/<int:pk>/family-view/", recommendations.family_view, name="family-view"),
    path(
        "assessments/<int:pk>/recommendation/refresh/",
        recommendations.recommendation_refresh,
        name="recommendation-refresh",
    ),
    path(
        "recommendations/<int:pk>/override/",
        recommendations.override_create,
        name="override-create",
    ),
    path("needs-framework/", framework.framework_detail, name="framework"),
    path("rule-sets/", rulesets.ruleset_list, name="ruleset-list"),
    path("rule-sets/new/", rulesets.ruleset_new, name="ruleset-new"),
    path("rule-sets/template.yaml", rulesets.ruleset_template, name="ruleset-template"),
    path("rule-sets/<int:pk>/", rulesets.ruleset_detail, name="ruleset-detail"),
    path("rule-sets/<int:pk>/copy/", rulesets.ruleset_copy, name="ruleset-copy"),
    path("rule-sets/<int:pk>/edit/", rulesets.ruleset_edit_scheme, name="ruleset-edit-scheme"),
    path("rule-sets/<int:pk>/check/", rulesets.ruleset_check, name="ruleset-check"),
    path("rule-sets/<int:pk>/edit-yaml/", rulesets.ruleset_edit_yaml, name="ruleset-edit-yaml"),
    path("rule-sets/<int:pk>/activate/", rulesets.ruleset_activate, name="ruleset-activate"),
    path("rule-sets/<int:pk>/preview/", rulesets.ruleset_preview, name="ruleset-preview"),
    path("rule-sets/<int:pk>/replay/", rulesets.replay_start, name="replay-start"),
    path("replays/<int:pk>/", rulesets.replay_detail, name="replay-detail"),
    path("replays/<int:pk>/changes/", rulesets.replay_changes, name="replay-changes"),
    path("replays/<int:pk>/changes.csv", rulesets.replay_csv, name="replay-csv"),
    path("replays/<int:pk>/retry/", rulesets.replay_retry, name="replay-retry"),
]
