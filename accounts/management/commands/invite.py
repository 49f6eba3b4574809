from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services.invitations import invitation_create


class Command(BaseCommand):
    help = "Invite EMAIL and print the single-use sign-up link (valid 7 days)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", choices=Role.values, default=Role.ARTIST)
        parser.add_argument("--no-email", action="store_true", help="Only print the link, send no email.")

    def handle(self, *args, email, role, no_email, **options):
        try:
            issued = invitation_create(email=email, role=role, send_email=not no_email)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(issued.url)
