"""schemathesis against the live OpenAPI schema: no 5xx, and every answer matches the schema.

Bounded: a few generated examples per operation (API_SCHEMA_EXAMPLES, default 8), run in CI with
the rest of the suite, as an admin token (artist and moderator routes both reached).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "8"))


@pytest.fixture(autouse=True)
def _keep_test_connection(db):
    """As Django's test client does: keep the test's connection (and its transaction) open across requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db):
    from accounts.services.tokens import token_issue
    from tests.factories import make_user

    return token_issue(user=make_user("root", role="admin"), name="schemathesis").raw


def _load():
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", get_wsgi_application())


schema = _load()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_answers_match_the_schema(case, admin_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance],
    )


def test_every_operation_answers_real_data_as_its_schema_says(monkeypatch):
    """schemathesis' generated cases mostly meet empty lists and 404s; this walk reaches every operation
    with real data (every contest phase included) and validates each answer against its response schema."""
    from tests.api_scenario import run_scenario

    call = run_scenario(schema, monkeypatch)
    operations = {
        (method.upper(), path)
        for path, methods in schema.raw_schema["paths"].items()
        for method in methods
        if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}
    }
    assert operations - call.answered == set(), "operations never answered 2xx in the scenario"
