"""The first frame of an image-to-video job, as a local file the engine reads.

An uploaded image was cropped and stored at submit (generation.jobs.conditioning). A frame of a clip is taken
here, where PyAV may be imported: decoded at the asked time, cropped the same way, stored on the job (so the
job page, the clip and the export show it, and render again reuses it) and handed to the engine.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from generation.jobs.conditioning import FIRST_FRAME_NAME, first_frame_fit
from generation.models import Clip, RenderJob


def clip_frame(clip: Clip, time_s: float):
    """The clip's frame nearest `time_s` seconds (a PIL image), decoded from its stored MP4."""
    import av

    index = min(clip.num_frames - 1, max(0, round(time_s * clip.fps)))
    with default_storage.open(clip.video.name, "rb") as handle, av.open(handle) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == index:
                return frame.to_image()
            last = frame
    return last.to_image()


def first_frame_path(job: RenderJob, folder: Path) -> str:
    """A local PNG of the job's first frame at its render size, or "" for text-to-video."""
    if not job.conditioning_image and job.conditioning_time_s is not None:  # a clip's frame, not yet taken
        clip = Clip.objects.filter(id=job.conditioning_clip_id, artist_id=job.artist_id).first()
        if clip is None:
            raise ValueError("The clip this render starts from was deleted.")
        png = first_frame_fit(clip_frame(clip, job.conditioning_time_s or 0.0), width=job.width, height=job.height)
        job.conditioning_image.save(FIRST_FRAME_NAME, ContentFile(png), save=False)
        RenderJob.objects.filter(id=job.id).update(conditioning_image=job.conditioning_image.name)
    if not job.conditioning_image:
        return ""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FIRST_FRAME_NAME
    with default_storage.open(job.conditioning_image.name, "rb") as handle:
        path.write_bytes(handle.read())
    return str(path)
