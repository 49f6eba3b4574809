"""Read model presets from TOML files and check every field, naming the file, the preset and the field.

Pure Python (tomllib, no torch, no Django): the web process loads the same files as the workers. Classes
and callables are looked up without importing them (their module's source is found on the path and read),
so checking a file never imports torch or diffusers; the worker imports them when it loads the model.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import presets as rules

SHIPPED_FILE = Path(__file__).resolve().parent / "presets.toml"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")
CALLABLE_PATTERN = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
DOTTED_PATTERN = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
DTYPES = ("float32", "float16", "bfloat16")
BACKENDS = ("pipeline_class", "callable", "endpoint")

# field: (type, required); int fields refuse booleans, float fields take integers too.
FIELDS: dict[str, tuple[type, bool]] = {
    "label": (str, True),
    "pipeline_class": (str, False),
    "source": (str, False),
    "revision": (str, False),
    "callable": (str, False),
    "endpoint": (str, False),
    "endpoint_token_env": (str, False),
    "image_pipeline_class": (str, False),
    "size_multiple": (int, True),
    "frame_multiple": (int, True),
    "fps": (int, True),
    "steps": (int, True),
    "guidance": (float, True),
    "max_sequence_length": (int, False),
    "dtype": (str, False),
    "sizes": (list, False),
    "max_frames": (int, False),
    "x264_preset": (str, False),
    "vae_tiling": (bool, False),
    "offload": (str, False),
    "compile": (bool, False),
    "memory_gib": (float, False),
}
TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list"}
# field: (lowest, highest) for the numbers
BOUNDS: dict[str, tuple[float, float]] = {
    "size_multiple": (1, 256),
    "frame_multiple": (1, 64),
    "fps": (1, 120),
    "steps": (1, 500),
    "guidance": (0.0, 50.0),
    "max_sequence_length": (1, 8192),
    "max_frames": (0, 10_000),
    "memory_gib": (0.0, 4096.0),
}


class PresetFileError(ValueError):
    """A presets file that cannot be used; the message names the file, the preset and the field."""


def _rules():
    """generation.runtime.presets, which loads the shipped file through this module as it is imported."""
    return importlib.import_module(f"{__package__}.presets")


def load_files(paths: list[Path | str]) -> dict[str, rules.Preset]:
    """Every preset of the files in order (a later file's entry replaces an earlier one of the same key)."""
    presets: dict[str, rules.Preset] = {}
    for path in paths:
        presets.update(load_file(Path(path)))
    if not presets:
        raise PresetFileError(f"No presets in {', '.join(str(p) for p in paths) or 'no file'}: define at least one.")
    return presets


def load_file(path: Path) -> dict[str, rules.Preset]:
    """The presets one TOML file defines under [presets.<key>] tables, each checked field by field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PresetFileError(f"{path}: the presets file does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetFileError(f"{path}: the presets file cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PresetFileError(f"{path}: not valid TOML: {exc}") from None
    if unknown := sorted(set(data) - {"presets"}):
        raise PresetFileError(f"{path}: unknown top-level key {unknown[0]!r}; presets go in [presets.<key>] tables.")
    tables = data.get("presets")
    if not isinstance(tables, dict) or not tables:
        raise PresetFileError(f"{path}: no [presets.<key>] tables.")
    return {key: _preset(path, key, table) for key, table in tables.items()}


def _preset(path: Path, key: str, table: Any) -> rules.Preset:
    rules = _rules()
    where = f"{path}: preset {key!r}"
    if not KEY_PATTERN.match(key):
        raise PresetFileError(f"{where}: the key must be 1-32 lowercase letters, digits, '.', '_' or '-'.")
    if not isinstance(table, dict):
        raise PresetFileError(f"{where}: must be a table of fields.")
    for name in table:
        if name not in FIELDS:
            hint = ' (a key with dots is quoted: [presets."a.b"])' if isinstance(table[name], dict) else ""
            raise PresetFileError(f"{where}: unknown field {name!r}{hint}; known fields: {', '.join(FIELDS)}.")
    values: dict[str, Any] = {}
    for name, (kind, required) in FIELDS.items():
        if name not in table:
            if required:
                raise PresetFileError(f"{where}: field {name!r} is missing.")
            continue
        value = table[name]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise PresetFileError(f"{where}: field {name!r} must be {TYPE_NAMES[kind]}, not {value!r}.")
        if name in BOUNDS and not BOUNDS[name][0] <= value <= BOUNDS[name][1]:
            low, high = BOUNDS[name]
            raise PresetFileError(f"{where}: field {name!r} must be {low} to {high}, not {value}.")
        values[name] = value
    _check_choices(where, values)
    _check_backend(where, path, values)
    if "sizes" in values:
        values["sizes"] = _sizes(where, values["sizes"], values["size_multiple"])
    preset = rules.Preset(key=key, **values)
    if not preset.durations():
        raise PresetFileError(f"{where}: field 'max_frames' ({preset.max_frames}) allows no clip of 1 s or more.")
    if not preset.sizes and (preset.size_multiple > min(rules.MAX_WIDTH, rules.MAX_HEIGHT)):
        raise PresetFileError(
            f"{where}: field 'size_multiple' leaves no size up to {rules.MAX_WIDTH}x{rules.MAX_HEIGHT}."
        )
    return preset


def _check_choices(where: str, values: dict[str, Any]) -> None:
    rules = _rules()
    for name, choices in (("dtype", DTYPES), ("x264_preset", rules.X264_PRESETS), ("offload", rules.OFFLOAD_MODES)):
        if name in values and values[name] not in choices:
            raise PresetFileError(f"{where}: field {name!r} must be one of {', '.join(choices)}, not {values[name]!r}.")


def _check_backend(where: str, path: Path, values: dict[str, Any]) -> None:
    named = [name for name in BACKENDS if values.get(name)]
    if len(named) != 1:
        raise PresetFileError(
            f"{where}: name exactly one of the fields 'pipeline_class' (a diffusers pipeline), 'callable' "
            f"(package.module:function) or 'endpoint' (an HTTP inference server); found "
            f"{', '.join(repr(n) for n in named) or 'none'}."
        )
    if values.get("pipeline_class"):
        _check_class(where, "pipeline_class", values["pipeline_class"])
        source = values.get("source", "")
        if source.startswith(("./", "../", "~")):  # a folder beside the file
            values["source"] = str((path.parent / Path(source).expanduser()).resolve())
    elif values.get("source"):
        raise PresetFileError(f"{where}: field 'source' is for a 'pipeline_class' preset only.")
    if values.get("image_pipeline_class"):
        _check_class(where, "image_pipeline_class", values["image_pipeline_class"])
    if values.get("callable"):
        target = values["callable"]
        if not CALLABLE_PATTERN.match(target):
            raise PresetFileError(f"{where}: field 'callable' must look like package.module:function, not {target!r}.")
        module, _, function = target.partition(":")
        _check_defined(where, "callable", module, function)
    if values.get("endpoint"):
        if not re.match(r"^https?://[^\s/]+(/\S*)?$", values["endpoint"]):
            raise PresetFileError(f"{where}: field 'endpoint' must be an http:// or https:// URL.")
    elif values.get("endpoint_token_env"):
        raise PresetFileError(f"{where}: field 'endpoint_token_env' is for an 'endpoint' preset only.")


def _check_class(where: str, field: str, name: str) -> None:
    """A diffusers class name, or the dotted path of a class: found without importing it."""
    if DOTTED_PATTERN.match(name):
        module, _, attr = name.rpartition(".")
        _check_defined(where, field, module, attr)
    elif name.isidentifier():
        if importlib.util.find_spec("diffusers") is None:
            return  # a web-only install: the workers, which have diffusers, check it when they start
        _check_defined(where, field, "diffusers", name)
    else:
        raise PresetFileError(
            f"{where}: field {field!r} must be a diffusers class name or a dotted path, not {name!r}."
        )


def _check_defined(where: str, field: str, module: str, name: str) -> None:
    source = _module_file(module)
    if source is None:
        raise PresetFileError(f"{where}: field {field!r}: the module {module!r} cannot be found on the Python path.")
    try:
        names = _names(source)
    except PresetFileError as exc:
        raise PresetFileError(f"{where}: field {field!r}: {exc}") from None
    if name not in names:
        raise PresetFileError(f"{where}: field {field!r}: {module!r} defines no {name!r}.")


def _module_file(dotted: str) -> Path | None:
    """The source file of a module, found on the path without running it or its packages."""
    first, *rest = dotted.split(".")
    try:
        spec = importlib.util.find_spec(first)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if not rest:
        return Path(spec.origin) if spec.origin and spec.origin.endswith(".py") else None
    locations = list(spec.submodule_search_locations or [])
    for i, part in enumerate(rest):
        last = i == len(rest) - 1
        found = None
        for folder in map(Path, locations):
            if (folder / part / "__init__.py").is_file():
                found = folder / part / "__init__.py"
                locations = [str(folder / part)]
                break
            if last and (folder / f"{part}.py").is_file():
                found = folder / f"{part}.py"
                break
        if found is None:
            return None
        if last:
            return found
    return None


@functools.lru_cache(maxsize=64)
def _names(source: Path) -> frozenset[str]:
    """Names a module binds at top level, and the string constants of a lazy module's import table."""
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        raise PresetFileError(f"{source}: cannot be read as Python: {exc}") from None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    if "_import_structure" in names:  # diffusers' lazy modules list their names as strings
        names.update(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str))
    return frozenset(names)


def _sizes(where: str, sizes: list, multiple: int) -> tuple[tuple[int, int], ...]:
    rules = _rules()
    pairs = []
    for item in sizes:
        if not (isinstance(item, list) and len(item) == 2 and all(type(v) is int for v in item)):
            raise PresetFileError(f"{where}: field 'sizes' must be a list of [width, height] pairs, not {item!r}.")
        width, height = item
        largest = rules.MAX_WIDTH, rules.MAX_HEIGHT
        if not (0 < width <= largest[0] and 0 < height <= largest[1]) or width % multiple or height % multiple:
            raise PresetFileError(
                f"{where}: field 'sizes': {width}x{height} must be positive, at most {largest[0]}x{largest[1]} and "
                f"multiples of size_multiple ({multiple})."
            )
        pairs.append((width, height))
    if not pairs:
        raise PresetFileError(f"{where}: field 'sizes' is empty; leave it out to allow every size.")
    return tuple(pairs)
