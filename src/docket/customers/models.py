import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from docket.customers.pinyin import name_pinyin, name_tails


class Customer(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业客户")
        INDIVIDUAL = "individual", _("个人客户")
        PROSPECT = "prospect", _("潜在客户")

    class Tier(models.TextChoices):
        VIP = "vip", _("VIP")
        NORMAL = "normal", _("普通")
        POTENTIAL = "potential", _("潜在")

    class Status(models.TextChoices):
        ACTIVE = "active", _("活跃")
        INACTIVE = "inactive", _("停用")
        MERGED = "merged", _("已合并")

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.NORMAL)
    industry = models.CharField(max_length=100, blank=True)
    size = models.CharField(max_length=50, blank=True)
    region = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_customers",
    )
    notes = models.TextField(blank=True)
    # Derived from name on every save (pinyin.py), for search by pinyin and initials.
    name_pinyin = models.CharField(max_length=600, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    # Both again from each later syllable, so `jinqiao` finds 南京金桥… (pinyin.name_tails).
    name_tails = models.TextField(blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # A merged customer keeps its name for the record; only live names must be unique.
            models.UniqueConstraint(
                fields=["name", "kind"],
                condition=~Q(status="merged"),
                name="customer_unique_live_name_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_pinyin, self.name_initials = name_pinyin(self.name)
        self.name_tails = name_tails(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            derived = {"name_pinyin", "name_initials", "name_tails"}
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)


# A phone number as people write them: 021-6888 8888, +86 138 0013 8000, (0755) 8888-8888,
# 400-820-8820 转 123; at least three digits, nothing that is not part of a number.
PHONE = re.compile(r"[\d\s+\-()（）.#*/]+(?:(?:转|分机|ext\.?|x)\s*\d+)?", re.IGNORECASE)


def validate_phone(value: str) -> None:
    if value and not (PHONE.fullmatch(value.strip()) and sum(c.isdigit() for c in value) >= 3):
        raise ValidationError(
            _("Enter a phone number: digits, spaces, + - ( ), and 转 before an extension."),
            code="invalid_phone",
        )


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True, validators=[validate_phone])
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer})"
