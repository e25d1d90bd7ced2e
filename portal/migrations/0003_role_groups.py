from django.db import migrations

from portal.roles import ROLES, sync_role_groups


def create_groups(apps, schema_editor):
    sync_role_groups(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0002_history_and_roles"),
        ("countries", "0002_history_and_roles"),
        ("frameworks", "0003_history_and_roles"),
        ("initiatives", "0003_history_and_roles"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
