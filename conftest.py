import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files in tests land in a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
