import pytest

from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    started = []

    def start(statuses=(200,)) -> Receiver:
        server = Receiver(statuses)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def eager_tasks(settings):
    """The delivery task runs in this process when it is queued (its retries too, without waiting)."""
    from config.celery import app

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
