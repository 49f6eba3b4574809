"""Email leaves through a Celery task after commit (a real worker sends it), with the SMTP login, TLS/SSL
and timeout of the settings, and bodies from templates/email/*.txt."""

from __future__ import annotations

import base64
import smtplib
import socket
import socketserver
import subprocess
import sys
import threading
import time

import pytest
from django.core import mail
from django.db import transaction

from core.mail import RETRYABLE, SWEEP_AFTER, email_send, mail_deliver, mail_send, mail_sweep, send_mail_task
from core.models import OutgoingEmail
from tests.fixtures import ROOT, mail_folder, wait_until


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT) to record what a client sends."""

    def handle(self) -> None:
        server = self.server
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-test\r\n250 AUTH PLAIN\r\n")
            elif verb == "AUTH":
                _, user, password = base64.b64decode(command.split()[2]).split(b"\0")
                server.logins.append((user.decode(), password.decode()))  # type: ignore[attr-defined]
                self.wfile.write(b"235 ok\r\n")
            elif verb == "DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                server.messages.append(data.decode())  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.logins, server.messages = [], []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.worker
def test_an_invitation_is_emailed_by_the_worker_after_commit(live_worker, settings):
    from accounts.services.invitations import invitation_create

    settings.EMAIL_QUEUE = True
    before = set(mail_folder().glob("*")) if mail_folder().exists() else set()
    with transaction.atomic():
        issued = invitation_create(email="painter@example.test")
        time.sleep(1)
        assert not mail_folder().exists() or set(mail_folder().glob("*")) == before, "nothing before commit"
    assert mail.outbox == [], "the request process sends nothing itself"

    def sent() -> str:
        texts = [p.read_text() for p in mail_folder().glob("*") if p not in before] if mail_folder().exists() else []
        return next((t for t in texts if "painter@example.test" in t), "")

    text = wait_until(sent, timeout=60, message="the worker's email")
    assert "Subject: You are invited to Vernissage" in text and issued.url in text
    assert "Accept within 7 days:" in text and "The link works once" in text
    assert "core.mail.send" in live_worker.output()


def _queued(**fields) -> OutgoingEmail:
    from core import clock

    values = {"to": ["a@example.test"], "subject": "Hello", "body": "Body text\n"}
    values.update(fields)
    return OutgoingEmail.objects.create(created_at=clock.now(), updated_at=clock.now(), **values)


@pytest.mark.django_db
def test_the_task_logs_in_to_the_smtp_server_with_the_settings(smtp_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.server_address[1]
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "vernissage", "s3cret-smtp"
    email = _queued()
    result = send_mail_task.apply(args=[email.id])
    assert result.get() == 1
    assert smtp_server.logins == [("vernissage", "s3cret-smtp")]
    assert "Subject: Hello" in smtp_server.messages[0] and "Body text" in smtp_server.messages[0]


def test_a_silent_smtp_server_fails_within_the_timeout_and_the_task_retries_it(settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts, never greets
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", listener.getsockname()[1], 1
    started = time.monotonic()
    try:
        with pytest.raises((OSError, smtplib.SMTPException)) as failure:
            mail_deliver(subject="Hello", body="x", to=["a@example.test"])
    finally:
        listener.close()
    assert "timed out" in str(failure.value)
    assert time.monotonic() - started < 5
    assert isinstance(failure.value, RETRYABLE) and send_mail_task.max_retries >= 5


@pytest.mark.django_db
def test_inline_sending_logs_a_failure_never_raises_and_keeps_the_message(settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    assert mail_send(to=["a@example.test"], subject="Hi", template="email/notification.txt", on_commit=False)
    email = OutgoingEmail.objects.get()
    assert f"Email {email.id} was not sent now; it stays in the outbox" in caplog.text
    assert (email.status, email.attempts) == (
        OutgoingEmail.Status.QUEUED,
        1,
    ) and "ConnectionRefused" in email.last_error


@pytest.mark.django_db
def test_bodies_come_from_templates_as_plain_text():
    mail_send(
        to=["a@example.test", "", "a@example.test"],
        subject="Note",
        template="email/notification.txt",
        context={"message": "Tom & Jerry's <clip>", "url": "http://127.0.0.1:8000/clips/1/?a=1&b=2"},
        on_commit=False,
    )
    (message,) = mail.outbox
    assert message.to == ["a@example.test"]
    assert message.body == "Tom & Jerry's <clip>\n\nhttp://127.0.0.1:8000/clips/1/?a=1&b=2\n"
    assert mail_send(to=[""], subject="Nobody", template="email/notification.txt") is False


def _settings_probe(env_extra: dict[str, str], code: str) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, **env_extra}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; " + code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_smtp_login_tls_and_timeout_come_from_the_environment():
    result = _settings_probe(
        {
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST_USER": "mailer",
            "DJANGO_EMAIL_HOST_PASSWORD": "pw",
            "DJANGO_EMAIL_USE_TLS": "1",
            "DJANGO_EMAIL_TIMEOUT": "7",
            "PORT": "8123",
        },
        "from django.core.mail import get_connection; c = get_connection(); "
        "print(c.username, c.password, c.use_tls, c.use_ssl, c.timeout, settings.SITE_URL)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["mailer", "pw", "True", "False", "7", "http://127.0.0.1:8123"]
    both = _settings_probe({"DJANGO_EMAIL_USE_TLS": "1", "DJANGO_EMAIL_USE_SSL": "1"}, "print(1)")
    assert both.returncode != 0 and "not both" in both.stderr


@pytest.mark.django_db
def test_a_second_delivery_sends_nothing_and_the_body_is_cleared_once_sent():
    email = _queued(body="Reset: http://127.0.0.1:8000/reset/abc/\n")
    assert send_mail_task.apply(args=[email.id]).get() == 1
    assert send_mail_task.apply(args=[email.id]).get() == 0
    assert len(mail.outbox) == 1 and "reset/abc" in mail.outbox[0].body
    email.refresh_from_db()
    assert (email.status, email.body, email.attempts) == (OutgoingEmail.Status.SENT, "", 1) and email.sent_at


@pytest.mark.django_db(transaction=True)
def test_nothing_is_stored_or_sent_for_a_rolled_back_transaction():
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        mail_send(to=["a@example.test"], subject="Hi", template="email/notification.txt")
        raise Undo
    assert not OutgoingEmail.objects.exists() and mail.outbox == []


@pytest.mark.django_db
def test_the_sweep_sends_a_lost_message_and_frees_one_a_killed_worker_was_sending(monkeypatch):
    from django.utils import timezone

    start = timezone.now()
    moment = [start]
    monkeypatch.setattr("core.clock._now", lambda: moment[0])
    lost, stuck = _queued(subject="Lost"), _queued(subject="Stuck")
    OutgoingEmail.objects.filter(id=stuck.id).update(status=OutgoingEmail.Status.SENDING)
    _queued(subject="Given up", attempts=9)
    moment[0] = start + SWEEP_AFTER / 2
    fresh = _queued(subject="Fresh")
    assert mail_sweep() == {"freed": 0, "resent": 0, "failed": 0}
    moment[0] = start + SWEEP_AFTER + SWEEP_AFTER / 4
    assert mail_sweep() == {"freed": 1, "resent": 2, "failed": 1}
    assert sorted(m.subject for m in mail.outbox) == ["Lost", "Stuck"]
    statuses = dict(OutgoingEmail.objects.values_list("subject", "status"))
    assert statuses == {"Lost": "sent", "Stuck": "sent", "Given up": "failed", "Fresh": "queued"}
    assert email_send(email_id=lost.id) == 0 and fresh.status == OutgoingEmail.Status.QUEUED


@pytest.mark.django_db
def test_password_reset_mail_goes_through_the_outbox_not_the_request(client, settings):
    from tests.factories import make_user

    settings.EMAIL_QUEUE = True  # as in production: the request only writes the row
    make_user("north", role="artist")
    sent = []
    send_mail_task.apply_async = lambda args, **_: sent.append(args[0])
    try:
        response = client.post("/accounts/password_reset/", {"email": "north@example.test"})
    finally:
        del send_mail_task.apply_async
    assert response.status_code == 302 and mail.outbox == []
    email = OutgoingEmail.objects.get()
    assert sent == [email.id] and email.to == ["north@example.test"] and "/reset/" in email.body
    assert email_send(email_id=email.id) == 1 and "/reset/" in mail.outbox[0].body
