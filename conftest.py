import pytest


@pytest.fixture
def english():
    """The messages and labels in English, whatever an earlier test left active: the default language is
    Lithuanian, and mutmut runs tests in an order of its own. A test file that reads English words asks for it with
    ``pytestmark = pytest.mark.usefixtures("english")``."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files in tests land in a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per user; tests create hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_tasks_in_process(request):
    """Tasks run in-process even when CELERY_BROKER_URL is set (as in CI), so tests never leave work in Redis.

    Only tests marked ``worker`` talk to a real broker and worker.
    """
    if request.node.get_closest_marker("worker"):
        yield
        return
    from inolink.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _seeded_rows_after_flushes(request):
    """Transactional tests flush the database afterwards, taking the rows data migrations made with them.

    Tests that run after such a flush still find the five service areas the programme defines.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.contenttypes.models import ContentType

    from consultations.models import ServiceArea

    # A flush also empties django_content_type; cached ids would point at rows that no longer exist.
    ContentType.objects.clear_cache()

    if not ServiceArea.objects.exists():
        import importlib

        seed = importlib.import_module("consultations.migrations.0002_seed_service_areas")
        for position, (code, name, description) in enumerate(seed.SERVICE_AREAS, start=1):
            ServiceArea.objects.get_or_create(
                code=code, defaults={"name": name, "description": description, "position": position}
            )
    yield
