"""Write a development C2PA signing chain to the paths the settings name (var/provenance/ by default)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.clock import now
from provenance.keys import make_dev_chain


class Command(BaseCommand):
    help = "Make a development signing chain for content credentials (C2PA) at PROVENANCE_SIGNING_CERT/KEY."

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true", help="Do nothing when both files exist.")
        parser.add_argument("--force", action="store_true", help="Replace existing files.")

    def handle(self, *args, if_missing: bool = False, force: bool = False, **options):
        if settings.PROVENANCE_SIGNER:
            raise CommandError("PROVENANCE_SIGNER is set: signing uses that callable, not key files.")
        if not settings.PROVENANCE_SIGNING_CERT or not settings.PROVENANCE_SIGNING_KEY:
            raise CommandError("Set PROVENANCE_SIGNING_CERT and PROVENANCE_SIGNING_KEY to the files to write.")
        cert, key = Path(settings.PROVENANCE_SIGNING_CERT), Path(settings.PROVENANCE_SIGNING_KEY)
        if cert.exists() and key.exists():
            if if_missing:
                return
            if not force:
                raise CommandError(f"{cert} and {key} exist; --force replaces them.")
        make_dev_chain(cert_path=cert, key_path=key, now=now())
        self.stdout.write(f"Development signing chain written: {cert} (certificates), {key} (private key).")
        self.stdout.write("Its root is on no trust list: use a certificate from a C2PA-trusted issuer in production.")
