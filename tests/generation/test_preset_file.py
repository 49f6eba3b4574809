"""Presets files: the shipped one loads; each kind of mistake is refused naming the file, the preset and the
field; a bad file stops the settings with ImproperlyConfigured; the registry follows the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generation.runtime.preset_file import SHIPPED_FILE, PresetFileError, load_file, load_files
from generation.runtime.presets import PRESETS

ROOT = Path(__file__).resolve().parents[2]
CALLABLE = 'callable = "tests.generation.custom_model:render_stripes"'

GOOD = """
[presets.house]
label = "House model"
callable = "tests.generation.custom_model:render_stripes"
size_multiple = 16
frame_multiple = 4
fps = 12
steps = 3
guidance = 1
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "presets.toml"
    path.write_text(text)
    return path


def test_shipped_file_is_the_registry_and_keeps_the_builtin_rules():
    shipped = load_file(SHIPPED_FILE)
    assert shipped == PRESETS
    assert shipped["tiny"].source == "" and shipped["tiny"].x264_preset == "ultrafast"
    assert shipped["cogvideox-2b"].sizes == ((720, 480),) and shipped["cogvideox-2b"].dtype == "float16"
    assert shipped["wan2.2-ti2v-5b"].image_pipeline_class == "WanImageToVideoPipeline"
    assert {p.backend for p in shipped.values()} == {"diffusers"}


def test_a_good_file_gives_a_callable_preset_with_its_rules(tmp_path):
    preset = load_file(write(tmp_path, GOOD))["house"]
    assert preset.backend == "callable" and preset.guidance == 1.0 and isinstance(preset.guidance, float)
    assert preset.plan(duration_s=1, width=64, height=32).num_frames == 13  # 4k+1 >= 12


def test_a_later_file_replaces_an_entry_and_adds_its_own(tmp_path):
    extra = write(tmp_path, GOOD + '\n[presets.tiny]\nlabel = "Tiny, slower"\n' + GOOD.split("\n", 3)[3])
    presets = load_files([SHIPPED_FILE, extra])
    assert presets["tiny"].label == "Tiny, slower" and presets["tiny"].backend == "callable"
    assert "house" in presets and "ltx-video" in presets


def test_a_relative_folder_source_is_beside_the_file(tmp_path):
    text = GOOD.replace('callable = "tests.generation.custom_model:render_stripes"', 'pipeline_class = "LTXPipeline"')
    preset = load_file(write(tmp_path, text + 'source = "./weights"\n'))["house"]
    assert preset.source == str(tmp_path / "weights")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('label = "House model"\n', ""), "preset 'house': field 'label' is missing."),
        (("fps = 12", 'fps = "12"'), "preset 'house': field 'fps' must be an integer, not '12'."),
        (("fps = 12", "fps = true"), "field 'fps' must be an integer, not True."),
        (("steps = 3", "steps = 3\nmood = 'calm'"), "preset 'house': unknown field 'mood'"),
        (("fps = 12", "fps = 0"), "field 'fps' must be 1 to 120, not 0."),
        (("guidance = 1", 'guidance = 1\ndtype = "int8"'), "field 'dtype' must be one of float32, float16, bfloat16"),
        (("guidance = 1", 'guidance = 1\nx264_preset = "quick"'), "field 'x264_preset' must be one of ultrafast"),
        (("guidance = 1", "guidance = 1\nmax_frames = 5"), "field 'max_frames' (5) allows no clip of 1 s or more."),
        (("guidance = 1", "guidance = 1\nsizes = [[100, 64]]"), "field 'sizes': 100x64 must be positive"),
        (("guidance = 1", "guidance = 1\nsizes = [640]"), "field 'sizes' must be a list of [width, height] pairs"),
        (("size_multiple = 16", "size_multiple = 1000"), "field 'size_multiple' must be 1 to 256, not 1000."),
        (
            (CALLABLE, 'callable = "tests.generation.nothing:f"'),
            "field 'callable': the module 'tests.generation.nothing' cannot be found on the Python path.",
        ),
        (
            (CALLABLE, 'callable = "tests.generation.custom_model:f"'),
            "field 'callable': 'tests.generation.custom_model' defines no 'f'.",
        ),
        (
            (CALLABLE, 'callable = "render_stripes"'),
            "field 'callable' must look like package.module:function",
        ),
        (
            (CALLABLE, 'pipeline_class = "NoSuchVideoPipeline"'),
            "preset 'house': field 'pipeline_class': 'diffusers' defines no 'NoSuchVideoPipeline'.",
        ),
        (
            (CALLABLE, 'pipeline_class = "diffusers.nope.XPipeline"'),
            "field 'pipeline_class': the module 'diffusers.nope' cannot be found",
        ),
        (
            ("guidance = 1", 'guidance = 1\nimage_pipeline_class = "NoSuchI2VPipeline"'),
            "field 'image_pipeline_class': 'diffusers' defines no 'NoSuchI2VPipeline'.",
        ),
        (
            ("guidance = 1", 'guidance = 1\nendpoint = "http://models.internal"'),
            "name exactly one of the fields 'pipeline_class'",
        ),
        (
            (CALLABLE, 'endpoint = "ftp://models.internal"'),
            "field 'endpoint' must be an http:// or https:// URL.",
        ),
        (("[presets.house]", "[presets.House]"), "preset 'House': the key must be 1-32 lowercase letters"),
    ],
)
def test_each_mistake_is_refused_naming_the_file_the_preset_and_the_field(tmp_path, change, expected):
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(PresetFileError) as caught:
        load_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[presets.house\nlabel = 1", "not valid TOML"),
        ("house = 1", "unknown top-level key 'house'"),
        ("[presets]", "no [presets.<key>] tables"),
        ("[presets.ltx.v2]\nlabel = 'x'", "unknown field 'v2' (a key with dots is quoted"),
    ],
)
def test_a_broken_file_is_refused_with_its_name(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(PresetFileError, match="presets.toml") as caught:
        load_file(path)
    assert expected in str(caught.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(PresetFileError, match="the presets file does not exist"):
        load_files([tmp_path / "absent.toml"])


def test_a_bad_file_at_start_up_is_improperly_configured_naming_the_field(tmp_path):
    path = write(tmp_path, GOOD.replace("fps = 12", "fps = -1"))
    env = dict(os.environ, RENDER_PRESETS_FILES=f"{SHIPPED_FILE},{path}")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        f"django.core.exceptions.ImproperlyConfigured: RENDER_PRESETS_FILES: {path}: preset 'house': "
        "field 'fps' must be 1 to 120, not -1."
    )


def test_the_registry_follows_the_setting(settings, tmp_path):
    path = write(tmp_path, GOOD)
    settings.RENDER_PRESETS_FILES = [str(SHIPPED_FILE), str(path)]
    assert "house" in PRESETS and "tiny" in PRESETS
    settings.RENDER_PRESETS_FILES = [str(path)]
    assert set(PRESETS) == {"house"}
