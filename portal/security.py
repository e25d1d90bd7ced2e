"""Staff access and response headers.

- The admin site asks Publishers and administrators for a one-time code (TOTP, django-otp)
  besides their password, and offers one to every other staff user (who, once enrolled,
  must give it too). Wrong passwords are counted and locked out by django-axes.
- Every response carries a Permissions-Policy; the CSP and the other headers come from
  Django's own middleware (settings: "Security and resilience").
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.safestring import mark_safe
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import PUBLISHER

NOT_ENROLLED = (
    "Publishers and administrators sign in with a one-time code from an authenticator "
    "app, and {username} has none yet. An administrator enrols one with "
    "`manage.py enrol_totp {username}`."
)


def needs_second_factor(user):
    """Publishers and administrators may not use the admin on a password alone."""
    return user.is_superuser or user.groups.filter(name=PUBLISHER).exists()


def confirmed_devices(user):
    return list(devices_for_user(user, confirmed=True))


def clean_code(code):
    """Six digits (spaces allowed), or None: anything else is not tried against a device."""
    code = (code or "").replace(" ", "")
    return code if len(code) == 6 and code.isascii() and code.isdigit() else None


def verify_code(user, code):
    """The user's confirmed device that accepts this code (each code works once), or None.
    django-otp delays the next try after each wrong code (1 s, 2 s, 4 s, ...)."""
    code = clean_code(code)
    if code is None:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def throttled(user):
    return not any(device.verify_is_allowed()[0] for device in confirmed_devices(user))


class StaffLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label="One-time code",
        required=False,
        max_length=10,
        help_text="The 6 digits your authenticator app shows, if you have enrolled one.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned_data = super().clean()  # the password, then is_active and is_staff
        user = self.get_user()
        if user is None:
            return cleaned_data
        if not confirmed_devices(user):
            if needs_second_factor(user):
                raise ValidationError(
                    NOT_ENROLLED.format(username=user.get_username()), code="otp_not_enrolled"
                )
            return cleaned_data
        code = cleaned_data.get("otp_token")
        if not code:
            raise ValidationError(
                "Enter the one-time code from your authenticator app.", code="otp_required"
            )
        if throttled(user):
            raise ValidationError(
                "Too many wrong one-time codes: wait a few seconds and try again.",
                code="otp_throttled",
            )
        device = verify_code(user, code)
        if device is None:
            raise ValidationError(
                "That one-time code is not right, or was used already; wait for the next one.",
                code="otp_invalid",
            )
        user.otp_device = device  # django-otp marks the session verified on login
        return cleaned_data


class EnrolForm(forms.Form):
    otp_token = forms.CharField(
        label="Code shown by the app",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def pending_device(user):
    """The user's unconfirmed authenticator, made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def setup_details(device):
    """What a person needs to add the device to an app: the key, the otpauth URI, a QR."""
    uri = device.config_url
    svg = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return {
        "secret": b32encode(device.bin_key).decode(),
        "uri": uri,
        "qr_svg": mark_safe(svg.to_string(encoding="unicode")),  # noqa: S308 (our own SVG)
    }


class PortalAdminSite(admin.AdminSite):
    site_header = "ICT Strategy Portal administration"
    login_form = StaffLoginForm
    login_template = "admin/portal_login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return request.user.is_verified() or not needs_second_factor(request.user)

    def get_urls(self):
        return [
            path("two-factor/", self.admin_view(self.two_factor), name="two_factor"),
            *super().get_urls(),
        ]

    def two_factor(self, request):
        """Enrol an authenticator app: scan the QR code, confirm with one code."""
        user = request.user
        context = {**self.each_context(request), "title": "Two-factor authentication"}
        if confirmed_devices(user):
            context["enrolled"] = True
            return TemplateResponse(request, "admin/two_factor.html", context)
        device = pending_device(user)
        form = EnrolForm(request.POST or None)
        if form.is_valid():
            code = clean_code(form.cleaned_data["otp_token"])
            if code and device.verify_token(code):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                messages.success(request, "Two-factor authentication is on for your account.")
                return redirect("admin:two_factor")
            form.add_error("otp_token", "That code is not right; type the one the app shows now.")
        context.update(form=form, **setup_details(device))
        return TemplateResponse(request, "admin/two_factor.html", context)


class PermissionsPolicyMiddleware:
    """Turns off browser features no page of the portal uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def client_ip(request):
    """The address django-axes counts failures for: the peer, or behind TRUSTED_PROXY_COUNT
    proxies the address the outermost trusted proxy saw (spoofed entries stay to its left)."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")
