#!/usr/bin/env python3
"""Start every process of a process file and keep them running: one that exits is started again.

    python bin/supervise.py [--only NAME[,NAME]] [--restart-delay S] [--max-delay S] deploy/Procfile

A process file has one `NAME: COMMAND` per line (`#` comments and blank lines are skipped); /bin/sh
execs each command (a program with its arguments and redirections, so that the child is the program
itself) in its own session, with the supervisor's environment plus PYTHON (the
interpreter running this script, when unset). A child that exits, whatever its status, is started
again after `--restart-delay` seconds, doubled for each exit in a row within `--stable-after` seconds
of its start, up to `--max-delay`. Ctrl-C or SIGTERM stops every child (SIGTERM, then SIGKILL after
`--grace` seconds) and ends the supervisor. Standard library only. `bin/run --supervise` uses it on
deploy/Procfile, the file `make run` otherwise starts with honcho (which stops everything when one process
exits: it has no restart).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def _die_with_supervisor() -> None:
    """In the child, before exec: Linux sends it SIGTERM if the supervisor itself dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} supervise | {message}", flush=True)


def read_process_file(path: Path) -> list[tuple[str, str]]:
    """The (name, command) pairs of a process file, in order; a malformed line stops with its number."""
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, command = line.partition(":")
        if not sep or not name.strip().isidentifier() or not command.strip():
            raise SystemExit(f"{path}:{number}: expected `NAME: COMMAND`, not {line!r}")
        entries.append((name.strip(), command.strip()))
    return entries


@dataclass
class Child:
    name: str
    command: str
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_exits: int = 0
    restart_at: float | None = field(default=None)

    def start(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {self.command}"], env=env, start_new_session=True, preexec_fn=_die_with_supervisor
        )
        self.started_at, self.restart_at = time.monotonic(), None
        say(f"started {self.name} (pid {self.proc.pid})")

    def signal(self, signum: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signum)
            except ProcessLookupError:
                pass


class Supervisor:
    def __init__(self, entries: list[tuple[str, str]], args: argparse.Namespace) -> None:
        self.children = [Child(name, command) for name, command in entries]
        self.args = args
        self.env = {**os.environ, "PYTHON": os.environ.get("PYTHON") or sys.executable}
        self.stopping = False

    def _stop_requested(self, signum: int, _frame: object) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._stop_requested)
        signal.signal(signal.SIGTERM, self._stop_requested)
        for child in self.children:
            child.start(self.env)
        while not self.stopping:
            now = time.monotonic()
            for child in self.children:
                self._watch(child, now)
            time.sleep(0.2)
        self.stop()
        return 0

    def _watch(self, child: Child, now: float) -> None:
        if child.restart_at is not None:
            if now >= child.restart_at:
                child.start(self.env)
            return
        assert child.proc is not None
        code = child.proc.poll()
        if code is None:
            return
        ran = now - child.started_at
        child.quick_exits = child.quick_exits + 1 if ran < self.args.stable_after else 1
        delay = min(self.args.max_delay, self.args.restart_delay * 2 ** (child.quick_exits - 1))
        how = f"signal {-code}" if code < 0 else f"status {code}"
        say(f"{child.name} exited with {how} after {ran:.1f} s; restarting it in {delay:g} s")
        child.restart_at = now + delay

    def stop(self) -> None:
        say("stopping every process...")
        running = [c for c in self.children if c.proc is not None and c.restart_at is None]
        for child in running:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + self.args.grace
        for child in running:
            assert child.proc is not None
            try:
                child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{child.name} did not stop within {self.args.grace:g} s; killing it")
                child.signal(signal.SIGKILL)
                child.proc.wait()
        say("stopped")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("process_file", type=Path)
    parser.add_argument("--only", default="", help="comma-separated names: start only these")
    parser.add_argument("--restart-delay", type=float, default=1.0, help="seconds before the first restart")
    parser.add_argument("--max-delay", type=float, default=30.0, help="longest wait between restarts")
    parser.add_argument("--stable-after", type=float, default=60.0, help="a child up this long starts afresh")
    parser.add_argument("--grace", type=float, default=20.0, help="seconds a child has to stop on SIGTERM")
    return parser.parse_args()


def main() -> int:
    args = parse()
    entries = read_process_file(args.process_file)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = wanted - {name for name, _ in entries}
        if unknown:
            raise SystemExit(f"not in {args.process_file}: {', '.join(sorted(unknown))}")
        entries = [(name, command) for name, command in entries if name in wanted]
    return Supervisor(entries, args).run()


if __name__ == "__main__":
    sys.exit(main())
