"""The caseload as the rules engine reads it in bulk: every child's current needs profile, as
the compact vectors stored when it was completed. Replays read it; indicators will too."""

from collections import defaultdict

from django.utils import timezone

from valuing_send.core.dates import age_on

from .models import Assessment, AssessmentStatus, NeedsFramework
from .rules import Caseload


def caseload_for(
    authority, *, on=None
) -> list[tuple[tuple[str, ...], Caseload, list[tuple[int, int]]]]:
    """The current caseload, one Caseload per framework version in use, with (assessment id,
    child id) per row. Two queries plus one per framework version."""
    today = on or timezone.localdate()
    rows = (
        Assessment.objects.filter(authority=authority, status=AssessmentStatus.COMPLETE)
        .order_by("pk")
        .values_list(
            "pk",
            "child_id",
            "framework_id",
            "need_vector",
            "ability_vector",
            "family_vector",
            "request",
            "setting_id",
            "setting__setting_type",
            "child__date_of_birth",
            "child__sen_status",
            "child__held_band",
        )
    )
    previous = dict(
        Assessment.objects.filter(authority=authority, status=AssessmentStatus.SUPERSEDED)
        .order_by("child_id", "completed_at")
        .values_list("child_id", "need_vector")
    )
    by_framework = defaultdict(list)
    for row in rows:
        by_framework[row[2]].append(row)
    caseloads = []
    for framework_id, group in by_framework.items():
        codes = NeedsFramework.objects.get(pk=framework_id).definition.domain_codes
        width = len(codes)
        caseload = Caseload.from_vectors(
            codes,
            [row[3] for row in group],
            ages=[age_on(row[9], today) for row in group],
            sen_statuses=[row[10] for row in group],
            ability_vectors=[row[4] or None for row in group],
            family_vectors=[row[5] or None for row in group],
            previous_need_vectors=[
                vector if (vector := previous.get(row[1])) and len(vector) == width else None
                for row in group
            ],
            current_setting_ids=[row[7] for row in group],
            current_setting_types=[row[8] for row in group],
            held_bands=[row[11] for row in group],
            requests=[row[6] for row in group],
            refs=[(row[0], row[1]) for row in group],
        )
        caseloads.append((codes, caseload, [(row[0], row[1]) for row in group]))
    return caseloads
