"""/api/rules/: the rules that suggest a customer, type or tag when a document's text matches
(any / all / exact / regex / fuzzy). A rule is validated when it is saved, never when it runs."""

from rest_framework import serializers, viewsets

from docket.access.api import CatalogWritesMixin
from docket.customers.models import Customer
from docket.documents.models import DocumentType, Tag
from docket.ingest.classify import Rule, validate_rule
from docket.ingest.models import MatchRule

TARGETS = {"customer": Customer, "type": DocumentType, "tag": Tag}


class MatchRuleSerializer(serializers.ModelSerializer):
    target_name = serializers.SerializerMethodField()

    class Meta:
        model = MatchRule
        fields = [
            "id",
            "target_kind",
            "target_id",
            "target_name",
            "mode",
            "pattern",
            "case_sensitive",
            "enabled",
            "created_at",
        ]

    def get_target_name(self, rule: MatchRule) -> str:
        target = TARGETS[rule.target_kind].objects.filter(id=rule.target_id).first()
        return getattr(target, "name", "")

    def validate(self, attrs: dict) -> dict:
        merged = {**({} if self.instance is None else self.initial_fields()), **attrs}
        model = TARGETS[merged["target_kind"]]
        if not model.objects.filter(id=merged["target_id"]).exists():
            raise serializers.ValidationError(
                {"target_id": f"no {merged['target_kind']} {merged['target_id']}"}
            )
        try:
            validate_rule(
                Rule(
                    merged["target_kind"],
                    merged["target_id"],
                    merged["mode"],
                    merged["pattern"],
                    merged.get("case_sensitive", False),
                )
            )
        except ValueError as exc:
            raise serializers.ValidationError({"pattern": str(exc)}) from exc
        return attrs

    def initial_fields(self) -> dict:
        rule = self.instance
        return {
            "target_kind": rule.target_kind,
            "target_id": rule.target_id,
            "mode": rule.mode,
            "pattern": rule.pattern,
            "case_sensitive": rule.case_sensitive,
        }


class MatchRuleViewSet(CatalogWritesMixin, viewsets.ModelViewSet):
    serializer_class = MatchRuleSerializer
    queryset = MatchRule.objects.all()
