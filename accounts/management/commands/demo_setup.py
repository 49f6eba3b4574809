import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import Role
from accounts.services.roles import roles_ensure, user_set_role

DEMO_ACCOUNTS = (("admin", Role.ADMIN), ("moderator", Role.MODERATOR), ("artist", Role.ARTIST))


class Command(BaseCommand):
    help = "Create the demo accounts admin, moderator and artist once, and print how to log in."

    def handle(self, *args, **options):
        roles_ensure()
        User = get_user_model()
        secret_file = Path(settings.VAR_DIR) / "demo-password.txt"
        password = os.environ.get("VERNISSAGE_DEMO_PASSWORD", "")
        created = []
        for username, role in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            if not password:
                password = secrets.token_urlsafe(12)
                secret_file.parent.mkdir(parents=True, exist_ok=True)
                secret_file.write_text(password + "\n")
                secret_file.chmod(0o600)
            user = User.objects.create_user(
                username=username,
                email=f"{username}@vernissage.localhost",
                password=password,
                display_name=f"Demo {role}",
                is_superuser=(role == Role.ADMIN),
                is_staff=(role == Role.ADMIN),
            )
            user_set_role(user=user, role=role)
            created.append(username)
        if not password and secret_file.exists():
            password = secret_file.read_text().strip()
        names = ", ".join(name for name, _ in DEMO_ACCOUNTS)
        if created:
            self.stdout.write(f"Created demo accounts: {', '.join(created)}")
        self.stdout.write(f"Demo accounts: {names}")
        if password:
            self.stdout.write(f"Password: {password}")
        else:
            self.stdout.write("Password: the one set when they were created (VERNISSAGE_DEMO_PASSWORD).")
