"""The render's scratch folder on the worker's disk, and the clean-up of folders a killed worker left.

A render writes its MP4, poster and preview into a folder of its own and removes it when it ends. A
worker killed by SIGKILL, the OOM killer or a power cut removes nothing, so every folder is named after
the process that owns it (``<job id>.<pid>``) under one root (``RENDER_SCRATCH_DIR``), and each render
first removes the folders of processes that are gone, and any folder older than the hard time limit
(no render outlives it, so a reused process id cannot keep a folder forever).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

#: Slack past the hard time limit before a folder counts as abandoned whatever its process.
AGE_MARGIN_S = 60


def scratch_root() -> Path:
    root = Path(settings.RENDER_SCRATCH_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def job_folder(job_id: object) -> Path:
    """A new, empty folder for this render, owned by this process."""
    folder = scratch_root() / f"{job_id}.{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)  # a redelivery to the same process starts clean
    folder.mkdir()
    return folder


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_abandoned(now: float | None = None) -> list[str]:
    """Remove the folders whose process is gone or that are older than any render may run; their names."""
    now = time.time() if now is None else now
    oldest = now - settings.RENDER_TIME_LIMIT - AGE_MARGIN_S
    removed = []
    for folder in scratch_root().iterdir():
        if not folder.is_dir():
            continue
        _, _, pid_text = folder.name.rpartition(".")
        pid = int(pid_text) if pid_text.isdigit() else None
        if pid == os.getpid():
            continue
        try:
            too_old = folder.stat().st_mtime < oldest
        except FileNotFoundError:  # another worker on this disk removed it first
            continue
        if too_old or pid is None or not _process_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    if removed:
        log.info("removed %d scratch folder(s) left by ended renders: %s", len(removed), ", ".join(removed))
    return removed
