"""``make test`` runs the suite in parallel (pytest-xdist): each worker keeps its cache, its
Celery broker and its documents apart from the other's (tests/conftest.py), as its test
database is kept apart by pytest-django."""

import os

import pytest
from django.core.cache import cache
from django.core.files.storage import storages

from valuing_send.celery import app

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


@pytest.mark.skipif(not WORKER, reason="the suite is not running in parallel")
def test_a_worker_has_its_own_redis_database_and_documents_folder(db):
    own = 1 + int(WORKER[2:])
    assert cache._cache.get_client().connection_pool.connection_kwargs["db"] == own
    assert app.connection_for_write().as_uri().endswith(f"/{own}")
    assert os.environ["REDIS_URL"].endswith(f"/{own}")  # what a test's Celery worker inherits
    assert storages["documents"].location.endswith(f"/{WORKER}")
    from django.db import connection

    assert connection.settings_dict["NAME"].endswith(f"_{WORKER}")
