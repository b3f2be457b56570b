"""Queue a recompute of the authority's indicators when its caseload changes.

Signals rather than calls from the services: the flow runs one way (rating → profile →
recommendation → indicator snapshot), so the assessments app never imports this one. Bulk
writes (the demo generator's COPY) send no signals; the nightly recompute covers them.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from assessments.models import Child, Recommendation
from valuing_send.authorities.models import Setting, SettingCapability

from .debounce import request_recompute


@receiver(post_save, sender=Child)
@receiver(post_delete, sender=Child)
@receiver(post_save, sender=Recommendation)
@receiver(post_save, sender=Setting)
def _caseload_changed(sender, instance, **kwargs):
    request_recompute(instance.authority_id)


@receiver(post_save, sender=SettingCapability)
def _capability_changed(sender, instance, **kwargs):
    request_recompute(instance.setting.authority_id)
