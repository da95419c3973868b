from django.db import migrations


def seed(apps, schema_editor):
    from docket.access.seeds import ensure_roles

    ensure_roles(apps.get_model("access", "Role"))


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
