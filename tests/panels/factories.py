"""Panel cases and their parts for tests, made through the real services where they exist."""

import datetime

from django.utils import timezone

from panels import services
from panels.models import Invitation


def open_case(child, kind, *, by, **fields):
    return services.case_open(child, kind, by=by, **fields)


class InvitationFactory:
    @staticmethod
    def issue(case, *, by, role="parent", email="parent@example.org", expires_in_days=28):
        token, token_hash = Invitation.new_token()
        invitation = Invitation.objects.create(
            authority_id=case.authority_id,
            case=case,
            role=role,
            recipient_name="A Parent",
            email=email,
            token_hash=token_hash,
            expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
            created_by=by,
        )
        return invitation, token
