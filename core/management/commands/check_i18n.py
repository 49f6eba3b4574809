"""`manage.py check_i18n`: fails on a template word not marked for translation (core.template_lint) and on
a German catalogue with an untranslated, fuzzy or malformed message (core.catalogues). Run by `make lint`."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.catalogues import catalogue_check, catalogues
from core.template_lint import template_findings


class Command(BaseCommand):
    help = "Check that every template string is marked for translation and every catalogue is complete."

    def handle(self, *args, **options):
        problems = 0
        templates = settings.BASE_DIR / "templates"
        for path, finding in template_findings(templates):
            where = f"{path.relative_to(settings.BASE_DIR)}:{finding.line}"
            self.stderr.write(f"{where}: not marked for translation: {finding.text!r}")
            problems += 1
        for locale_root in settings.LOCALE_PATHS:
            for po in catalogues(locale_root):
                report = catalogue_check(po)
                self.stdout.write(f"{po.relative_to(settings.BASE_DIR)}: {report.statistics}")
                if not report.complete:
                    self.stderr.write(f"{po}: incomplete: {report.statistics} {report.errors}".strip())
                    problems += 1
        if problems:
            raise CommandError(f"{problems} translation problem(s)")
        self.stdout.write("Every template string is marked; every catalogue is complete.")
