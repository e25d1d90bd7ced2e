import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.roles import ROLES

ADMINISTRATOR = "administrator"


class Command(BaseCommand):
    help = (
        "Create (or update) a staff user in one role: Editor, Publisher, Viewer, or "
        "administrator (a superuser). The password comes from PORTAL_PASSWORD or --password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role", required=True, help=f"One of: {', '.join(ROLES)}, {ADMINISTRATOR}."
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Default: the PORTAL_PASSWORD variable.")

    def handle(self, *args, username, role, email, password, **options):
        roles = {name.lower(): name for name in ROLES}
        if role.lower() not in roles and role.lower() != ADMINISTRATOR:
            raise CommandError(
                f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}, {ADMINISTRATOR}."
            )
        password = password or os.environ.get("PORTAL_PASSWORD")
        if not password:
            raise CommandError("Give a password with --password or PORTAL_PASSWORD.")
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(f"Password refused: {' '.join(error.messages)}") from None
        user.email = email or user.email
        user.is_staff = True
        user.is_superuser = role.lower() == ADMINISTRATOR
        user.set_password(password)
        user.save()
        if user.is_superuser:
            user.groups.clear()
            label = "administrator"
        else:
            group = Group.objects.filter(name=roles[role.lower()]).first()
            if group is None:
                raise CommandError("The role groups are missing: run manage.py migrate first.")
            user.groups.set([group])
            label = group.name
        self.stdout.write(f"{username} is now a staff user with the role {label}.")
