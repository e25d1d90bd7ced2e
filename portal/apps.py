from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from portal import changes

        changes.connect()


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose default site asks for a second factor (portal/security.py)."""

    default = False
    default_site = "portal.security.PortalAdminSite"
