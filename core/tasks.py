"""Celery tasks of core (found by autodiscovery): sending email."""

from core.mail import send_mail_task

__all__ = ["send_mail_task"]
