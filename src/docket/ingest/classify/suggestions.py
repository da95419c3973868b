"""What classification returns: suggestions for a person to accept or reject, never decisions."""

from dataclasses import dataclass, field

__all__ = ["TARGET_KINDS", "Suggestion", "Suggestions"]

TARGET_KINDS = ("type", "customer", "tag")  # DocumentType, Customer, Tag ids


@dataclass(frozen=True)
class Suggestion:
    target_kind: str  # one of TARGET_KINDS
    target_id: int
    confidence: float  # 0..1: 1.0 for a rule that matched, a probability from the model
    source: str  # "rule" or "model"
    reason: str = ""  # shown to the user: which rule, or how many documents it was learned from


@dataclass(frozen=True)
class Suggestions:
    """The model's suggestions for one text, best first per target. not_learned says, per target
    kind, why there are none (too few filed documents, no text), so the UI can explain."""

    types: list[Suggestion] = field(default_factory=list)
    customers: list[Suggestion] = field(default_factory=list)
    tags: list[Suggestion] = field(default_factory=list)
    not_learned: dict[str, str] = field(default_factory=dict)

    @property
    def best_type(self) -> Suggestion | None:
        return self.types[0] if self.types else None

    @property
    def best_customer(self) -> Suggestion | None:
        return self.customers[0] if self.customers else None
