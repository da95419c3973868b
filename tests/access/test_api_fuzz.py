"""schemathesis against /api/schema/, in process through the real WSGI application, as two sales
users of different teams: no request makes a server error, and no response shows one user the
other's private documents (ids in the fields that name documents; titles and archive numbers
anywhere) or other private records (customer name, ingest file name, saved-search name).

Three passes for each user over every operation in the schema:
1. generated requests (every method; bodies, queries and path parameters from the schema);
2. the other user's private ids in the path (`{id}`, `{task_id}`) or in the `document` /
   `customer` query parameters: detail routes must answer 403 or 404;
3. the user's own ids in the same places, so that the rich answers (their own documents,
   customer, job, similar documents…) are checked for the other user's data too.

Bounded for CI: a few derandomized examples per operation (the same requests on every run),
no shrinking. The test database is transactional: the requests go through Django's WSGI
handler, which opens and closes its own connection and transactions, as in production."""

import io
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error

from docket.access.models import Level
from docket.documents.services import document_delete
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_submit
from docket.search.models import SavedSearch
from docket.wsgi import application
from tests.access.conftest import make_document
from tests.access.fuzz_support import (
    Private,
    auth_headers,
    hypothesis_left_as_found,
    leak_check,
    run_examples,
    server_tracebacks,
)

GENERATED_EXAMPLES = 5  # per operation and user
FIXED_ID_EXAMPLES = 2  # per operation, user and fixed id
REFUSED = {403, 404}


@dataclass(frozen=True)
class KnownServerError:
    """A server error schemathesis found that is not fixed yet. A 5xx on `operation` whose
    server traceback matches `traceback` is let through (the leak check still runs on it);
    `reproduce(world)` gives the request that shows it (operation.Case arguments), run as a
    strict xfail below, so the entry fails the suite once the bug is fixed and must then be
    removed."""

    operation: str
    traceback: str  # a regular expression over fuzz_support.traceback_summary's text
    reproduce: Callable[[Any], dict]
    reason: str
    sqlite_only: bool = False


# None open. The ones found so far are fixed, each with its regression test in its app's tests
# (customers ?owner=, search ?type= beyond 64 bits, saved-search rename). A new one goes here
# with a strict-xfail test that sends its request.
KNOWN_SERVER_ERRORS: list[KnownServerError] = []


@dataclass
class Fuzzee:
    """One user, what they must never see, and the ids to put into paths and queries."""

    user: Any
    private: Private
    own_title: str  # the positive control: their own document is shown to them
    # path prefix (as in the schema) -> ids of the other user's records / of their own
    others_ids: dict[str, list[Any]]
    own_ids: dict[str, list[Any]]


@pytest.fixture
def fuzzees(world, contract_pdf) -> dict[str, Fuzzee]:
    """The two sales users, each with private records of every kind a route could be asked
    about."""
    records = {}
    for who, customer, document, tag in (
        ("sales_east", world.customer, world.document, "华东"),
        ("sales_north", world.other_customer, world.other_document, "华北"),
    ):
        user = getattr(world, who)
        trashed = make_document(customer, f"{tag}回收站合同", Level.INTERNAL)
        document_delete(actor=None, document=trashed)
        job = ingest_submit(
            actor=user,
            file=io.BytesIO(contract_pdf),
            filename=f"{tag}私有扫描件.pdf",
            source=IngestJob.Source.UPLOAD,
            customer=customer,
        )
        saved = SavedSearch.objects.create(user=user, name=f"{tag}私有搜索", query="合同")
        records[who] = {
            "user": user,
            "customer": customer,
            "documents": [document, trashed],
            "job": job,
            "saved": saved,
        }

    def ids(record: dict, extra_documents: list) -> dict[str, list[Any]]:
        document_ids = [d.id for d in record["documents"] + extra_documents]
        return {
            "/api/documents/": document_ids,
            "/api/trash/": document_ids,
            "/api/customers/": [record["customer"].id],
            "/api/ingest/": [record["job"].id],
            "/api/tasks/": [str(record["job"].id)],
            "/api/search/saved/": [record["saved"].id],
        }

    result = {}
    for who, other in (("sales_east", "sales_north"), ("sales_north", "sales_east")):
        mine, theirs = records[who], records[other]
        # Nobody in sales sees world.secret: it is above a salesperson's clearance (its
        # customer is sales_east's).
        hidden = [*theirs["documents"], world.secret]
        strings = {d.title for d in hidden} | {d.archive_number for d in hidden}
        strings |= {theirs["customer"].name, theirs["job"].original_name, theirs["saved"].name}
        result[who] = Fuzzee(
            user=mine["user"],
            private=Private(
                document_ids=frozenset(d.id for d in hidden),
                strings=frozenset(s for s in strings if s),
            ),
            own_title=mine["documents"][0].title,
            others_ids=ids(theirs, [world.secret]),
            own_ids=ids(mine, []),
        )
    return result


def load_schema():
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


def fixed_id_cases(operation, ids: dict[str, list[Any]]):
    """(path parameters, query) pairs that put each of `ids` into the operation, if it takes
    one of them."""
    path_names = [p.name for p in operation.path_parameters]
    id_name = next((n for n in path_names if n in ("id", "pk", "task_id")), None)
    if id_name is not None:
        prefix = next((p for p in ids if operation.path.startswith(p)), None)
        if prefix is None:
            return  # types, tags, rules, roles, teams, tokens…: nobody's private records
        rest = {n: 1 for n in path_names if n != id_name}  # {number}: the first version
        for value in ids[prefix]:
            yield {id_name: value, **rest}, None
        return
    query_names = {p.name for p in operation.query}
    if "document" in query_names:
        for value in ids["/api/documents/"]:
            yield None, {"document": value}
    if "customer" in query_names:
        for value in ids["/api/customers/"]:
            yield None, {"customer": value}


def must_refuse(operation, path: dict | None) -> bool:
    """Whether another user's id here must be answered 403/404 (rather than, for a list
    filter, an answer without their data)."""
    return path is not None or operation.path == "/api/search/similar/"


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    known_hits: Counter = field(default_factory=Counter)
    own_data_seen: bool = False


def known_error(label: str, status: int, tracebacks: list[str]) -> KnownServerError | None:
    if status < 500 or not tracebacks:
        return None
    for known in KNOWN_SERVER_ERRORS:
        if known.operation == label and all(
            re.search(known.traceback, t, re.DOTALL) for t in tracebacks
        ):
            return known
    return None


def fuzz(fuzzee: Fuzzee) -> Outcome:
    """The three passes over every operation, as fuzzee.user."""
    schema = load_schema()
    no_leak = leak_check(fuzzee.private)
    outcome = Outcome()

    def attempt(op_label: str, label: str, strategy, examples: int, refused: bool) -> None:
        # A new token for every operation: the fuzzer also logs out and revokes tokens
        # (/api/auth/logout/, DELETE /api/auth/tokens/{id}/…), which must not leave the rest
        # of the run unauthenticated.
        headers = auth_headers(fuzzee.user)
        with server_tracebacks() as tracebacks:

            def one(case) -> None:
                outcome.sent += 1
                tracebacks.clear()
                # buffered: the response is read whole and closed (files, request_finished), as
                # a WSGI server does
                response = case.call(headers=headers, buffered=True)
                outcome.statuses[response.status_code] += 1
                outcome.own_data_seen |= fuzzee.own_title.encode() in (response.content or b"")
                known = known_error(op_label, response.status_code, tracebacks)
                if known is not None:
                    outcome.known_hits[known.operation] += 1
                checks = [no_leak] if known else [not_a_server_error, no_leak]
                try:
                    case.validate_response(response, checks=checks)
                    if refused:
                        assert response.status_code in REFUSED, (
                            f"{response.status_code} for another user's private id:\n"
                            f"{case.as_curl_command(headers=headers)}"
                        )
                except BaseException as exc:
                    if tracebacks:
                        exc.add_note("server traceback:\n" + "\n".join(tracebacks))
                    raise

            try:
                run_examples(strategy, examples, one)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis: a BaseExceptionGroup
                outcome.problems.append(f"{label}: {_describe(exc)}")

    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        attempt(label, label, operation.as_strategy(), GENERATED_EXAMPLES, refused=False)
        for whose, ids in (("another user's", fuzzee.others_ids), ("own", fuzzee.own_ids)):
            for path, query in fixed_id_cases(operation, ids):
                fixed = {"path_parameters": path} if path else {"query": query}
                refused = whose != "own" and must_refuse(operation, path)
                attempt(
                    label,
                    f"{label} with {whose} {path or query}",
                    operation.as_strategy(**fixed),
                    FIXED_ID_EXAMPLES,
                    refused,
                )
    return outcome


def _describe(exc: BaseException) -> str:
    notes = "\n".join(getattr(exc, "__notes__", []))
    return f"{type(exc).__name__}: {exc}\n{notes}".strip()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["sales_east", "sales_north"])
def test_fuzzing_the_api_finds_no_server_error_and_no_other_users_private_data(fuzzees, who):
    started = time.monotonic()
    with hypothesis_left_as_found():
        outcome = fuzz(fuzzees[who])
    print(
        f"{who}: {outcome.sent} requests in {time.monotonic() - started:.1f} s, "
        f"statuses {dict(sorted(outcome.statuses.items()))}, "
        f"known server errors let through {dict(outcome.known_hits)}"
    )
    problems = outcome.problems
    assert not problems, f"{len(problems)} problems as {who}:\n\n" + "\n\n".join(problems)
    assert outcome.sent > 500, outcome.sent  # every operation was tried, not an empty schema
    # The requests were made as this user: their own documents were shown to them.
    assert outcome.own_data_seen and outcome.statuses[200] > 50, outcome.statuses


@pytest.mark.django_db(transaction=True)
def test_the_leak_check_sees_ids_only_where_documents_are_named():
    private = Private(document_ids=frozenset({7}), strings=frozenset({"星河采购合同"}))
    check: Callable = leak_check(private)

    class Response:
        def __init__(self, body: str) -> None:
            self.content = body.encode()

    check(None, Response('{"count": 7, "results": [{"id": 7, "name": "合同"}]}'), None)
    for body in (
        '{"results": [{"id": 7, "archive_number": "HT-1"}]}',
        '{"id": 1, "document": 7}',
        '{"error": {"message": "星河采购合同"}}',
        '{"error": {"message": "\\u661f\\u6cb3\\u91c7\\u8d2d\\u5408\\u540c"}}',
    ):
        with pytest.raises(AssertionError):
            check(None, Response(body), None)
