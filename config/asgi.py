"""ASGI entry point; request bodies over their route's limit are refused before Django spools them."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
_django = get_asgi_application()

from core.bodylimit import AsgiRequestBodyLimit  # noqa: E402  (after the settings are set up)

application = AsgiRequestBodyLimit(_django)
