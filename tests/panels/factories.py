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
        invitation = Invitation.objects.create(
            authority_id=case.authority_id,
            case=case,
            role=role,
            recipient_name="A Parent",
            email=email,
            nonce=Invitation.new_nonce(),
            token_hash=f"pending-{Invitation.new_nonce()}",
            expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
            created_by=by,
        )
        token = invitation.set_token_hash()
        invitation.save(update_fields=["token_hash"])
        return invitation, token
