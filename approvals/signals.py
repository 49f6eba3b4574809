"""Signals the publication gate sends; apps above it connect to them instead of being imported by it."""

from __future__ import annotations

from django.dispatch import Signal

#: A clip was withdrawn or taken down. Sent after the transaction commits; keyword argument `clip_id`.
clip_left_publication = Signal()

# Sent inside the transaction that makes the change, so what a receiver writes commits or rolls back with
# it; a receiver must not raise (it would undo the decision) and leaves anything slow to on_commit.
#: A moderator decided a review or an appeal: keyword arguments `clip_id` and `review_id`.
clip_decided = Signal()
#: A clip entered the public gallery (at approval, at its embargo time, or with a contest's results): `clip_id`.
clip_published = Signal()
#: A moderator took a published clip down: keyword arguments `clip_id` and `review_id`.
clip_taken_down = Signal()
