"""The embedded broker (core.broker): a consumer never reads a half-written message, each message is read
once by one of two consumer processes, and a file that does not parse is set aside, not fatal.

kombu's own filesystem channel fails the second test (about one read in twenty is an empty payload when
two consumers poll while a producer writes) and the last two (JSONDecodeError). bench/broker_soak.py runs
the same with real Celery workers and 5,000 messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection

from config.celery import app
from core import broker
from tests.fixtures import ROOT

# These test the embedded broker (core.broker); CI runs the suite on Redis, where the site does not use it.
pytestmark = pytest.mark.skipif(
    not app.conf.broker_url.startswith("filesystem://"), reason="the embedded broker is used with filesystem:// only"
)

CONSUMER = r"""
import json, sys, time
from queue import Empty
from kombu import Connection
transport, folder, stop_file = sys.argv[1:4]
options = {"data_folder_in": folder + "/queue", "data_folder_out": folder + "/queue",
           "control_folder": folder + "/control", "processed_folder": folder + "/processed"}
channel = Connection("filesystem://", transport=transport, transport_options=options).default_channel
seen, errors = [], []
print("ready", flush=True)
import os
while True:
    try:
        seen.append(channel._get("q")["n"])
    except Empty:
        if os.path.exists(stop_file):
            break
    except Exception as exc:
        errors.append(type(exc).__name__)
print(json.dumps({"seen": seen, "errors": errors}))
"""


def _options(folder: Path) -> dict:
    for sub in ("queue", "control", "processed"):
        (folder / sub).mkdir(exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "processed_folder": str(folder / "processed"),
    }


@pytest.fixture
def channel(tmp_path):
    """A channel of the transport the site is configured with, on a private folder."""
    connection = Connection(
        app.conf.broker_url, transport=app.conf.broker_transport, transport_options=_options(tmp_path)
    )
    yield connection.default_channel
    connection.release()


def test_the_site_uses_the_patched_filesystem_transport():
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, broker.Transport)


def test_two_consumer_processes_read_every_message_once_and_whole(channel, tmp_path):
    stop = tmp_path / "stop"
    consumers = [
        subprocess.Popen(
            [sys.executable, "-c", CONSUMER, app.conf.broker_transport, str(tmp_path), str(stop)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for consumer in consumers:
            assert consumer.stdout.readline().strip() == "ready"
        sent = 2000
        for n in range(sent):
            channel._put("q", {"n": n, "body": "x" * 200})
        stop.touch()
        results = [json.loads(consumer.communicate(timeout=60)[0]) for consumer in consumers]
    finally:
        for consumer in consumers:
            consumer.kill() if consumer.poll() is None else None
    errors = [e for r in results for e in r["errors"]]
    seen = sorted(n for r in results for n in r["seen"])
    assert errors == [], f"{len(errors)} reads failed: {sorted(set(errors))}"
    assert seen == list(range(sent))
    assert all(r["seen"] for r in results), "both consumers took part"


def test_a_message_file_that_does_not_parse_is_set_aside_and_the_next_one_read(channel, tmp_path):
    queue = tmp_path / "queue"
    (queue / "1_torn.q.msg").write_bytes(b"")  # a torn write, or an old producer's half-written file
    channel._put("q", {"n": 1})
    assert channel._get("q") == {"n": 1}
    with pytest.raises(Empty):
        channel._get("q")
    assert [p.name for p in (queue / ".bad").iterdir()] == ["1_torn.q.msg"]
    assert not any(p.name.endswith(".msg") for p in queue.iterdir())


def test_an_exchange_table_being_created_reads_as_empty_and_can_be_bound(channel, tmp_path):
    table = tmp_path / "control" / "jobs.exchange"
    table.write_bytes(b"")  # created by another process, not written yet
    assert channel.get_table("jobs") == []
    channel._queue_bind("jobs", "render", "", "render")
    channel._queue_bind("jobs", "default", "", "default")
    assert sorted(q.queue for q in channel.get_table("jobs")) == ["default", "render"]
