"""The render job's states and the transitions allowed between them, as one table.

    QUEUED -> DISPATCHED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED
    QUEUED or DISPATCHED -> RUNNING (a worker claims a job whose message arrived)
    DISPATCHED or RUNNING -> QUEUED (the sweep recovers a lost job, attempt + 1) | FAILED (too many attempts)
    QUEUED, DISPATCHED or RUNNING -> CANCELLED (the artist cancels)

generation.jobs.transitions declares each of its moves with `edge()`, which refuses at import time a
move the table does not allow.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DISPATCHED = "dispatched", _("Dispatched")
    RUNNING = "running", _("Rendering")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class FailureClass(models.TextChoices):
    """Why a failed job failed, for the farm's operators (the /metrics failures counter): the artist reads
    `error`, a sentence; this is its class."""

    ERROR = "error", _("Error in the render")
    TIMEOUT = "timeout", _("Past its time limit")
    OUT_OF_MEMORY = "out_of_memory", _("Out of GPU memory")
    LOST = "lost", _("Worker lost too many times")
    OUTPUT = "output", _("Could not mark or sign the clip")
    MODEL_LOAD = "model_load", _("The model could not be loaded")
    SETTINGS = "settings", _("Settings the model cannot render")


#: The classes whose jobs the artist is offered a retry of: a passing error and a lost worker. A timeout,
#: out of memory after the low-memory retry, a model that cannot load and settings the model refuses would
#: fail the same way again.
RETRY_HELPS = frozenset({FailureClass.ERROR, FailureClass.LOST})

S = JobStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.QUEUED: frozenset({S.DISPATCHED, S.RUNNING, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.RUNNING, S.QUEUED, S.FAILED, S.CANCELLED}),
    S.RUNNING: frozenset({S.SUCCEEDED, S.FAILED, S.QUEUED, S.CANCELLED}),
    S.SUCCEEDED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}

#: Not finished: the artist's quota counts them; they can be cancelled.
ACTIVE = tuple(status for status, targets in TRANSITIONS.items() if targets)
#: Holding a render slot.
IN_FLIGHT = (S.DISPATCHED, S.RUNNING)
#: Finished for good.
FINAL = tuple(status for status, targets in TRANSITIONS.items() if not targets)


def allowed(source: str, target: str) -> bool:
    """Whether the table lets a job move from `source` to `target`."""
    return target in TRANSITIONS.get(source, frozenset())


def edge(*sources: str, to: str) -> tuple[str, ...]:
    """The source states of one move (for a conditional update's `status__in`), checked against the table."""
    refused = [source for source in sources if not allowed(source, to)]
    if refused:
        raise ValueError(f"The job state table has no move from {', '.join(refused)} to {to}.")
    return tuple(sources)
