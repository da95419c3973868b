"""Form fields the pages share."""

from typing import Any

from django import forms


class DisplayNameChoiceField(forms.ModelChoiceField):
    """A choice of roles or document types, each labelled with its `display_name`: a seeded
    合同 is "Contract" to a user who reads English, a company's own type is as typed."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name
