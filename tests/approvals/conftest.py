import pytest


@pytest.fixture(autouse=True)
def _starter_policy(request):
    """Every test here starts with the starter policy, even after a transactional test flushed it."""
    if (
        "db" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or request.node.get_closest_marker("django_db")
    ):
        request.getfixturevalue("db")
        from tests.approvals.helpers import ensure_starter_policy

        ensure_starter_policy()
