from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services.invitations import invitation_create


class Command(BaseCommand):
    help = (
        "Invite EMAIL and print the single-use sign-up link (valid 7 days). With --by, the invitation is that "
        "account's and may carry only the roles it may invite (moderators: artist, judge; admins: any)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", choices=Role.values, default=Role.ARTIST)
        parser.add_argument("--by", metavar="USERNAME", help="Invite on behalf of this account, under its rights.")
        parser.add_argument("--no-email", action="store_true", help="Only print the link, send no email.")

    def handle(self, *args, email, role, by, no_email, **options):
        inviter = None
        if by:
            inviter = get_user_model().objects.filter(username=by).first()
            if inviter is None:
                raise CommandError(f"No account named {by!r}.")
        try:
            issued = invitation_create(email=email, role=role, invited_by=inviter, send_email=not no_email)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(issued.url)
