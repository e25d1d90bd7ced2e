"""The editorial roles: which permissions each group holds.

Editor: creates and edits records (drafts), sees history.
Publisher: also publishes, unpublishes, reverts and deletes.
Viewer: reads the admin and changes nothing.
"""

RECORD_APPS = ["portal", "countries", "frameworks", "initiatives"]

EDITOR = "Editor"
PUBLISHER = "Publisher"
VIEWER = "Viewer"
ROLES = [EDITOR, PUBLISHER, VIEWER]


def codenames_for(role, model_name):
    if role == VIEWER:
        return [f"view_{model_name}"]
    codenames = [f"view_{model_name}", f"add_{model_name}", f"change_{model_name}"]
    if role == PUBLISHER:
        codenames += [f"delete_{model_name}", "publish_record"]
    return codenames


def sync_role_groups(apps):
    """Create the role groups and give each exactly its permissions."""
    from django.contrib.auth.management import create_permissions

    for app_label in RECORD_APPS:
        # Permissions are made after migrations run; a data migration makes them itself.
        # Its app configs are stubs without models_module, which create_permissions checks.
        app_config = apps.get_app_config(app_label)
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for app_label in RECORD_APPS:
            for model in apps.get_app_config(app_label).get_models():
                model_name = model._meta.model_name
                permissions += Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model_name,
                    codename__in=codenames_for(role, model_name),
                )
        group.permissions.set(permissions)
