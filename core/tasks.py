"""Celery tasks of core (found by autodiscovery): sending email."""

from core.mail import mail_sweep, send_mail_task

__all__ = ["mail_sweep", "send_mail_task"]
