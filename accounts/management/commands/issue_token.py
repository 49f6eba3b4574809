from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services.tokens import token_issue


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (shown once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="issued from the command line")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is disabled.")
        self.stdout.write(token_issue(user=user, name=name).raw)
