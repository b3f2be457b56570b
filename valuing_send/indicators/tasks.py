"""Recomputing snapshots in the background: after a change (debounced) and every night."""

import logging

from celery import shared_task

from valuing_send.authorities.models import Authority

from . import snapshots
from .models import SnapshotTrigger

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def recompute_authority(authority_id: int, trigger: str = SnapshotTrigger.CHANGE) -> int:
    """Work out an authority's indicators (``snapshots.snapshot_refresh``). Takes the id only;
    idempotent: a second run writes the same rows. Returns the number of rows written."""
    from .debounce import recompute_started

    recompute_started(authority_id)
    authority = Authority.objects.filter(pk=authority_id).first()
    if authority is None:
        return 0
    runs = snapshots.snapshot_refresh(authority, trigger=trigger)
    return sum(run.rows for run in runs)


@shared_task
def recompute_every_authority() -> int:
    """The nightly recompute (Celery beat): one task per authority, so workers share them."""
    ids = list(Authority.objects.order_by("pk").values_list("pk", flat=True))
    for authority_id in ids:
        recompute_authority.delay(authority_id, SnapshotTrigger.NIGHTLY)
    logger.info("Queued the nightly indicator recompute of %d authorities", len(ids))
    return len(ids)
