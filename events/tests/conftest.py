import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories create many users here; hashing their passwords at full strength only slows the tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
