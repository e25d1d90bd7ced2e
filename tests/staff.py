"""Signing staff in as a person does: password and, where enrolled, a real TOTP code.

Publishers and administrators need a second factor (portal/security.py). Tests give such
a user a confirmed django-otp TOTPDevice with enrol_authenticator() and type the code that
current_code() computes from its key, exactly as an authenticator app would.
"""

import time

from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN_URL = f"/{settings.ADMIN_PATH}login/"


def enrol_authenticator(user):
    """A confirmed authenticator for the user (what `manage.py enrol_totp` ends with)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test app", confirmed=True)


def current_code(device):
    """The code the app shows now. A code is accepted once: if this time step's code was
    used already, the next step's (which the device's one-step tolerance accepts)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


def admin_login(client, user, password):
    """Sign in through the admin's login form; asserts it worked."""
    data = {"username": user.get_username(), "password": password, "next": "/"}
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device:
        data["otp_token"] = current_code(device)
    response = client.post(LOGIN_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def role_user(username, role, password):
    """A staff user in a role (create_role_user), with an authenticator if the role needs one."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from portal.security import needs_second_factor

    call_command("create_role_user", username, role=role, password=password, stdout=None)
    user = get_user_model().objects.get(username=username)
    if needs_second_factor(user):
        enrol_authenticator(user)
    return user


def signed_in_client(client, username, role, password):
    """A test client signed in through the login form as a new user in the role."""
    admin_login(client, role_user(username, role, password), password)
    return client
