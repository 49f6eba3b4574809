"""Email: the backend, the SMTP server and its login, timeouts, and how mail leaves the site.

Mail is sent by a Celery task (core.mail) on the housekeeping worker, after the transaction that caused
it commits: a slow or failing SMTP server never holds a request, and a failure is retried with backoff.
VERNISSAGE_EMAIL_QUEUE=0 sends it in the process that caused it instead, after commit (the test suite
does so, to read Django's locmem outbox).
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str
from config.settings.base import VAR_DIR

# The console by default; any Django backend by dotted path (SMTP: django.core.mail.backends.smtp.EmailBackend).
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Vernissage <noreply@localhost>")
SERVER_EMAIL = env_str("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)  # TLS from the first byte, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set one of DJANGO_EMAIL_USE_TLS and DJANGO_EMAIL_USE_SSL, not both.")
# Seconds each blocking SMTP step may take (connect, greeting, each command) before the send fails.
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10, minimum=1)
EMAIL_FILE_PATH = env_str("DJANGO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file-based backend

EMAIL_QUEUE = env_bool("VERNISSAGE_EMAIL_QUEUE", True)
