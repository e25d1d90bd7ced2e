"""Staff access: lockout after wrong passwords, a second factor for Publishers and
administrators, sessions that end, strong passwords, the admin at ADMIN_PATH."""

import io

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff import LOGIN_URL, admin_login, current_code, enrol_authenticator, role_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-for-security-tests-4410"
INDEX = f"/{settings.ADMIN_PATH}"


def post_login(client, username, password, code=""):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "otp_token": code, "next": INDEX}
    )


def test_wrong_passwords_lock_the_account_even_for_the_right_password_then_reset_unlocks():
    role_user("editor", "Editor", PASSWORD)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, "editor", "wrong-password-123").status_code == 200
    locked = post_login(client, "editor", "wrong-password-123")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    # The right password no longer helps, from this address or from another one.
    assert post_login(client, "editor", PASSWORD).status_code == 429
    other_address = Client(REMOTE_ADDR="198.51.100.7")
    assert post_login(other_address, "editor", PASSWORD).status_code == 429

    call_command("axes_reset_username", "editor", stdout=io.StringIO())
    assert post_login(client, "editor", PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_locked_out():
    role_user("editor", "Editor", PASSWORD)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, f"someone-{number}", "wrong-password-123")
    assert post_login(client, "editor", PASSWORD).status_code == 429
    assert post_login(Client(REMOTE_ADDR="203.0.113.10"), "editor", PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()


def test_a_publisher_needs_a_one_time_code():
    publisher = role_user("publisher", "Publisher", PASSWORD)
    device = TOTPDevice.objects.get(user=publisher)
    client = Client()
    refused = post_login(client, "publisher", PASSWORD)
    assert refused.status_code == 200
    assert "Enter the one-time code" in refused.content.decode()
    wrong = post_login(
        client, "publisher", PASSWORD, "000000" if current_code(device) != "000000" else "111111"
    )
    assert "not right" in wrong.content.decode()
    # django-otp now delays the next try (1 s, then 2 s, ...); a test types faster than a person.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    assert client.get(INDEX).status_code == 302  # still not signed in

    assert post_login(client, "publisher", PASSWORD, current_code(device)).status_code == 302
    assert client.get(INDEX).status_code == 200


def test_a_used_code_does_not_work_twice():
    publisher = role_user("publisher", "Publisher", PASSWORD)
    device = TOTPDevice.objects.get(user=publisher)
    code = current_code(device)
    assert post_login(Client(), "publisher", PASSWORD, code).status_code == 302
    replay = post_login(Client(), "publisher", PASSWORD, code)
    assert replay.status_code == 200
    assert "used already" in replay.content.decode()


def test_an_administrator_without_an_authenticator_is_told_how_to_enrol():
    call_command("create_role_user", "admin", role="administrator", password=PASSWORD, stdout=None)
    response = post_login(Client(), "admin", PASSWORD)
    assert response.status_code == 200
    assert "manage.py enrol_totp admin" in response.content.decode()


def test_a_session_signed_in_without_a_code_does_not_reach_a_publishers_admin():
    # A password-only session (client.login skips the form) is not verified.
    publisher = role_user("publisher", "Publisher", PASSWORD)
    client = Client()
    client.force_login(publisher)
    assert client.get(INDEX).status_code == 302


def test_an_editor_signs_in_without_a_code_and_must_give_one_once_enrolled():
    editor = role_user("editor", "Editor", PASSWORD)
    client = Client()
    assert post_login(client, "editor", PASSWORD).status_code == 302
    assert client.get(INDEX).status_code == 200
    enrol_authenticator(editor)
    assert "Enter the one-time code" in post_login(Client(), "editor", PASSWORD).content.decode()
    admin_login(Client(), editor, PASSWORD)


def test_an_editor_enrols_an_authenticator_in_the_admin():
    editor = role_user("editor", "Editor", PASSWORD)
    client = Client()
    admin_login(client, editor, PASSWORD)
    page = client.get(f"{INDEX}two-factor/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and 'id="totp-secret"' in page.content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert "not right" in client.post(f"{INDEX}two-factor/", {"otp_token": "12"}).content.decode()
    done = client.post(f"{INDEX}two-factor/", {"otp_token": current_code(device)}, follow=True)
    assert "Two-factor authentication is on" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed


def test_the_first_administrator_enrols_with_the_command():
    call_command("create_role_user", "admin", role="administrator", password=PASSWORD, stdout=None)
    out = io.StringIO()
    call_command("enrol_totp", "admin", stdout=out)
    assert "otpauth://totp/" in out.getvalue() and "Key: " in out.getvalue()
    device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
    with pytest.raises(CommandError, match="not right"):
        call_command("enrol_totp", "admin", confirm="12345x", stdout=io.StringIO())
    call_command("enrol_totp", "admin", confirm=current_code(device), stdout=io.StringIO())
    device.refresh_from_db()
    assert device.confirmed
    with pytest.raises(CommandError, match="already has"):
        call_command("enrol_totp", "admin", stdout=io.StringIO())
    client = Client()
    admin_login(client, get_user_model().objects.get(username="admin"), PASSWORD)
    assert client.get(INDEX).status_code == 200
    # A lost phone: --reset removes it and starts again.
    call_command("enrol_totp", "admin", reset=True, stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user__username="admin", confirmed=True).exists()


def test_passwords_shorter_than_twelve_characters_are_refused():
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("create_role_user", "someone", role="editor", password="Short-pw-1!")


def test_sessions_expire():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    editor = role_user("editor", "Editor", PASSWORD)
    client = Client()
    admin_login(client, editor, PASSWORD)
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
