"""deploy/: the systemd units pass `systemd-analyze verify`, the nginx site passes `nginx -t`, and the site
served through nginx -> gunicorn (both with the deploy files) answers a page, a static file, a protected video
with a Range request (nginx sends it once Django has checked the permission), and /metrics summed over the
gunicorn workers.

The files name production paths (/srv/vernissage/...); each test copies them with those paths, ports and the
certificate pointed at this run's folders, and changes nothing else."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures import ROOT, worker_env

DEPLOY = ROOT / "deploy"
VENV = Path(sys.executable).parent.parent
UNITS = sorted((DEPLOY / "systemd").iterdir())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_procfile_names_the_four_processes_and_honcho_reads_it():
    names = [line.split(":", 1)[0] for line in (DEPLOY / "Procfile").read_text().splitlines() if line[:1].isalpha()]
    assert names == ["web", "render", "default", "beat"]  # web first: honcho gives it $PORT
    assert os.path.realpath(ROOT / "Procfile") == str(DEPLOY / "Procfile")
    checked = subprocess.run(
        [str(VENV / "bin" / "honcho"), "-f", "deploy/Procfile", "-d", ".", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0 and "web, render, default, beat" in checked.stderr + checked.stdout
    assert "honcho -f deploy/Procfile" in (ROOT / "bin" / "run").read_text()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_systemd_units_verify(tmp_path):
    for unit in UNITS:
        text = unit.read_text().replace("/srv/vernissage/app", str(ROOT)).replace("/srv/vernissage/venv", str(VENV))
        (tmp_path / unit.name).write_text(text)
    assert {u.name for u in UNITS} >= {
        "vernissage-web.service",
        "vernissage-render@.service",
        "vernissage-worker.service",
        "vernissage-beat.service",
    }
    names = [u.name for u in UNITS if not u.name.endswith("@.service")] + ["vernissage-render@0.service"]
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    # verify exits 0 on directives it ignores (a typo, a bad value) but names them: both must be clean.
    assert result.returncode == 0 and result.stderr.strip() == "" == result.stdout.strip(), result.stderr
    render = (DEPLOY / "systemd" / "vernissage-render@.service").read_text()
    assert "CUDA_VISIBLE_DEVICES=%i" in render and "-n render-gpu%i@%%h" in render


def nginx_config(tmp_path: Path, *, https_port: int, http_port: int, upstream_port: int, media: Path, static: Path):
    """deploy/nginx/vernissage.conf pointed at this run: ports, certificate, static and media folders, and a
    main nginx.conf around it (its own prefix, pid and logs)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=vernissage.example.org",
        ]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = (DEPLOY / "nginx" / "vernissage.conf").read_text()
    replacements = {
        "server 127.0.0.1:8000": f"server 127.0.0.1:{upstream_port}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/vernissage.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/vernissage.example.org/privkey.pem": str(key),
        "/srv/vernissage/app/staticfiles/": f"{static}/",
        "/srv/vernissage/media/": f"{media}/",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)  # no IPv6 in every sandbox
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "logs").mkdir(exist_ok=True)
    main = tmp_path / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # the media folder of this run is private to its user
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        + "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        + f"  access_log {tmp_path}/logs/access.log;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    return main


def nginx_command(main: Path, *args: str) -> list[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return [nginx, "-p", str(main.parent), "-e", str(main.parent / "logs" / "error.log"), "-c", str(main), *args]


needs_nginx = pytest.mark.skipif(
    (shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists()) or shutil.which("openssl") is None,
    reason="nginx (Debian: apt-get install nginx; .ci/run installs it) and openssl are needed",
)


@needs_nginx
def test_the_nginx_site_passes_nginx_t(tmp_path, settings):
    main = nginx_config(
        tmp_path,
        https_port=free_port(),
        http_port=free_port(),
        upstream_port=free_port(),
        media=Path(settings.MEDIA_ROOT),
        static=Path(settings.STATIC_ROOT),
    )
    result = subprocess.run(nginx_command(main, "-t"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing on port {port} within {timeout}s:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@needs_nginx
@pytest.mark.django_db(transaction=True)
def test_the_site_through_nginx_and_gunicorn_serves_a_page_static_files_and_a_protected_video(
    tmp_path, settings, artist
):
    from django.core.management import call_command

    from approvals.gate import Publication
    from tests.factories import make_clip

    call_command("collectstatic", interactive=False, verbosity=0)
    clip = make_clip(artist, publication=Publication.PUBLISHED)
    private = make_clip(artist)
    video = (Path(settings.MEDIA_ROOT) / clip.video.name).read_bytes()
    assert len(video) > 300

    upstream, https_port = free_port(), free_port()
    main = nginx_config(
        tmp_path,
        https_port=https_port,
        http_port=free_port(),
        upstream_port=upstream,
        media=Path(settings.MEDIA_ROOT),
        static=Path(settings.STATIC_ROOT),
    )
    env = worker_env() | {
        "VERNISSAGE_WEB_BIND": f"127.0.0.1:{upstream}",
        "VERNISSAGE_WEB_WORKERS": "2",
        "VERNISSAGE_WEB_THREADS": "2",
        "VERNISSAGE_MEDIA_HANDOFF": "x-accel",
        "DJANGO_BEHIND_PROXY": "1",
        "DJANGO_ALLOWED_HOSTS": "vernissage.example.org",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    web_log = tmp_path / "gunicorn.log"
    with web_log.open("w") as out:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    nginx_log = tmp_path / "nginx.out"
    with nginx_log.open("w") as out:
        front = subprocess.Popen(nginx_command(main, "-g", "daemon off;"), stdout=out, stderr=subprocess.STDOUT)
    context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    context.check_hostname = False

    def get(path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=30, context=context)
        try:
            conn.request("GET", path, headers={"Host": "vernissage.example.org", **headers})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    try:
        wait_for_port(upstream, web, web_log)
        wait_for_port(https_port, front, nginx_log)

        page, body = get("/")
        assert page.status == 200 and page.getheader("Server", "").startswith("nginx"), body[:500]
        assert b"<html" in body and page.getheader("X-Request-ID")

        static, css = get("/static/css/app.css")
        assert static.status == 200 and css == (ROOT / "static" / "css" / "app.css").read_bytes()
        assert "immutable" in static.getheader("Cache-Control", "")

        url = clip.video_src
        assert url.startswith("/media/") and "?v=" in url
        ranged, part = get(url, Range="bytes=100-299")
        assert ranged.status == 206, part[:300]
        assert part == video[100:300] and ranged.getheader("Content-Range") == f"bytes 100-299/{len(video)}"
        assert ranged.getheader("X-Accel-Redirect") is None  # nginx consumed it: the file came from nginx
        assert ranged.getheader("Content-Type") == "video/mp4"
        whole, full = get(url)
        assert whole.status == 200 and full == video
        hidden, _ = get("/protected-media/" + clip.video.name)
        assert hidden.status == 404  # internal: not reachable from outside
        refused, _ = get(private.video_src, Range="bytes=0-99")
        assert refused.status in (403, 404)  # a private clip's video is not for an anonymous visitor

        plain = http.client.HTTPConnection("127.0.0.1", https_port, timeout=10)
        plain.request("GET", "/")
        assert plain.getresponse().status == 400  # plain HTTP on the TLS port
        plain.close()

        # /metrics from this machine, through nginx: both gunicorn workers' request counters, summed.
        for _ in range(6):
            get("/healthz")
        metrics, text = get("/metrics")
        assert metrics.status == 200, text[:300]
        lines = text.decode().splitlines()
        assert any(line.startswith("vernissage_render_jobs{") for line in lines)
        served = [
            float(line.rsplit(" ", 1)[1])
            for line in lines
            if line.startswith("django_http_responses_total_by_status_total{") and 'status="200"' in line
        ]
        assert sum(served) >= 8, "\n".join(line for line in lines if line.startswith("django_http"))
    finally:
        stop(front)
        stop(web)
    assert "Booting worker" in web_log.read_text()
