"""Classification for the ingest pipeline: rules people write (docket.ingest.classify.rules) and
a model learned from filed documents (docket.ingest.classify.model), both giving Suggestions.

The model's names are imported on first use (PEP 562), so code that only needs rules or the
fuzzy matcher does not pay for importing scikit-learn."""

from typing import Any

from docket.ingest.classify.rules import FUZZY_THRESHOLD, MODES, Rule, apply_rules, validate_rule
from docket.ingest.classify.suggestions import TARGET_KINDS, Suggestion, Suggestions

__all__ = [
    "FUZZY_THRESHOLD",
    "MIN_DOCUMENTS",
    "MODES",
    "TARGET_KINDS",
    "Model",
    "ModelLoadError",
    "Rule",
    "Suggestion",
    "Suggestions",
    "TrainingSample",
    "apply_rules",
    "train",
    "validate_rule",
]

_MODEL_NAMES = {"Model", "ModelLoadError", "TrainingSample", "train", "MIN_DOCUMENTS"}


def __getattr__(name: str) -> Any:
    if name in _MODEL_NAMES:
        from docket.ingest.classify import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
