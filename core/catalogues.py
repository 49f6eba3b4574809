"""The German catalogues must be complete: `msgfmt --check --statistics` (Debian's gettext) on every .po
under locale/ reports no untranslated and no fuzzy message and no format error; and `compile_catalogues`
writes the .mo files Django reads (build outputs, not committed), as `make run` and `make test` do."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_COUNT = re.compile(r"(\d+) (translated|untranslated|fuzzy) (?:messages?|translations?)")


@dataclass(frozen=True)
class CatalogueReport:
    path: Path
    translated: int
    untranslated: int
    fuzzy: int
    errors: str  # msgfmt's complaints (format mismatches, syntax), empty when none
    statistics: str  # msgfmt's own statistics line

    @property
    def complete(self) -> bool:
        return not self.untranslated and not self.fuzzy and not self.errors and self.translated > 0


def _msgfmt() -> str:
    found = shutil.which("msgfmt")
    if found is None:
        raise RuntimeError("msgfmt is not installed: apt-get install gettext")
    return found


def catalogue_check(path: Path) -> CatalogueReport:
    """msgfmt --check --statistics on one catalogue."""
    done = subprocess.run(
        [_msgfmt(), "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    statistics = next((line for line in lines if "translated message" in line), "")
    counts = {kind: int(n) for n, kind in _COUNT.findall(statistics)}
    errors = "\n".join(
        line for line in lines if line != statistics and "PO-Revision-Date" not in line and "warning:" not in line
    )
    if done.returncode and not errors:
        errors = f"msgfmt exited with {done.returncode}"
    return CatalogueReport(
        path, counts.get("translated", 0), counts.get("untranslated", 0), counts.get("fuzzy", 0), errors, statistics
    )


def catalogues(root: Path) -> list[Path]:
    return sorted(root.glob("*/LC_MESSAGES/*.po"))


def compile_catalogues(root: Path) -> list[Path]:
    """Write each .mo next to its .po when it is missing or older; returns those written."""
    written = []
    for po in catalogues(root):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run([_msgfmt(), "--check", "-o", str(mo), str(po)], check=True, capture_output=True)
            written.append(mo)
    return written
