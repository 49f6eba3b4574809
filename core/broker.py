"""The embedded broker: kombu's filesystem transport, made safe for several processes on one folder.

kombu's own `filesystem://` channel (5.7) has three races that the site hits once a producer and two
consumers share the queue folder (measured: a consumer read an empty message within 30 messages):

- `_put` creates the message file under its final name and only then locks and writes it, so a
  consumer that lists the folder in between reads an empty payload: `JSONDecodeError`, which Celery
  treats as unrecoverable, and the worker stops.
- `_get` claims a message with `shutil.move` into the system temporary folder and reads it without a
  lock; where that folder is another file system the move is a copy then a delete, and two consumers
  can both copy (a duplicate).
- `_queue_bind` creates an exchange table with `open("wb")` before locking it, so a publisher can read
  an empty table (`JSONDecodeError` again), and two workers binding at once overwrite each other.

Here a message is written under a hidden temporary name in the queue folder and renamed into place
(a rename within one folder is atomic: a consumer sees a whole message or none); a consumer claims one
by renaming it into `.claimed/` inside the queue folder (exactly one consumer wins), and a file that
still does not parse (a torn write after a power cut, a message from an old producer) is moved to
`.bad/` with a warning instead of killing the worker. Exchange tables are created without truncation
and read as empty until written.

Selected by `CELERY_BROKER_TRANSPORT = "core.broker:Transport"` with `CELERY_BROKER_URL=filesystem://`
(config/settings/celery.py).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from queue import Empty
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

log = logging.getLogger(__name__)

CLAIMED = ".claimed"
BAD = ".bad"
#: How long a consumer waits for a claimed message that does not parse yet (an old producer still
#: writing it) before it sets the file aside.
UNREADABLE_GRACE_S = 1.0


def _read_table(f_obj: Any) -> list:
    raw = bytes_to_str(f_obj.read())
    return [filesystem.exchange_queue_t(*q) for q in loads(raw)] if raw.strip() else []


class Channel(filesystem.Channel):
    """The filesystem channel with an atomic producer, a rename-claiming consumer and safe bindings."""

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        """Write the message under a hidden name, then rename it into the queue: it appears whole."""
        name = f"{int(round(time.monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        temporary = os.path.join(self.data_folder_out, f".{name}.tmp")  # never matches `<queue>.msg`
        data = str_to_bytes(dumps(payload))
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.rename(temporary, final)
        except OSError as exc:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _side_folder(self, name: str) -> str:
        folder = os.path.join(self.data_folder_in, name)
        os.makedirs(folder, exist_ok=True)
        return folder

    def _get(self, queue: str) -> Any:
        """Claim the oldest message of `queue` by renaming it (one consumer wins) and return its payload."""
        queue_find = f"{queue}.msg"
        try:
            names = sorted(os.listdir(self.data_folder_in))
        except FileNotFoundError:
            raise Empty() from None
        claimed_folder = None
        for name in names:
            if name.partition(".")[2] != queue_find:
                continue
            claimed_folder = claimed_folder or self._side_folder(CLAIMED)
            claimed = os.path.join(claimed_folder, name)
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except OSError:  # another consumer claimed it first
                continue
            payload = self._read_claimed(claimed)
            if payload is None:
                continue
            try:
                if self.store_processed:
                    shutil.move(claimed, os.path.join(self.processed_folder, name))
                else:
                    os.remove(claimed)
            except OSError:
                log.warning("Could not clear the claimed broker message %s", claimed)
            return payload
        raise Empty()

    def _read_claimed(self, path: str) -> Any:
        """The parsed payload of a claimed file; None (file set aside in `.bad/`) if it never parses."""
        deadline = time.monotonic() + UNREADABLE_GRACE_S
        while True:
            try:
                with open(path, "rb") as f:
                    filesystem.lock(f, filesystem.LOCK_SH)  # an old producer holds LOCK_EX while writing
                    try:
                        raw = f.read()
                    finally:
                        filesystem.unlock(f)
                return loads(bytes_to_str(raw))
            except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
                if time.monotonic() >= deadline:
                    bad = os.path.join(self._side_folder(BAD), os.path.basename(path))
                    log.warning("Broker message %s does not parse (%s); moved to %s", path, exc, bad)
                    try:
                        os.rename(path, bad)
                    except OSError:
                        pass
                    return None
                time.sleep(0.05)
            except OSError as exc:
                raise ChannelError(f"Cannot read file {path!r} from queue.") from exc

    def get_table(self, exchange: str) -> list:
        """The exchange's bindings; an empty or half-created table reads as no bindings."""
        file = self._exchange_file(exchange)
        try:
            with file.open("rb") as f_obj:
                filesystem.lock(f_obj, filesystem.LOCK_SH)
                try:
                    return _read_table(f_obj)
                finally:
                    filesystem.unlock(f_obj)
        except FileNotFoundError:
            return []
        except json.JSONDecodeError as exc:
            raise ChannelError(f"The exchange table {file} is corrupt") from exc
        except OSError as exc:
            raise ChannelError(f"Cannot open {file}") from exc

    def _queue_bind(self, exchange: str, routing_key: str, pattern: str, queue: str) -> None:
        """Add a binding under an exclusive lock, creating the table without truncating another's."""
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        value = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        try:
            fd = os.open(file, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ChannelError(f"Cannot open {file}") from exc
        with os.fdopen(fd, "rb+", buffering=0) as f_obj:
            filesystem.lock(f_obj, filesystem.LOCK_EX)
            try:
                queues = _read_table(f_obj)
                if value not in queues:
                    queues.insert(0, value)
                    f_obj.seek(0)
                    f_obj.write(str_to_bytes(dumps(queues)))
                    f_obj.truncate()
            finally:
                filesystem.unlock(f_obj)


class Transport(filesystem.Transport):
    """kombu's filesystem transport with the safe channel above."""

    Channel = Channel
