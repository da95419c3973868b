from django.db import migrations

SEED_TYPES = [
    ("合同", "HT"),
    ("报价单", "BJD"),
    ("发票", "FP"),
    ("签收单", "QSD"),
    ("营业执照", "YYZZ"),
    ("授权委托书", "SQWT"),
    ("会议纪要", "HYJY"),
    ("服务申请单", "FWSQ"),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for name, code in SEED_TYPES:
        DocumentType.objects.get_or_create(name=name, defaults={"code": code})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
