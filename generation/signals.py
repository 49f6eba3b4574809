"""Signals the render jobs send; apps above generation connect to them instead of being imported by it.

Both are sent inside the transaction that makes the change, so what a receiver writes commits or rolls
back with it; a receiver must not raise (it would undo the transition) and must leave anything slow to
`transaction.on_commit`.
"""

from __future__ import annotations

from django.dispatch import Signal

#: RUNNING -> SUCCEEDED: keyword arguments `job_id` and `clip_id`.
render_finished = Signal()
#: A job failed (its run failed, or the sweep gave up on it): keyword argument `job_id`.
render_failed = Signal()
