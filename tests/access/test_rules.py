"""What each role may do, through the API: deny by default, role scopes, grants to users and
teams, and confidentiality against clearance."""

import pytest

from docket.access import services
from docket.access.models import Level, Permission
from docket.documents.models import Document
from tests.access.conftest import SECRET_TITLE
from tests.conftest import client_for, download, named_file


def listed_ids(user) -> set[int]:
    response = client_for(user).get("/api/documents/?page_size=100")
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def status(user, url: str) -> int:
    return client_for(user).get(url).status_code


def test_sales_sees_and_downloads_the_documents_of_customers_they_own(world):
    assert listed_ids(world.sales_east) == {world.document.id}
    response, body = download(
        client_for(world.sales_east), f"/api/documents/{world.document.id}/download/"
    )
    assert response.status_code == 200
    assert "上海ABC贸易有限公司".encode() in body


def test_sales_may_not_edit_or_delete_even_their_own_customers_documents(world):
    api = client_for(world.sales_east)
    url = f"/api/documents/{world.document.id}/"
    assert api.patch(url, {"title": "改名"}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    world.document.refresh_from_db()
    assert world.document.title == "购销合同HT-2023-0101" and world.document.deleted_at is None


def test_a_document_above_the_sales_clearance_does_not_exist_for_them(world):
    assert world.secret.id not in listed_ids(world.sales_east)
    assert status(world.sales_east, f"/api/documents/{world.secret.id}/") == 404


def test_sales_of_the_same_team_who_do_not_own_the_customer_see_nothing_of_it(world):
    assert listed_ids(world.sales_east_2) == set()
    assert status(world.sales_east_2, f"/api/documents/{world.document.id}/") == 404
    assert status(world.sales_east_2, f"/api/customers/{world.customer.id}/") == 404


def test_a_grant_on_the_customer_opens_all_of_its_documents_within_clearance(world):
    services.grant_add(
        actor=world.administrator,
        permission=Permission.VIEW,
        user=world.sales_east_2,
        customer=world.customer,
    )
    assert listed_ids(world.sales_east_2) == {world.document.id}
    # view is not download
    assert status(world.sales_east_2, f"/api/documents/{world.document.id}/download/") == 403


def test_a_grant_on_one_document_opens_that_document_only(world):
    extra = Document.objects.create(
        customer=world.customer,
        document_type=world.document.document_type,
        title="另一份合同",
        archive_number="HT-EXTRA-1",
    )
    services.grant_add(
        actor=world.administrator,
        permission=Permission.VIEW,
        user=world.sales_north,
        document=world.document,
    )
    assert listed_ids(world.sales_north) == {world.other_document.id, world.document.id}
    assert extra.id not in listed_ids(world.sales_north)
    # seeing one document shows its customer, with a count of only what they may see
    response = client_for(world.sales_north).get(f"/api/customers/{world.customer.id}/")
    assert response.status_code == 200 and response.json()["document_count"] == 1


def test_a_grant_to_a_team_reaches_everyone_in_it(world):
    services.grant_add(
        actor=world.administrator,
        permission=Permission.DOWNLOAD,
        team=world.north,
        customer=world.customer,
    )
    services.grant_add(
        actor=world.administrator,
        permission=Permission.VIEW,
        team=world.north,
        customer=world.customer,
    )
    response, _ = download(
        client_for(world.sales_north), f"/api/documents/{world.document.id}/download/"
    )
    assert response.status_code == 200


def test_a_manager_edits_their_teams_customers_and_not_another_teams(world):
    api = client_for(world.manager_east)
    url = f"/api/documents/{world.document.id}/"
    assert api.patch(url, {"title": "购销合同（修订）"}, format="json").status_code == 200
    north = client_for(world.manager_north)
    assert north.patch(url, {"title": "不该改"}, format="json").status_code == 404
    assert world.other_document.id in listed_ids(world.manager_north)
    world.document.refresh_from_db()
    assert world.document.title == "购销合同（修订）"


def test_a_manager_of_the_department_covers_every_team_below_it(world):
    from tests.conftest import user_with_role

    head = user_with_role("sunqiang", "manager", team=world.east.parent, clearance=Level.INTERNAL)
    assert listed_ids(head) == {world.document.id, world.other_document.id}


def test_an_archivist_sees_all_metadata_but_not_content_above_their_clearance(world):
    assert world.secret.id in listed_ids(world.archivist)
    assert status(world.archivist, f"/api/documents/{world.secret.id}/") == 200
    for path in ("download/", "thumbnail/", "diff/?from=1&to=1"):
        assert status(world.archivist, f"/api/documents/{world.secret.id}/{path}") == 403, path
    found = client_for(world.archivist).get("/api/search/", {"q": "绝密报价"}).json()
    assert found["count"] == 0


def test_clearance_raised_to_the_documents_level_opens_its_content(world):
    services.member_set(actor=world.administrator, user=world.archivist, clearance=Level.TOP_SECRET)
    response, body = download(
        client_for(world.archivist), f"/api/documents/{world.secret.id}/download/"
    )
    assert response.status_code == 200 and SECRET_TITLE.encode() in body


def test_the_administrator_sees_everything_including_top_secret(world):
    assert listed_ids(world.administrator) >= {world.document.id, world.secret.id}


def test_a_user_without_a_role_sees_nothing(world):
    assert listed_ids(world.no_role) == set()
    assert client_for(world.no_role).get("/api/customers/").json()["count"] == 0
    assert client_for(world.no_role).get("/api/search/", {"q": "合同"}).json()["count"] == 0


def test_search_results_and_facets_count_only_what_the_user_may_see(world):
    found = client_for(world.sales_north).get("/api/search/", {"q": "合同"}).json()
    assert [hit["id"] for hit in found["results"]] == [world.other_document.id]
    customers = {row["name"]: row["count"] for row in found["facets"]["customer"]}
    assert customers == {"北京星河科技有限公司": 1}


def test_upload_to_a_customer_the_user_may_not_see_is_refused_and_nothing_is_stored(
    world, contract_pdf, blob_root
):
    before = Document.all_objects.count()
    blobs_before = sorted(p for p in blob_root.rglob("*") if p.is_file())
    response = client_for(world.sales_north).post(
        "/api/documents/",
        {
            "file": named_file(contract_pdf, "合同.pdf"),
            "customer": world.customer.id,
            "type": "合同",
        },
        format="multipart",
    )
    assert response.status_code in (403, 404)
    assert Document.all_objects.count() == before
    assert sorted(p for p in blob_root.rglob("*") if p.is_file()) == blobs_before


def test_sales_upload_to_their_own_customer(world, contract_pdf):
    response = client_for(world.sales_east).post(
        "/api/documents/",
        {
            "file": named_file(contract_pdf, "合同.pdf"),
            "customer": world.customer.id,
            "type": "合同",
        },
        format="multipart",
    )
    assert response.status_code == 201


def test_a_sales_user_who_adds_a_customer_owns_it(world):
    api = client_for(world.sales_north)
    response = api.post("/api/customers/", {"name": "广州新客户有限公司"}, format="json")
    assert response.status_code == 201
    assert api.get(f"/api/customers/{response.json()['id']}/").status_code == 200


def test_only_catalog_managers_change_document_types(world):
    body = {"name": "保密协议", "code": "BM"}
    assert client_for(world.sales_east).post("/api/document-types/", body).status_code == 403
    assert client_for(world.archivist).post("/api/document-types/", body).status_code == 201


@pytest.mark.parametrize("who", ["manager_east", "administrator"])
def test_managers_and_administrators_grant_access(world, who):
    response = client_for(getattr(world, who)).post(
        "/api/access/grants/",
        {"permission": "view", "user": world.sales_east_2.id, "customer": world.customer.id},
        format="json",
    )
    assert response.status_code == 201
    assert listed_ids(world.sales_east_2) == {world.document.id}


def test_sales_may_not_grant_access_even_to_their_own_customer(world):
    response = client_for(world.sales_east).post(
        "/api/access/grants/",
        {"permission": "view", "user": world.sales_north.id, "customer": world.customer.id},
        format="json",
    )
    assert response.status_code == 403
    assert world.document.id not in listed_ids(world.sales_north)


def test_only_user_administrators_read_or_change_roles_and_members(world):
    assert client_for(world.manager_east).get("/api/access/roles/").status_code == 403
    api = client_for(world.administrator)
    assert {r["code"] for r in api.get("/api/access/roles/").json()["results"]} >= {
        "sales",
        "manager",
        "archivist",
        "administrator",
    }
    member = world.no_role
    response = api.post(
        "/api/access/members/",
        {"user": member.id, "role": api.get("/api/access/roles/").json()["results"][0]["id"]},
        format="json",
    )
    assert response.status_code == 201


def test_only_catalog_managers_change_tags_and_filing_rules(world):
    tag = {"name": "重要客户"}
    assert client_for(world.sales_east).post("/api/tags/", tag).status_code == 403
    assert client_for(world.archivist).post("/api/tags/", tag).status_code == 201
    assert client_for(world.sales_east).get("/api/tags/").status_code == 200
    rule = {"target_kind": "tag", "target_id": 1, "mode": "any", "pattern": "保密"}
    assert client_for(world.sales_east).post("/api/rules/", rule).status_code == 403
