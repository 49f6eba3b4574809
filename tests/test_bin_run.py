"""`make run` (bin/run): honcho starts the processes of deploy/Procfile (the web line is gunicorn with a fixed
pool, and survives a storm); `bin/run --supervise` runs the same file under bin/supervise.py, where a killed
worker is started again, the others keep running, and stopping the supervisor stops every child."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.fixtures import ROOT, worker_env


def procfile_env(**extra: str) -> dict[str, str]:
    """The environment bin/run gives deploy/Procfile's commands: the virtualenv's bin/ first on PATH."""
    env = dict(os.environ) | extra
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


class Supervised:
    """bin/supervise.py (or, with `command`, another starter such as honcho) running in a subprocess; its
    output collected line by line."""

    def __init__(self, *args: str, env: dict[str, str], command: list[str] | None = None) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [*(command or [sys.executable, "bin/supervise.py"]), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def wait_for(self, pattern: str, *, timeout: float, after: int = 0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if match := re.search(pattern, line):
                    return match
            time.sleep(0.05)
        raise TimeoutError(f"no {pattern!r} within {timeout}s:\n" + "\n".join(self.lines))

    def pids(self, name: str) -> list[int]:
        return [int(m.group(1)) for line in self.lines if (m := re.search(rf"started {name} \(pid (\d+)\)", line))]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie not yet reaped counts as gone.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" in status.read_text()


def _wait_gone(pid: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.1)
    return False


def test_a_killed_child_is_started_again_and_stop_ends_every_child(tmp_path):
    procfile = tmp_path / "processes"
    sleeper = '"$PYTHON" -c "import time; time.sleep(300)"'
    procfile.write_text(f"# two long-running children\none: {sleeper}\n\ntwo: {sleeper}\n")
    supervised = Supervised(str(procfile), "--restart-delay", "0.2", env=dict(os.environ))
    try:
        supervised.wait_for(r"started two", timeout=10)
        (first,), (other,) = supervised.pids("one"), supervised.pids("two")
        os.kill(first, signal.SIGKILL)
        supervised.wait_for(r"one exited with signal 9 after .*restarting it in 0.2 s", timeout=10)
        supervised.wait_for(rf"started one \(pid (?!{first}\))", timeout=10)
        assert len(supervised.pids("one")) == 2 and supervised.pids("two") == [other]
        assert not _gone(other), "the other child keeps running"
        restarted = supervised.pids("one")[1]
        assert not _gone(restarted)
    finally:
        code = supervised.stop()
    assert code == 0
    assert _wait_gone(restarted, 5) and _wait_gone(other, 5)
    supervised.wait_for(r"stopped", timeout=1)


def test_a_child_exiting_at_once_is_restarted_with_a_growing_delay(tmp_path):
    procfile = tmp_path / "processes"
    procfile.write_text('flaky: "$PYTHON" -c "raise SystemExit(3)"\n')
    supervised = Supervised(str(procfile), "--restart-delay", "0.1", "--max-delay", "0.4", env=dict(os.environ))
    try:
        supervised.wait_for(r"flaky exited with status 3 .* in 0.4 s", timeout=15)
        delays = [float(m) for m in re.findall(r"restarting it in ([\d.]+) s", "\n".join(supervised.lines))]
        assert delays[:3] == [0.1, 0.2, 0.4]
    finally:
        assert supervised.stop() == 0


def test_a_bad_process_file_line_is_named(tmp_path):
    procfile = tmp_path / "processes"
    procfile.write_text("web: ok\nthis is not a process\n")
    result = subprocess.run(
        [sys.executable, "bin/supervise.py", str(procfile)], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert result.returncode != 0 and f"{procfile}:2: expected `NAME: COMMAND`" in result.stderr


@pytest.mark.worker
def test_bin_run_starts_a_killed_housekeeping_worker_again(tmp_path, django_db_setup, _broker_ready):
    """`bin/run --supervise` over the real process list: the `default` worker of deploy/Procfile, killed, comes
    back and answers a ping."""
    app = _broker_ready
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    env = procfile_env(**worker_env(), PORT="8765")
    supervised = Supervised("deploy/Procfile", "--only", "default", "--restart-delay", "0.5", env=env)

    def ready_count() -> int:
        return "\n".join(supervised.lines).count("ready.")

    def wait_ready(count: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while ready_count() < count:
            if time.monotonic() > deadline:
                raise TimeoutError("\n".join(supervised.lines))
            time.sleep(0.2)

    try:
        wait_ready(1)
        (first,) = supervised.pids("default")
        os.kill(first, signal.SIGKILL)
        supervised.wait_for(r"default exited with signal 9", timeout=10)
        supervised.wait_for(rf"started default \(pid (?!{first}\))", timeout=10)
        wait_ready(2)
        name = f"default@{socket.gethostname()}"
        replies = app.control.ping(destination=[name], timeout=5)
        assert any(name in reply for reply in replies), replies
    finally:
        assert supervised.stop() == 0
    assert all(_wait_gone(pid, 10) for pid in supervised.pids("default"))


def test_the_web_process_is_gunicorn_with_a_fixed_pool_and_survives_a_storm(tmp_path):
    """deploy/Procfile's web line as `make run` starts it (honcho): gunicorn, VERNISSAGE_WEB_WORKERS processes
    of VERNISSAGE_WEB_THREADS threads (so at most that many database connections), answering 200 to a burst
    far wider than its threads; a process that exits stops honcho, which says so."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    port = 8856
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    env = procfile_env() | {
        "VERNISSAGE_WEB_ACCESS_LOG": str(log_dir / "web-access.log"),
        "PORT": str(port),
        "VERNISSAGE_VAR_DIR": str(tmp_path),
        "VERNISSAGE_SQLITE_PATH": str(tmp_path / "web.sqlite3"),
        "VERNISSAGE_WEB_WORKERS": "2",
        "VERNISSAGE_WEB_THREADS": "3",
    }
    env.pop("DATABASE_URL", None)
    honcho = [str(Path(sys.executable).parent / "honcho"), "--no-colour", "-f", "deploy/Procfile", "-d", "."]
    supervised = Supervised("start", "web", env=env, command=honcho)

    def get(_: int = 0) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            return response.status, response.getheader("Server", "")
        finally:
            conn.close()

    try:
        supervised.wait_for(r"Booting worker", timeout=30)
        deadline = time.monotonic() + 30
        while True:
            try:
                status, server = get()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert status == 200 and server == "gunicorn"
        assert len(re.findall(r"Booting worker with pid", "\n".join(supervised.lines))) == 2
        assert "Using worker: gthread" in "\n".join(supervised.lines)
        with ThreadPoolExecutor(max_workers=48) as pool:
            answers = list(pool.map(get, range(240)))
        assert {status for status, _ in answers} == {200}
        assert (log_dir / "web-access.log").read_text().count('"GET /healthz HTTP/1.1" 200') >= 241
    finally:
        assert supervised.stop() == 143  # honcho's status when it is sent SIGTERM
    assert re.search(r"web\.1 stopped \(rc=", "\n".join(supervised.lines))


def test_honcho_stops_every_process_once_one_exits(tmp_path):
    """`make run`'s honcho, like a platform: a process that exits stops the others, and honcho says which."""
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        'stays: python -c "import time; time.sleep(300)"\n'
        'leaves: python -c "import sys, time; time.sleep(1); sys.exit(3)"\n'
    )
    honcho = [str(Path(sys.executable).parent / "honcho"), "--no-colour", "-f", str(procfile), "-d", str(tmp_path)]
    run = Supervised("start", env=procfile_env(), command=honcho)
    assert run.proc.wait(timeout=30) == 3
    run.wait_for(r"leaves\.1 stopped \(rc=3\)", timeout=5)
    run.wait_for(r"sending SIGTERM to stays\.1", timeout=5)
    run.wait_for(r"stays\.1 stopped", timeout=5)
