"""Name the job, clip and account a video file came from, by its watermark."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provenance import services
from provenance.models import Trace


class Command(BaseCommand):
    help = "Read a video's forensic watermark and say which job, clip and account it came from."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A video file (MP4, WebM, ...).")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            trace = services.trace_file(path=path, source=Trace.Source.COMMAND, file_name=path.name)
        except services.TraceError as exc:
            raise CommandError(str(exc)) from None
        if not trace.found:
            self.stdout.write(f"No mark found in {path.name} ({trace.frames_read} frames read). Trace {trace.pk}.")
            return
        job = trace.job
        assert job is not None
        clip = services.trace_clip(trace=trace)
        self.stdout.write(f"Mark found in {path.name}: trace {trace.pk}")
        self.stdout.write(f"  job        {job.id} (submitted {job.created_at:%Y-%m-%d %H:%M:%S} UTC)")
        self.stdout.write(f"  clip       {clip.id if clip else '(none stored)'}")
        self.stdout.write(f"  account    {job.artist.username} (id {job.artist_id})")
        self.stdout.write(
            f"  confidence {trace.confidence:.2f} ({trace.bit_errors} of {trace.code_bits} code bits corrected; "
            f"the code corrects up to 13; sync {trace.sync:.1f} sd, scale {trace.scale:.2f})"
        )
