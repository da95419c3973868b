"""Every URL route, as every kind of outsider: no route shows or changes the private customer's
documents, whatever it is. The routes come from the URLconf itself, so a new endpoint is in
this test the day it is added; one without a rule below fails it."""

import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from docket.access import roles as access_roles
from docket.access import services as access_services
from docket.access.models import Permission, Role
from docket.accounts.tokens import api_token_issue
from docket.documents.models import Document
from docket.documents.services import document_delete
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_submit
from docket.search.models import SavedSearch
from tests.access.conftest import SECRET_TITLE, make_document
from tests.conftest import client_for

# Text that only the private customer's documents and their owner's records contain.
PRIVATE_MARKERS = ("上海ABC", "购销合同HT-2023-0101", SECRET_TITLE, "华东回收站合同", "128000")
OUTSIDERS = ["sales_north", "sales_east_2", "manager_north", "no_role"]
REFUSED = {403, 404}
# Routes with no data behind them, or that are the way in.
PUBLIC = re.compile(
    r"^(|api/|api/schema/|api/docs/"
    r"|api/auth/(login|token|logout|logout-everywhere|2fa/setup|2fa/confirm)/"
    r"|api-auth/.*|admin/login/|admin/logout/|login/|logout/|2fa/|language/)$"
)
ADMIN = re.compile(r"^admin/")
WEB = re.compile(r"^(?!api/|api-auth/|admin/)")  # the web UI: signed in with a session
MANAGE = re.compile(r"^manage/")  # the UI's administration: none of the outsiders may
# A web route's parameter, by name: which private object it is given.
WEB_PARAMETERS = {
    "document_id": "documents",
    "customer_id": "customers",
    "job_id": "ingest",
    "grant_id": "access/grants",
}
# Query strings that make a route look at private data (no private marker in them: the
# response may echo them).
QUERIES = {"api/search/": "?q=贸易 合同", "customers/picker/": "?q=shabc&scope=view"}


def all_routes() -> list[tuple[str, object]]:
    found = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append((prefix + str(pattern.pattern), pattern.callback))

    walk(get_resolver().url_patterns, "")
    plain = [(_plain(route), view) for route, view in found]
    return [(route, view) for route, view in plain if "format>" not in route]


def _plain(route: str) -> str:
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    return re.sub(r"\(\?P<format>[^)]*\)[^/]*", "<format>", route)


def methods_of(view: object) -> list[str]:
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    names = getattr(view, "actions", None) or getattr(cls, "http_method_names", ["get"])
    return sorted(m.upper() for m in names if m not in ("options", "head", "trace"))


@pytest.fixture
def private(world, contract_pdf):
    """Everything a route could be asked about, all of it the private customer's."""
    trashed = make_document(world.customer, "华东回收站合同", 1)
    document_delete(actor=None, document=trashed)
    job = ingest_submit(
        actor=world.sales_east,
        file=io.BytesIO(contract_pdf),
        filename="上海ABC合同.pdf",
        source=IngestJob.Source.UPLOAD,
        customer=world.customer,
    )
    saved = SavedSearch.objects.create(user=world.sales_east, name="上海ABC", query="上海ABC 合同")
    grant = access_services.grant_add(
        actor=None, permission=Permission.VIEW, user=world.sales_east_2, document=world.secret
    )
    # A role no one holds, that an administrator could delete (DELETE /api/access/roles/{id}/).
    unheld = access_roles.role_create(actor=None, name="法务", code="legal")
    ids = {
        "documents": world.document.id,
        "customers": world.customer.id,
        "trash": trashed.id,
        "ingest": job.id,
        "search/saved": saved.id,
        "access/grants": grant.id,
        "access/roles": unheld.id,
        "tasks": job.id,
        "auth/tokens": api_token_issue(user=world.sales_east, name="上海ABC同步")[0].id,
    }
    QUERIES["api/search/similar/"] = f"?document={world.document.id}"
    return world, ids


def concrete(route: str, ids: dict) -> str:
    """The route with its parameters filled in with the private objects' ids."""
    value = ids.get(_key(route, ids), 1)
    url = re.sub(r"\(\?P<pk>[^)]*\)|<[^>]*pk>|<str:task_id>", str(value), route)
    for name, key in WEB_PARAMETERS.items():
        url = re.sub(rf"<(int|uuid|str):{name}>", str(ids.get(key, 1)), url)
    url = re.sub(r"<int:(number|version|from_number|to_number)>", "1", url)
    if MANAGE.match(route):  # refused before any parameter is read
        url = re.sub(r"<int:\w+>", "1", url)
    url = re.sub(r"\(\?P<number>[^)]*\)", "1", url)
    if ADMIN.match(route):  # the admin refuses non-staff before it reads any parameter
        url = re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", "1", url)
    assert "<" not in url and "(" not in url, f"a parameter this test cannot fill: {route}"
    return "/" + url + QUERIES.get(route, "")


def _key(route: str, ids: dict) -> str | None:
    """Which private object a route's parameter names (the longest prefix that matches)."""
    keys = sorted(ids, key=len, reverse=True)
    return next((k for k in keys if f"api/{k}/" in route or route.startswith(f"{k}/")), None)


def assert_no_private_data(response, where: str) -> None:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace").replace(",", "")
    for marker in PRIVATE_MARKERS:
        assert marker not in text, f"{where} shows {marker!r}"


def test_every_route_refuses_outsiders_and_shows_them_no_private_data(private):
    world, ids = private
    routes = all_routes()
    assert len(routes) > 40  # the walk found the API, not an empty list
    checked = 0
    for route, view in routes:
        if PUBLIC.match(route):
            continue
        url = concrete(route, ids)
        for who in OUTSIDERS:
            api = client_for(getattr(world, who))
            if ADMIN.match(route) or WEB.match(route):
                api.force_login(getattr(world, who))
            methods = ["GET", "POST"] if WEB.match(route) else methods_of(view)
            for method in methods:
                response = getattr(api, method.lower())(url)
                where = f"{method} {url} as {who}"
                assert response.status_code < 500, where
                named = any(f":{name}>" in route for name in WEB_PARAMETERS)
                is_detail = (_key(route, ids) is not None or named) and bool(
                    re.search(r"<|\(\?P", route)
                )
                if ADMIN.match(route):
                    assert response.status_code in {302, 403, 404}, where
                elif MANAGE.match(route):
                    assert response.status_code in {403, 405}, where
                elif WEB.match(route) and is_detail:
                    assert response.status_code in REFUSED | {405}, where
                elif WEB.match(route):  # a page of lists: only what the user may see
                    assert response.status_code in {200, 302, 400, 403, 405}, where
                elif is_detail or method != "GET":
                    assert response.status_code in REFUSED | {400, 405}, where
                    if response.status_code in {400, 405}:
                        assert method != "GET" and not is_detail, where
                assert_no_private_data(response, where)
                checked += 1
    assert checked > 200
    # and nothing changed
    world.document.refresh_from_db()
    assert world.document.title == "购销合同HT-2023-0101" and world.document.deleted_at is None
    assert Document.all_objects.filter(customer=world.customer).count() == 3
    assert Role.objects.filter(code="legal").exists()


def test_every_document_route_keeps_content_above_clearance_from_an_archivist(private):
    """An archivist sees every document's metadata, and no route gives them the content of
    one above their clearance (机密 over 内部), nor lets them change it."""
    world, _ = private
    api = client_for(world.archivist)
    metadata = {"", "versions/", "history/"}
    checked = 0
    for route, view in all_routes():
        if not route.startswith(("api/documents/(?P<pk>", "api/documents/<int:pk>")):
            continue
        url = concrete(route, {"documents": world.secret.id})
        rest = url.split(f"/{world.secret.id}/", 1)[1]
        for method in methods_of(view):
            response = getattr(api, method.lower())(url)
            where = f"{method} {url}"
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert "128000" not in body.decode("utf-8", "replace").replace(",", ""), where
            if method == "GET" and rest in metadata:
                assert response.status_code == 200, where
            else:
                assert response.status_code == 403, where
            checked += 1
    assert checked >= 12
    world.secret.refresh_from_db()
    assert world.secret.title == SECRET_TITLE and world.secret.deleted_at is None
