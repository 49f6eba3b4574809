#!/usr/bin/env python
"""Guess a password as an attacker's script would: N wrong passwords for one account from one address,
then the right one, then the right one again after the cool-off.

    .venv/bin/python bench/brute_force.py [--attempts 50] [--cooloff-minutes 1] [--url http://host:port]

Without --url it serves the site itself: a fresh SQLite database in a temporary folder, `migrate`, an
artist account, and `manage.py runserver --noreload` on a free port, with the lockout settings given
(VERNISSAGE_LOGIN_FAILURE_LIMIT, VERNISSAGE_LOGIN_COOLOFF_MINUTES). With --url it attacks that site,
whose account --username / --password must exist. Prints each answer's status and timing; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(folder: Path, *, limit: int, cooloff: int, username: str, password: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "VERNISSAGE_VAR_DIR": str(folder),
        "VERNISSAGE_LOGIN_FAILURE_LIMIT": str(limit),
        "VERNISSAGE_LOGIN_COOLOFF_MINUTES": str(cooloff),
        "PORT": str(port),
        "DATABASE_URL": "",
        "DJANGO_DEBUG": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    create = (
        "from django.contrib.auth import get_user_model;"
        f"get_user_model().objects.create_user({username!r}, f'{username}@example.test', {password!r})"
    )
    subprocess.run([*manage, "shell", "-c", create], cwd=ROOT, env=env, check=True)
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return server, url
        except requests.ConnectionError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the server did not start; see {folder / 'server.log'}")


def attempt(session: requests.Session, url: str, username: str, password: str) -> tuple[int, bool, float]:
    """One try through the login form: (status, signed in, seconds)."""
    started = time.monotonic()
    page = session.get(url + LOGIN, timeout=10)
    token = session.cookies.get("csrftoken") or re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    answer = session.post(
        url + LOGIN,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": url + LOGIN},
        allow_redirects=False,
        timeout=10,
    )
    signed_in = answer.status_code == 302 and LOGIN not in answer.headers.get("Location", "")
    return answer.status_code, signed_in, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=50)
    parser.add_argument("--limit", type=int, default=5, help="VERNISSAGE_LOGIN_FAILURE_LIMIT of the served site")
    parser.add_argument("--cooloff-minutes", type=int, default=1)
    parser.add_argument("--url", help="attack this site instead of serving one")
    parser.add_argument("--username", default="north")
    parser.add_argument("--password", default="a right horse battery staple")
    args = parser.parse_args()

    server = None
    with tempfile.TemporaryDirectory(prefix="vernissage-brute-") as tmp:
        if args.url:
            url = args.url.rstrip("/")
        else:
            server, url = serve(
                Path(tmp),
                limit=args.limit,
                cooloff=args.cooloff_minutes,
                username=args.username,
                password=args.password,
            )
            print(f"served at {url}: failure limit {args.limit}, cool-off {args.cooloff_minutes} min")
        try:
            session = requests.Session()
            statuses: list[int] = []
            started = time.monotonic()
            for _ in range(args.attempts):
                status, signed_in, _seconds = attempt(session, url, args.username, "wrong-" + os.urandom(4).hex())
                statuses.append(status)
                if signed_in:
                    print("a wrong password signed in: stop")
                    return
            took = time.monotonic() - started
            first_locked = next((i + 1 for i, s in enumerate(statuses) if s == 429), None)
            print(f"{args.attempts} wrong passwords in {took:.1f} s: answers {dict(Counter(statuses))}")
            print(f"first 429 at try {first_locked}" if first_locked else "never locked")
            status, signed_in, _ = attempt(session, url, args.username, args.password)
            print(f"then the right password: {status}, signed in: {signed_in}")
            locked_at = time.monotonic()
            if not args.url and not signed_in:
                wait = args.cooloff_minutes * 60 + 2
                print(f"waiting {wait} s for the cool-off ...")
                time.sleep(wait)
                session = requests.Session()
                status, signed_in, _ = attempt(session, url, args.username, args.password)
                print(
                    f"the right password {time.monotonic() - locked_at:.0f} s later: {status}, signed in: {signed_in}"
                )
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=20)


if __name__ == "__main__":
    main()
