"""Test set-up: a private var/ and media folder per run, real database, real worker, real pipeline.

Django settings read the environment when first imported, so the paths are set here, before
pytest-django finishes setting Django up (DJANGO_SETTINGS_MODULE is deliberately not in pytest.ini).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_RUN_DIR = Path(tempfile.mkdtemp(prefix="vernissage-tests-"))
os.environ.setdefault("VERNISSAGE_VAR_DIR", str(_RUN_DIR / "var"))
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(_RUN_DIR / "media"))
os.environ.setdefault("DJANGO_STATIC_ROOT", str(_RUN_DIR / "static"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
Path(os.environ["VERNISSAGE_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
Path(os.environ["DJANGO_STATIC_ROOT"]).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns without it

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.DATABASES  # noqa: B018  (load settings now, with the paths above)
# The live server answers each request in a new thread; persistent connections would outlive the
# threads and keep PostgreSQL from dropping the test database at the end.
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
# Test users are made by the hundred; a deliberately slow password hash would dominate the run time.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
django.setup()

# Every clip is signed (C2PA): the run's workers sign with a development chain made once in its var/.
from django.core.management import call_command  # noqa: E402

call_command("provenance_keys", "--if-missing", verbosity=0)

# The German catalogue as Django reads it (.mo files are build outputs, `make messages`): compiled when stale.
from core.catalogues import compile_catalogues  # noqa: E402

for _locale_root in settings.LOCALE_PATHS:
    compile_catalogues(Path(_locale_root))

pytest_plugins = ["tests.fixtures", "tests.browser_fixtures"]
