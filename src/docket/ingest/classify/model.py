"""A classifier learned from the user's own filed documents: given a new document's text, which
document type, customer and tags would a person have given it?

Features: scikit-learn's TfidfVectorizer over docket.search.tokens.tokenize (CJK bigrams +
words, codes kept whole), sublinear term frequency. Classifiers: multinomial logistic regression
for type and customer, with a temperature fitted on out-of-fold scores so that a 0.9 means right
nine times in ten; one binary logistic regression per tag (multi-label; those are calibrated as
they come). What was learned is kept as arrays (docket.ingest.classify.linear).

Too little to learn from is a state, not an error: train() always returns a Model, and a target
without MIN_DOCUMENTS labelled documents in at least two classes of MIN_PER_CLASS each says why
in Model.not_learned and Suggestions.not_learned.

Storage: dumps() gives bytes for the app's own database (a numpy .npz archive: arrays and one
JSON document), loads() reads them back and refuses another format or tokenizer version (the
caller retrains). Trust: loads() never unpickles (allow_pickle=False), so even bytes that did
not come from this app cannot run code; at worst they give bad suggestions. Only models this
app wrote into its own database are meant to be loaded."""

import datetime
import warnings
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from docket.ingest.classify.linear import Features, Linear, Sigmoids, fit_temperature
from docket.ingest.classify.suggestions import Suggestion, Suggestions
from docket.search.tokens import tokenize

__all__ = ["MIN_DOCUMENTS", "Model", "ModelLoadError", "TrainingSample", "train"]

MIN_DOCUMENTS = 10  # labelled documents a target needs before anything is learned
MIN_PER_CLASS = 2  # examples a class (or a tag's yes and its no) needs
MAX_FEATURES = 50_000  # bounds the model's size: (types + customers + tags) x features floats
TEXT_LIMIT = 100_000  # characters used per document: the first pages say what it is
# Below 0.5 on purpose: a calibrated model's F1-best threshold is about half the F1 it can
# reach, and a wrong tag suggestion costs a click while a missed one is never seen.
TAG_THRESHOLD = 0.4
NOT_ENOUGH = "not enough filed documents to learn from"
TARGETS = ("type", "customer", "tag")


class ModelLoadError(ValueError):
    """The bytes are not a model this version of Docket can read: retrain."""


@dataclass(frozen=True)
class TrainingSample:
    text: str
    type_id: int | None = None
    customer_id: int | None = None
    tag_ids: Collection[int] = field(default_factory=frozenset)


def _fit(x: Any, y: np.ndarray) -> LogisticRegression:
    # C=10: TF-IDF rows are unit-length and sparse, so the default C=1 over-regularises
    # (held-out customer accuracy 0.54-0.62 against 0.80-0.88 on two demo corpora).
    with warnings.catch_warnings():
        # Not converged to the last decimal after 2000 iterations is still a usable model.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(C=10.0, max_iter=2000).fit(x, y)


def _why_not(labels: Sequence[int], noun: str) -> str:
    """Why labels are too few to learn from, or "" when they are enough."""
    counts = Counter(labels)
    usable = sum(1 for n in counts.values() if n >= MIN_PER_CLASS)
    if len(labels) >= MIN_DOCUMENTS and usable >= 2:
        return ""
    return (
        f"{NOT_ENOUGH}: {len(labels)} documents with a {noun}, {len(counts)} different"
        f" (needs {MIN_DOCUMENTS} documents and 2 {noun}s with {MIN_PER_CLASS} each)"
    )


def train(samples: Sequence[TrainingSample]) -> "Model":
    """Learn type, customer and tags from filed documents. Never raises for too little data."""
    # One BLAS thread: these problems are small, and OpenBLAS threads spinning against a busy
    # machine's other processes made one fit 12x slower (3.2 s against 0.27 s, 2 cores).
    with threadpool_limits(limits=1, user_api="blas"):
        return _train(samples)


def _train(samples: Sequence[TrainingSample]) -> "Model":
    texts = [s.text[:TEXT_LIMIT] for s in samples]
    usable = [i for i, text in enumerate(texts) if tokenize(text[:2000])]  # scans have no text
    model: dict[str, Any] = {
        "documents": len(usable),
        "trained_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "not_learned": {},
    }
    if len(usable) < MIN_DOCUMENTS:
        reason = f"{NOT_ENOUGH}: {len(usable)} with text (needs {MIN_DOCUMENTS})"
        return Model(**model | {"not_learned": dict.fromkeys(TARGETS, reason)})
    vectorizer = TfidfVectorizer(
        tokenizer=tokenize,
        lowercase=False,  # tokenize() folds case itself
        token_pattern=None,
        sublinear_tf=True,
        max_features=MAX_FEATURES,
        dtype=np.float32,
    )
    x = vectorizer.fit_transform([texts[i] for i in usable])
    model["features"] = Features(
        {token: int(i) for token, i in vectorizer.vocabulary_.items()},
        vectorizer.idf_.astype(np.float32),
    )
    for target, attribute, noun in (
        ("type", "type_id", "document type"),
        ("customer", "customer_id", "customer"),
    ):
        rows = [r for r, i in enumerate(usable) if getattr(samples[i], attribute) is not None]
        labels = np.array([getattr(samples[usable[r]], attribute) for r in rows], dtype=np.int64)
        if reason := _why_not(labels.tolist(), noun):
            model["not_learned"][target] = reason
        else:
            temperature = fit_temperature(x[rows], labels, _fit)
            model[target] = Linear.from_sklearn(_fit(x[rows], labels), temperature)
    tag_sets = [frozenset(samples[i].tag_ids) for i in usable]
    learned = []
    for tag in sorted(set().union(*tag_sets)):
        y = np.array([tag in tags for tags in tag_sets], dtype=np.int64)
        if MIN_PER_CLASS <= y.sum() <= len(y) - MIN_PER_CLASS:
            learned.append((tag, _fit(x, y)))
    if learned:
        model["tags"] = Sigmoids(
            np.array([tag for tag, _ in learned], dtype=np.int64),
            np.vstack([fitted.coef_ for _, fitted in learned]).astype(np.float32),
            np.concatenate([fitted.intercept_ for _, fitted in learned]).astype(np.float32),
        )
    else:
        model["not_learned"]["tag"] = (
            f"{NOT_ENOUGH}: no tag is on at least {MIN_PER_CLASS} and off at least"
            f" {MIN_PER_CLASS} of {len(usable)} documents"
        )
    return Model(**model)


@dataclass(frozen=True, eq=False)  # holds numpy arrays: no element-wise ==
class Model:
    """What train() learned. Immutable."""

    documents: int  # how many documents (with text) it learned from
    trained_at: str  # ISO 8601, UTC
    not_learned: dict[str, str]  # target -> why it learned nothing for it
    features: Features | None = None
    type: Linear | None = None
    customer: Linear | None = None
    tags: Sigmoids | None = None

    @property
    def ready(self) -> bool:
        """Whether it can suggest anything at all."""
        return any(m is not None for m in (self.type, self.customer, self.tags))

    def suggest(self, text: str, *, top: int = 3) -> Suggestions:
        """Up to top types and customers with their probabilities, and every tag at least
        TAG_THRESHOLD likely."""
        if self.features is None:
            return Suggestions(not_learned=dict(self.not_learned))
        row = self.features.transform(text[:TEXT_LIMIT])
        if not row[0].size:  # no text, or only words never seen in training
            return Suggestions(not_learned=dict.fromkeys(TARGETS, "no text the model knows"))
        why = f"learned from {self.documents} filed documents"
        ranked: dict[str, list[Suggestion]] = {"type": [], "customer": []}
        for target, linear in (("type", self.type), ("customer", self.customer)):
            if linear is not None:
                p = linear.proba(row)
                for i in np.argsort(-p, kind="stable")[:top]:
                    if p[i] >= 0.01:
                        label = int(linear.classes[i])
                        ranked[target].append(
                            Suggestion(target, label, round(float(p[i]), 4), "model", why)
                        )
        tags = []
        if self.tags is not None:
            for tag, p in zip(self.tags.ids, self.tags.proba(row), strict=True):
                if p >= TAG_THRESHOLD:
                    tags.append(Suggestion("tag", int(tag), round(float(p), 4), "model", why))
        tags.sort(key=lambda s: (-s.confidence, s.target_id))
        return Suggestions(ranked["type"], ranked["customer"], tags, dict(self.not_learned))

    def dumps(self) -> bytes:
        from docket.ingest.classify.storage import dump_model

        return dump_model(self)

    @classmethod
    def loads(cls, data: bytes) -> "Model":
        """A model dumps() wrote; ModelLoadError for anything else, or another version."""
        from docket.ingest.classify.storage import load_model

        return load_model(data)
