from rest_framework import serializers

from docket.audit.models import AuditAlert, AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    # The id recorded with the event: it stays when the user is deleted.
    actor = serializers.IntegerField(source="actor_uid", allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "at",
            "actor",
            "actor_name",
            "action",
            "outcome",
            "document_id",
            "customer_id",
            "ip",
            "user_agent",
            "details",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class AuditAlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditAlert
        fields = ["id", "kind", "user", "subject", "message", "at", "first_seq", "last_seq"]
        read_only_fields = fields
