"""Steps other apps add to the render path, named by the RENDER_OUTPUT_HOOKS setting (dotted paths of
classes), so that the worker calls them without importing them: each is made with the job, then

    hook.frames(frames) -> frames      before encoding (each frame uint8 RGB, in order)
    hook.files(paths, metadata)        after the files are written, before the job succeeds; it may raise
                                       OutputHookFailed(message), which fails the job with that message
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string


class OutputHookFailed(Exception):
    """A hook refuses the outputs; the message is the job's error, for the artist to read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutputHooks:
    """Every configured hook for one job, called in the setting's order."""

    def __init__(self, job: Any) -> None:
        self.hooks = [import_string(path)(job) for path in settings.RENDER_OUTPUT_HOOKS]

    def frames(self, frames: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        for hook in self.hooks:
            frames = hook.frames(frames)
        return frames

    def files(self, paths: dict[str, Path], metadata: dict[str, object]) -> None:
        for hook in self.hooks:
            hook.files(paths, metadata)
