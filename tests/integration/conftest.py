"""The real Celery worker fixture for the integration tests (tests/integration/worker.py, which
other folders import too)."""

from tests.integration.worker import celery_worker  # noqa: F401 - the fixture
