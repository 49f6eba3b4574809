"""A marked copy's file goes with its row: when a clip is deleted (and its copies with it, by cascade), the
files of its pre-release copies are removed from storage once the deletion commits."""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from provenance.models import MarkedCopy

log = logging.getLogger(__name__)


def _remove(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:  # storage down: the file is left behind, the deletion stands
        log.exception("could not remove the marked copy %s", name)


@receiver(post_delete, sender=MarkedCopy, dispatch_uid="provenance.marked_copy_file")
def marked_copy_file_delete(sender, instance: MarkedCopy, **kwargs) -> None:
    if instance.video:
        name = instance.video
        transaction.on_commit(lambda: _remove(name))
