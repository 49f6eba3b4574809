"""Signals the publication gate sends; apps above it connect to them instead of being imported by it."""

from __future__ import annotations

from django.dispatch import Signal

#: A clip was withdrawn or taken down. Sent after the transaction commits; keyword argument `clip_id`.
clip_left_publication = Signal()
