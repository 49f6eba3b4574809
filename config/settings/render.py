"""Rendering: which model, on what device, with which memory options; time limits; quotas and the queue."""

import json
import os
import tempfile

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from generation.runtime.preset_file import SHIPPED_FILE, PresetFileError
from generation.runtime.presets import PRESETS, X264_PRESETS, use_preset_files  # pure Python: the presets' rules

# The model presets: TOML files (comma-separated), later entries replacing earlier ones of the same key;
# checked here, so a bad file stops the site and every worker at start with a message naming the field.
RENDER_PRESETS_FILES = env_list("RENDER_PRESETS_FILES", str(SHIPPED_FILE))
try:
    use_preset_files(RENDER_PRESETS_FILES)
except PresetFileError as exc:
    raise ImproperlyConfigured(f"RENDER_PRESETS_FILES: {exc}") from None

GENERATION_MODEL = env_str("GENERATION_MODEL")  # hub id or local folder; empty = tiny offline
GENERATION_PRESET = env_str("GENERATION_PRESET", "tiny")
if GENERATION_PRESET not in PRESETS:
    raise ImproperlyConfigured(
        f"GENERATION_PRESET={GENERATION_PRESET!r} is not a preset of RENDER_PRESETS_FILES; known: {', '.join(PRESETS)}."
    )
# The farm: each render worker announces itself (generation.models.RenderWorker) every
# RENDER_WORKER_HEARTBEAT seconds and is gone once RENDER_WORKER_TIMEOUT passes without a beat (one missed
# beat, with half an interval of slack). The dispatcher's capacity is the live workers; RENDER_SLOTS, when
# set, is only an upper bound on the jobs in flight across the farm (0 = no bound).
RENDER_SLOTS = env_int("RENDER_SLOTS", 0, minimum=0)
RENDER_WORKER_HEARTBEAT = env_int("RENDER_WORKER_HEARTBEAT", 5, minimum=1)
RENDER_WORKER_TIMEOUT = env_int("RENDER_WORKER_TIMEOUT", -(-RENDER_WORKER_HEARTBEAT * 3 // 2), minimum=1)
if RENDER_WORKER_TIMEOUT <= RENDER_WORKER_HEARTBEAT:
    raise ImproperlyConfigured("RENDER_WORKER_TIMEOUT must be greater than RENDER_WORKER_HEARTBEAT.")
# The presets this worker can render (comma-separated keys; empty = every preset of the registry).
RENDER_WORKER_PRESETS = env_list("RENDER_WORKER_PRESETS")
if unknown := [key for key in RENDER_WORKER_PRESETS if key not in PRESETS]:
    raise ImproperlyConfigured(
        f"RENDER_WORKER_PRESETS names unknown presets ({', '.join(unknown)}); known: {', '.join(PRESETS)}."
    )
# A job's own heartbeat (while it renders), the backstop for a run that hangs inside a live worker.
RENDER_HEARTBEAT_TIMEOUT = env_int("RENDER_HEARTBEAT_TIMEOUT", 120, minimum=5)
RENDER_HEARTBEAT_INTERVAL = env_int("RENDER_HEARTBEAT_INTERVAL", RENDER_WORKER_HEARTBEAT, minimum=1)  # < the timeout
# A dispatched job that its (live, idle) worker has not taken after this is re-queued (a lost message).
RENDER_DISPATCH_TIMEOUT = env_int("RENDER_DISPATCH_TIMEOUT", RENDER_WORKER_TIMEOUT, minimum=1)
RENDER_MAX_ATTEMPTS = env_int("RENDER_MAX_ATTEMPTS", 3, minimum=1)
# The worker's final writes (job done or failed) are retried this many times on a fresh connection.
RENDER_FINAL_WRITE_TRIES = env_int("RENDER_FINAL_WRITE_TRIES", 6, minimum=1)

# Time limits (seconds). The hard limit bounds the longest render; Redis must not redeliver an
# unacknowledged render before it, so its visibility timeout is set above it (config/settings/celery.py).
RENDER_SOFT_TIME_LIMIT = env_int("RENDER_SOFT_TIME_LIMIT", 1800, minimum=10)
RENDER_TIME_LIMIT = env_int("RENDER_TIME_LIMIT", RENDER_SOFT_TIME_LIMIT + 120, minimum=20)
if RENDER_TIME_LIMIT <= RENDER_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("RENDER_TIME_LIMIT must be greater than RENDER_SOFT_TIME_LIMIT.")
# Where renders write their files before storing them; folders a killed worker left are removed by the
# next render on the machine (generation/worker/scratch.py).
RENDER_SCRATCH_DIR = env_str("RENDER_SCRATCH_DIR") or os.path.join(tempfile.gettempdir(), "vernissage-render")
# A job's own time limit grows with its size: base + milliseconds per megapixel-step, capped by
# RENDER_SOFT_TIME_LIMIT; the worker stops a render past it within one step.
RENDER_TIME_BASE = env_int("RENDER_TIME_BASE", 120, minimum=1)
RENDER_MS_PER_MPX_STEP = env_int("RENDER_MS_PER_MPX_STEP", 50, minimum=0)

# Engine. Device: auto = CUDA when present, else CPU; dtype: auto = the preset's on GPU.
RENDER_DEVICE = env_str("RENDER_DEVICE", "auto")
RENDER_DTYPE = env_str("RENDER_DTYPE", "auto")
if RENDER_DTYPE not in ("auto", "float32", "float16", "bfloat16"):
    raise ImproperlyConfigured("RENDER_DTYPE must be auto, float32, float16 or bfloat16.")
RENDER_VAE_TILING = env_bool("RENDER_VAE_TILING", False)
RENDER_OFFLOAD = env_str("RENDER_OFFLOAD", "none")  # none | model | sequential | group
RENDER_COMPILE = env_bool("RENDER_COMPILE", False)  # regional torch.compile of the transformer blocks
# Per-preset memory options over the above, JSON: {"cogvideox-5b": {"vae_tiling": true, "offload": "model"}};
# "memory_gib": the device memory a preset needs (a worker with less reports it cannot run it).
try:
    RENDER_PRESET_OPTIONS = json.loads(env_str("RENDER_PRESET_OPTIONS") or "{}")
except ValueError as exc:
    raise ImproperlyConfigured(f"RENDER_PRESET_OPTIONS must be a JSON object: {exc}") from None
if not isinstance(RENDER_PRESET_OPTIONS, dict):
    raise ImproperlyConfigured("RENDER_PRESET_OPTIONS must be a JSON object keyed by preset.")
# libx264 preset of the MP4s: empty = each model preset's own (veryfast; ultrafast for the tiny preset's noise).
RENDER_X264_PRESET = env_str("RENDER_X264_PRESET")
for _options in [{"offload": RENDER_OFFLOAD, "x264_preset": RENDER_X264_PRESET}, *RENDER_PRESET_OPTIONS.values()]:
    if not isinstance(_options, dict) or _options.get("offload", "none") not in (
        "none",
        "model",
        "sequential",
        "group",
    ):
        raise ImproperlyConfigured("Render offload must be none, model, sequential or group.")
    if _options.get("x264_preset") and _options["x264_preset"] not in X264_PRESETS:
        raise ImproperlyConfigured(
            f"The libx264 preset must be one of {', '.join(X264_PRESETS)} "
            f"(RENDER_X264_PRESET or x264_preset in RENDER_PRESET_OPTIONS)."
        )
RENDER_X264_CRF = env_int("RENDER_X264_CRF", 23, minimum=0)
# Steps added to the render path (generation/worker/hooks.py): the watermark and the content credentials.
RENDER_OUTPUT_HOOKS = env_list("RENDER_OUTPUT_HOOKS", "provenance.hooks.ProvenanceHook")
# The engine class render workers use (a dotted path); tests and load tests name theirs from tests/.
# Checked here for its form; a worker that cannot import it refuses to start.
RENDER_ENGINE = env_str("RENDER_ENGINE", "generation.runtime.engine.Engine")
if len(RENDER_ENGINE.split(".")) < 2 or not all(part.isidentifier() for part in RENDER_ENGINE.split(".")):
    raise ImproperlyConfigured(
        "RENDER_ENGINE must be the dotted path of an engine class, e.g. generation.runtime.engine.Engine."
    )

# Quotas per artist and queue admission.
QUOTA_CONCURRENT_JOBS = env_int("VERNISSAGE_QUOTA_CONCURRENT_JOBS", 2, minimum=1)
QUOTA_SECONDS_PER_DAY = env_int("VERNISSAGE_QUOTA_SECONDS_PER_DAY", 300, minimum=1)
QUEUE_HORIZON_S = env_int("VERNISSAGE_QUEUE_HORIZON_S", 7200, minimum=1)  # refuse new jobs past this wait
QUEUE_RENDER_ESTIMATE_S = env_int("VERNISSAGE_QUEUE_RENDER_ESTIMATE_S", 60, minimum=1)  # until renders are measured
# What the ETA assumes of a preset's jobs until some have been measured (generation.jobs.phases): seconds per
# denoising step per megapixel-frame, decode + encode seconds per megapixel-frame and whatever the size (the
# fixed cost of writing a clip's files: MP4, animated preview, poster, contact sheet; also kept while the
# measured jobs all have one size), storing, claim to first step with the model warm and cold.
RENDER_ETA_PRIOR = {
    "step_s_per_mpf": 0.01,
    "post_s_per_mpf": 0.08,
    "post_s_base": 0.2,
    "store_s": 0.3,
    "start_s": 0.3,
    "load_s": 8.0,
}

# What a prompt must pass before it is queued: dotted paths of checks that raise ValidationError to refuse.
PROMPT_CHECKS = ["approvals.policy.prompt_check"]
