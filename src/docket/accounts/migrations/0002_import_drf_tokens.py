"""Installations from before docket.accounts handed out DRF's authtoken tokens (table
authtoken_token, unhashed keys that never expire). Each becomes an ApiToken with the same key
(stored hashed) that expires in 90 days, so clients keep working; the old table is left as
it is (the app is no longer installed) and can be dropped by hand."""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def import_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    now = timezone.now()
    known = set(ApiToken.objects.values_list("key_hash", flat=True))
    fresh = []
    for key, user_id in rows:
        digest = hashlib.sha256(key.encode()).hexdigest()
        if digest not in known:
            fresh.append(
                ApiToken(
                    user_id=user_id,
                    name="旧版令牌",
                    key_hash=digest,
                    prefix=key[:8],
                    created_at=now,
                    expires_at=now + datetime.timedelta(days=90),
                )
            )
    ApiToken.objects.bulk_create(fresh)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(import_drf_tokens, migrations.RunPython.noop)]
