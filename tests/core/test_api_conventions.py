"""What every API endpoint shares: auth, errors, schema, docs."""

import re

from django.http import Http404
from django.test import override_settings
from rest_framework.test import APIClient


def test_token_is_issued_for_valid_credentials_and_works(user):
    client = APIClient()
    bad = client.post(
        "/api/auth/token/", {"username": "zhangwei", "password": "wrong"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid"
    good = client.post(
        "/api/auth/token/", {"username": "zhangwei", "password": "pw-张伟-123"}, format="json"
    )
    assert good.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    assert client.get("/api/customers/").status_code == 200


def test_a_wrong_token_is_401_in_the_common_error_shape(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/documents/")
    assert response.status_code == 401
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == "authentication_failed"


def test_session_auth_works_for_the_browsable_api(client, user):
    client.force_login(user)
    assert client.get("/api/documents/", HTTP_ACCEPT="application/json").status_code == 200


def test_unknown_route_and_wrong_method_are_errors_not_crashes(api):
    assert api.get("/api/documents/1/nonsense/").status_code == 404
    response = api.put("/api/documents/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@override_settings(DEBUG=False)  # with DEBUG on, Django shows its technical page instead
def test_an_unknown_address_under_the_api_is_a_json_404_and_elsewhere_the_html_page(api, client):
    for path in ("/api/nonexistent/", "/api/documents/1/nonsense/", "/api/customers/x/y/z/"):
        response = api.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json() == {
            "error": {"code": "not_found", "message": f"no such address in the API: {path}"}
        }
    anonymous = APIClient().post("/api/nonexistent/", {}, format="json")  # no sign-in needed
    assert anonymous.status_code == 404 and anonymous.json()["error"]["code"] == "not_found"
    page = client.get("/nonexistent/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert "页面不存在" in page.content.decode()
    assert client.get("/api-auth/nonexistent/")["Content-Type"].startswith("text/html")


@override_settings(DEBUG=False)
def test_a_404_raised_inside_an_api_view_is_json_too(api, monkeypatch):
    from docket.documents import selectors

    def missing(**kwargs):
        raise Http404("no such thing")

    monkeypatch.setattr(selectors, "document_list", missing)
    response = api.get("/api/documents/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_schema_lists_the_public_paths(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/customers/",
        "/api/customers/{id}/",
        "/api/documents/",
        "/api/documents/{id}/",
        "/api/documents/{id}/download/",
        "/api/documents/{id}/versions/",
        "/api/documents/{id}/versions/{number}/download/",
        "/api/documents/{id}/versions/{number}/restore/",
        "/api/documents/{id}/diff/",
        "/api/documents/{id}/checkout/",
        "/api/tasks/{task_id}/",
        "/api/auth/token/",
    ]:
        assert path in paths, path


def test_api_docs_page_loads_its_assets_locally_never_from_a_cdn(client, user):
    client.force_login(user)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the docs page should load Swagger UI assets"
    assert all(not a.startswith(("http://", "https://", "//")) for a in assets), assets
    for asset in assets:
        if asset.startswith("/static/"):
            served = client.get(asset)
            assert served.status_code == 200, asset
            served.close()


def test_an_unexpected_server_error_is_json_for_api_clients(user, monkeypatch):
    from docket.documents import selectors

    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "document_list", explode)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    response = client.get("/api/documents/")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "server_error", "message": "the server failed; it was logged"}
    }
    assert "boom" not in response.content.decode()


def test_admin_lists_customers_and_documents_for_an_administrator(client, admin_user, customer):
    client.force_login(admin_user)
    for url in (
        "/admin/customers/customer/",
        "/admin/documents/document/",
        f"/admin/customers/customer/{customer.id}/change/",
    ):
        assert client.get(url).status_code == 200, url
