"""RENDER_ENGINE: the dotted path of the engine class workers use. The real engine by default; a path that
cannot be imported, or names no engine, is a clear error naming the setting, and a render worker with it
refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from generation.runtime.engine import Engine
from generation.worker.engine import engine_class, render_engine
from tests.engines import FaultEngine, SleepEngine
from tests.fixtures import ROOT


def test_the_default_engine_is_the_real_one():
    env = {k: v for k, v in os.environ.items() if k != "RENDER_ENGINE"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.RENDER_ENGINE)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "generation.runtime.engine.Engine"


def test_the_worker_makes_one_engine_of_the_class_the_setting_names(settings):
    settings.RENDER_ENGINE = "generation.runtime.engine.Engine"
    assert engine_class() is Engine
    engine = render_engine()
    assert type(engine) is Engine and render_engine() is engine  # kept warm from job to job
    settings.RENDER_ENGINE = "tests.engines.SleepEngine"
    assert type(render_engine()) is SleepEngine
    settings.RENDER_ENGINE = "tests.engines.FaultEngine"
    assert type(render_engine()) is FaultEngine and issubclass(FaultEngine, Engine)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("tests.engines.NoSuchEngine", "RENDER_ENGINE='tests.engines.NoSuchEngine' cannot be imported"),
        ("no_such_package.engines.Engine", "RENDER_ENGINE='no_such_package.engines.Engine' cannot be imported"),
        ("generation.models.RenderJob", "RENDER_ENGINE='generation.models.RenderJob' is not an engine class"),
        ("tests.engines.FAULT_VARIABLE", "is not an engine class"),
    ],
)
def test_a_bad_engine_path_is_a_clear_error_naming_the_setting(settings, path, message):
    settings.RENDER_ENGINE = path
    with pytest.raises(ImproperlyConfigured, match=message):
        engine_class()


def _start_worker(queues: str, engine: str, *, until: str) -> tuple[int | None, str]:
    from tests.fixtures import worker_command, worker_env

    env = {**worker_env(), "RENDER_ENGINE": engine}
    proc = subprocess.Popen(
        worker_command(queues=queues, name=f"bad-engine-{queues}"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        for line in proc.stdout:
            output.append(line)
            if until in line:
                break
    finally:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        output.append(proc.stdout.read())
    return proc.returncode, "".join(output)


@pytest.mark.worker
@pytest.mark.django_db
def test_a_render_worker_with_a_bad_engine_refuses_to_start(_broker_ready):
    code, output = _start_worker("render-bad", "tests.engines.NoSuchEngine", until="ready.")
    assert code not in (0, None) and "ready." not in output
    assert "The render worker cannot start: RENDER_ENGINE='tests.engines.NoSuchEngine' cannot be imported" in output


@pytest.mark.worker
@pytest.mark.django_db
def test_a_worker_of_the_default_queue_only_does_not_import_the_engine(_broker_ready):
    code, output = _start_worker("default", "tests.engines.NoSuchEngine", until="ready.")
    assert "ready." in output and "RENDER_ENGINE" not in output
