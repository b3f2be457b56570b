import logging

from celery import shared_task

from . import replays

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def replay_caseload(run_id: int) -> None:
    """Replay an authority's caseload under a draft rule set (see ``assessments/replays.py``).

    Takes the run's id only. A replay is deterministic, so a failure is recorded on the run
    for its page to show rather than retried."""
    try:
        replays.replay_execute(run_id)
    except Exception as error:
        logger.exception("Replay %s failed", run_id)
        replays.replay_fail(run_id, error)


@shared_task(acks_late=True)
def recommendation_details_fill(authority_id: int) -> None:
    """Keep the full detail (trace, provision, matched settings) of the authority's current
    recommendations that were worked out in bulk. Idempotent: filled ones are skipped."""
    from valuing_send.authorities.models import Authority

    from .recommendations import recommendation_details_fill as fill

    fill(Authority.objects.get(pk=authority_id))
