"""A task the render bench's own worker loads (`celery worker -I bench.worker_calls`): the same-output pipeline
call a diffusers user would make, `pipe(..., output_type="latent")`, run inside the render worker's process on
the pipeline its engine keeps warm. The bench alternates it with jobs, so the worker's pipeline phase is
compared with the raw call in the same process, on the same pipeline object, under the same load.

Not imported by the site: only a worker started with `-I bench.worker_calls` registers it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from config.celery import app


@app.task(name="bench.raw_latent_call")
def raw_latent_call(request: dict, out_path: str) -> None:
    import torch

    from generation.runtime.engine import RenderRequest
    from generation.runtime.presets import get_preset
    from generation.worker.engine import engine_options, render_engine

    render = RenderRequest(**request)
    preset = get_preset(render.preset)
    pipe = render_engine().pipeline(render, engine_options(render.preset))
    started, cpu_started = time.monotonic(), time.process_time()
    with torch.inference_mode():
        pipe(
            prompt=render.prompt,
            width=render.width,
            height=render.height,
            num_frames=render.num_frames,
            num_inference_steps=render.steps,
            guidance_scale=render.guidance,
            generator=torch.Generator().manual_seed(render.seed),
            max_sequence_length=preset.max_sequence_length,
            output_type="latent",
        )
    if pipe.device.type == "cuda":
        torch.cuda.synchronize()
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu_started
    part = Path(out_path + ".part")
    part.write_text(json.dumps({"seconds": seconds, "cpu": cpu}))
    part.replace(out_path)  # whole or not at all for the bench that waits for it
