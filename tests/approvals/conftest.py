import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Test users are made by the dozen here; a slow password hash would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
