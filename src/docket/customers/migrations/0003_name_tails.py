"""Customer.name_tails: the pinyin and initials from each later syllable of the name
(pinyin.name_tails), filled for the customers that exist."""

from django.db import migrations, models


def fill_tails(apps, schema_editor):
    from docket.customers.pinyin import name_tails

    Customer = apps.get_model("customers", "Customer")
    for customer in Customer.objects.only("id", "name").iterator():
        Customer.objects.filter(id=customer.id).update(name_tails=name_tails(customer.name))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_name_pinyin"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="name_tails",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_tails, migrations.RunPython.noop),
    ]
