import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.security import clean_code, pending_device, setup_details


class Command(BaseCommand):
    help = (
        "Enrol an authenticator app (TOTP) for a staff user, in two steps: without --confirm, "
        "print the key and a QR code to add to the app; then --confirm CODE with the code the "
        "app shows. --reset removes the user's authenticators (a lost phone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--confirm", metavar="CODE", help="A code the app shows now.")
        parser.add_argument(
            "--reset", action="store_true", help="Remove every authenticator of the user first."
        )

    def handle(self, *args, username, confirm, reset, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}; create one with create_role_user.")
        if reset:
            removed, _ = TOTPDevice.objects.filter(user=user).delete()
            self.stdout.write(f"Removed {removed} authenticator(s) of {username}.")
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise CommandError(
                f"{username} already has an authenticator; --reset removes it first."
            )
        device = pending_device(user)
        if confirm is None:
            self.print_setup(device, username)
            return
        code = clean_code(confirm)
        if not (code and device.verify_token(code)):
            raise CommandError(
                "That code is not right: type the one the app shows now (codes change every "
                "30 s and the computer's clock must be right)."
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        self.stdout.write(f"{username} now signs in with a password and a one-time code.")

    def print_setup(self, device, username):
        details = setup_details(device)
        qr = qrcode.QRCode(border=2)
        qr.add_data(details["uri"])
        picture = io.StringIO()
        qr.print_ascii(out=picture, invert=True)
        self.stdout.write("Scan this with an authenticator app (or type the key):\n")
        self.stdout.write(picture.getvalue())
        self.stdout.write(f"\nKey: {details['secret']}\nURI: {details['uri']}\n")
        self.stdout.write(
            f"Then confirm with the code the app shows:\n"
            f"  manage.py enrol_totp {username} --confirm 123456"
        )
