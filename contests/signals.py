"""Signals contests send; apps above contests connect to them instead of being imported by it."""

from __future__ import annotations

from django.dispatch import Signal

#: A contest's results were published. Sent inside the transaction that publishes them (a receiver's
#: writes commit with it; it must not raise); keyword argument `contest_id`.
contest_results_published = Signal()
