"""A Model as bytes and back: MAGIC, then a numpy .npz archive holding the arrays and one JSON
document (versions, vocabulary, temperatures, what was not learned).

No pickle anywhere: np.load runs with allow_pickle=False, so loading bytes cannot run code.
Every array's shape is checked against the vocabulary before the model is used, so damaged
bytes fail here with ModelLoadError rather than later inside a suggestion."""

import io
import json
import zipfile
from typing import Any

import numpy as np

from docket.ingest.classify.linear import Features, Linear, Sigmoids
from docket.ingest.classify.model import TARGETS, Model, ModelLoadError
from docket.search.tokens import TOKENIZER_VERSION

__all__ = ["FORMAT", "MAGIC", "dump_model", "load_model"]

FORMAT = 1  # bump when the stored arrays change meaning
MAGIC = b"DOCKETML"


def dump_model(model: Model) -> bytes:
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {
        "format": FORMAT,
        "tokenizer": TOKENIZER_VERSION,
        "documents": model.documents,
        "trained_at": model.trained_at,
        "not_learned": model.not_learned,
        "vocabulary": None,
        "temperature": {},
    }
    if model.features is not None:
        by_index = sorted(model.features.vocabulary.items(), key=lambda item: item[1])
        meta["vocabulary"] = [token for token, _ in by_index]
        arrays["idf"] = model.features.idf
    for name, linear in (("type", model.type), ("customer", model.customer)):
        if linear is not None:
            arrays |= {f"{name}_classes": linear.classes, f"{name}_coef": linear.coef}
            arrays[f"{name}_intercept"] = linear.intercept
            meta["temperature"][name] = linear.temperature
    if model.tags is not None:
        arrays |= {"tag_ids": model.tags.ids, "tag_coef": model.tags.coef}
        arrays["tag_intercept"] = model.tags.intercept
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return MAGIC + buffer.getvalue()


def load_model(data: bytes) -> Model:
    if not data.startswith(MAGIC):
        raise ModelLoadError("not a Docket model")
    try:
        with np.load(io.BytesIO(data[len(MAGIC) :]), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        meta = json.loads(arrays.pop("meta").tobytes())
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, EOFError) as exc:
        raise ModelLoadError(f"the model is damaged: {exc}") from exc
    found = (meta.get("format"), meta.get("tokenizer"))
    if found != (FORMAT, TOKENIZER_VERSION):
        raise ModelLoadError(
            f"the model was made by format {found[0]}, tokenizer {found[1]};"
            f" this is format {FORMAT}, tokenizer {TOKENIZER_VERSION}: retrain"
        )
    try:
        return _build(meta, arrays)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelLoadError(f"the model is inconsistent: {exc}") from exc


def _build(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Model:
    parts: dict[str, Any] = {}
    width = None
    if meta["vocabulary"] is not None:
        vocabulary = {token: i for i, token in enumerate(meta["vocabulary"])}
        idf = arrays["idf"].astype(np.float32)
        if idf.shape != (len(vocabulary),):
            raise ValueError("idf and vocabulary differ in length")
        parts["features"], width = Features(vocabulary, idf), len(vocabulary)
    for name in ("type", "customer"):
        if name in meta["temperature"]:
            linear = Linear(
                arrays[f"{name}_classes"].astype(np.int64),
                arrays[f"{name}_coef"].astype(np.float32),
                arrays[f"{name}_intercept"].astype(np.float32),
                float(meta["temperature"][name]),
            )
            rows = 1 if len(linear.classes) == 2 else len(linear.classes)
            if linear.coef.shape != (rows, width) or linear.intercept.shape != (rows,):
                raise ValueError(f"the {name} coefficients do not fit the vocabulary")
            parts[name] = linear
    if "tag_ids" in arrays:
        tags = Sigmoids(
            arrays["tag_ids"].astype(np.int64),
            arrays["tag_coef"].astype(np.float32),
            arrays["tag_intercept"].astype(np.float32),
        )
        if tags.coef.shape != (len(tags.ids), width) or tags.intercept.shape != tags.ids.shape:
            raise ValueError("the tag coefficients do not fit the vocabulary")
        parts["tags"] = tags
    not_learned = {k: str(v) for k, v in meta["not_learned"].items() if k in TARGETS}
    return Model(int(meta["documents"]), str(meta["trained_at"]), not_learned, **parts)
