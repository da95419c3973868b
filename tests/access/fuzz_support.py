"""Helpers for test_api_fuzz.py: schemathesis over the real WSGI application, as one user, with
a check that no response shows that user anything of another user's private records."""

import json
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.signals import got_request_exception
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy

from tests.conftest import client_for

# Keys whose integer values (or lists of them, or objects with an "id") name a document.
DOCUMENT_KEYS = frozenset({"document", "document_id", "documents", "document_ids"})


def auth_headers(user) -> dict[str, str]:
    """The Authorization header the rest of the suite uses for this user (whatever kind of
    token tests.conftest.client_for makes)."""
    return {"Authorization": client_for(user)._credentials["HTTP_AUTHORIZATION"]}


@dataclass
class Private:
    """What one user must never be shown: other people's documents (by id, in the fields that
    name documents; by title and archive number, anywhere) and other private strings
    (customer names, file names, saved-search names)."""

    document_ids: frozenset[int]
    strings: frozenset[str]


def document_ids_in(data: Any, key: str | None = None) -> Iterator[int]:
    """Every integer in a JSON value that names a document: the `id` of an object that is a
    document (it has an `archive_number`: documents, search hits), and the values under the
    keys in DOCUMENT_KEYS. Other ids (customers, versions, tags…) are small integers too and
    may equal a document's id by chance, so they are not looked at."""
    if isinstance(data, dict):
        if "archive_number" in data and isinstance(data.get("id"), int):
            yield data["id"]
        for name, value in data.items():
            yield from document_ids_in(value, name)
    elif isinstance(data, list):
        for item in data:
            yield from document_ids_in(item, key)
    elif key in DOCUMENT_KEYS and isinstance(data, int) and not isinstance(data, bool):
        yield data


def leak_check(private: Private) -> Callable:
    """A schemathesis check: the response shows none of `private`."""

    def no_private_data(ctx, response, case) -> None:
        body = response.content or b""
        texts = [body.decode("utf-8", "replace")]
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        else:
            texts.append(json.dumps(parsed, ensure_ascii=False))
        for marker in sorted(private.strings):
            for text in texts:
                assert marker not in text, f"the response shows {marker!r}"
        leaked = sorted(set(document_ids_in(parsed)) & private.document_ids)
        assert not leaked, f"the response names private documents {leaked}"

    return no_private_data


@contextmanager
def server_tracebacks() -> Iterator[list[str]]:
    """Collect the traceback of every exception a request raised in the application (Django
    turns it into a 500 response; this keeps what it logged)."""
    seen: list[str] = []

    def record(sender, request=None, **kwargs) -> None:
        seen.append(f"{request.method} {request.get_full_path()}\n{traceback_summary()}")

    got_request_exception.connect(record, weak=False)
    try:
        yield seen
    finally:
        got_request_exception.disconnect(record)


def traceback_summary() -> str:
    """The exception being handled, short: the frames in Docket's and DRF's code, the
    innermost frame, and the exception (and what it was raised from)."""
    error = sys.exc_info()[1]
    lines = []
    while error is not None:
        frames = traceback.extract_tb(error.__traceback__)
        shown = [f for f in frames[:-1] if _worth_showing(f.filename)] + frames[-1:]
        lines += [f"  {f.filename}:{f.lineno} in {f.name}: {f.line}" for f in shown]
        lines.append(f"{type(error).__name__}: {error}")
        error = error.__cause__ or error.__context__
        if error is not None:
            lines.append("raised while handling:")
    return "\n".join(lines)


def _worth_showing(filename: str) -> bool:
    if "/site-packages/" not in filename:
        return "/docket/" in filename
    return "/rest_framework/" in filename and not filename.endswith(
        ("/views.py", "/viewsets.py", "/decorators.py")
    )


def run_examples(strategy: SearchStrategy, examples: int, test: Callable[[Any], None]) -> None:
    """Run `test` on `examples` cases drawn from `strategy`: derandomized (the same cases on
    every run), no example database, no shrinking (a failure is reported as found)."""

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
    )
    @given(case=strategy)
    def each(case) -> None:
        test(case)

    each()


@contextmanager
def hypothesis_left_as_found() -> Iterator[None]:
    """schemathesis patches Hypothesis module globals the first time it builds a strategy (a
    printer that prints nothing, a larger buffer); put them back afterwards so that the other
    property tests in the same process (pytest-xdist worker) run and report as usual."""
    from hypothesis import core as root_core
    from hypothesis.internal import entropy
    from hypothesis.internal.conjecture import engine
    from hypothesis.strategies._internal import collections, core
    from schemathesis.generation import hypothesis as st_hypothesis

    saved = [
        (root_core, "RepresentationPrinter"),
        (root_core, "BUFFER_SIZE"),
        (engine, "BUFFER_SIZE"),
        (collections, "BUFFER_SIZE"),
        (core, "is_first_param_referenced_in_function"),
        (entropy, "register_random"),
    ]
    values = [
        (module, name, getattr(module, name)) for module, name in saved if hasattr(module, name)
    ]
    was_patched = getattr(st_hypothesis.setup, "_is_patched", False)
    try:
        yield
    finally:
        for module, name, value in values:
            setattr(module, name, value)
        st_hypothesis.setup._is_patched = was_patched  # type: ignore[attr-defined]
