"""The trash in the web UI: moving a document there from its page (for those who may delete
it, refused under another's check-out), the trash page (only what the user may see, paged,
restorable by those who may delete), restoring, and the same in a real browser."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docket.access import seeds
from docket.access.models import Team
from docket.audit.models import AuditEvent
from docket.customers.services import customer_create
from docket.documents.models import Document
from docket.documents.services import document_delete
from tests.conftest import user_with_role
from tests.web.test_document_page import Office, filed, make_office

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


@pytest.fixture
def office(db) -> Office:
    return make_office()


def trash(client, document) -> object:
    return client.post(f"/documents/{document.id}/trash/")


def trashed(document) -> Document:
    return Document.all_objects.get(pk=document.pk)


def test_a_manager_moves_a_document_to_the_trash_and_is_told_so_on_the_documents_list(
    client, office
):
    client.force_login(office.manager)
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert f'action="/documents/{office.document.id}/trash/"' in page
    assert 'data-confirm="将“购销合同”移到回收站？' in page  # docket.js asks before it is sent
    assert "移到回收站" in page

    response = trash(client, office.document)
    assert response.status_code == 302 and response["Location"] == "/documents/"
    listing = client.get("/documents/").content.decode()
    assert "“购销合同”已移到回收站，可在回收站中恢复。" in listing
    assert f'href="/documents/{office.document.id}/"' not in listing
    document = trashed(office.document)
    assert document.deleted_at is not None and document.deleted_by == office.manager
    event = AuditEvent.objects.filter(action=Action.DELETE).get()  # what the service records
    assert event.document_id == document.id and event.actor == office.manager
    assert client.get(f"/documents/{document.id}/").status_code == 404  # in the trash now


def denials() -> list[tuple[str, int | None, str, dict]]:
    events = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).order_by("seq")
    return [(e.actor_name, e.document_id, e.action, e.details) for e in events]


def test_sales_without_the_delete_permission_are_refused_and_nothing_is_trashed(client, office):
    client.force_login(office.owner)  # sales: view, download, upload
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "/trash/" not in page and "移到回收站" not in page

    response = trash(client, office.document)
    assert response.status_code == 403
    assert "您没有执行此操作的权限。" in response.content.decode()
    client.force_login(office.outsider)  # may not even see it
    assert trash(client, office.document).status_code == 404
    assert trashed(office.document).deleted_at is None
    assert not AuditEvent.objects.filter(action=Action.DELETE).exists()


def test_a_refused_move_to_the_trash_is_audited_as_denied_as_a_refused_restore_is(client, office):
    path = f"/documents/{office.document.id}/trash/"
    client.force_login(office.owner)
    assert trash(client, office.document).status_code == 403
    client.force_login(office.outsider)  # a 404 tells nothing, and records nothing
    assert trash(client, office.document).status_code == 404
    assert denials() == [("wangfang", office.document.id, "edit", {"method": "POST", "path": path})]
    assert trashed(office.document).deleted_at is None


def test_a_document_checked_out_by_someone_else_is_refused_naming_them_in_chinese(client, office):
    client.force_login(office.archivist)
    client.post(f"/documents/{office.document.id}/checkout/", {"hours": 8})
    client.force_login(office.manager)
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "移到回收站" not in page  # the banner says who holds it

    response = trash(client, office.document)
    assert response.status_code == 423
    assert "huangli 已检出此文档，至" in response.content.decode()
    assert trashed(office.document).deleted_at is None
    path = f"/documents/{office.document.id}/trash/"
    assert denials() == [  # audited as a refused restore is
        ("chenjing", office.document.id, "edit", {"method": "POST", "path": path})
    ]


def test_the_holder_of_the_check_out_may_trash_it(client, office):
    client.force_login(office.manager)
    client.post(f"/documents/{office.document.id}/checkout/", {"hours": 8})
    assert "移到回收站" in client.get(f"/documents/{office.document.id}/").content.decode()
    assert trash(client, office.document).status_code == 302
    assert trashed(office.document).deleted_at is not None


def test_moving_to_the_trash_takes_a_post_and_an_existing_document(client, office):
    client.force_login(office.manager)
    assert client.get(f"/documents/{office.document.id}/trash/").status_code == 405
    assert client.post("/documents/999999/trash/").status_code == 404
    assert trashed(office.document).deleted_at is None


def north_office_document(office: Office) -> Document:
    """A document of another team's customer, trashed by the system (no one known)."""
    north = Team.objects.get(name="华北销售组")
    owner = user_with_role("yangmin", seeds.SALES, team=north)
    customer = customer_create(actor=None, name="北京星河科技有限公司", owner=owner)
    return document_delete(actor=None, document=filed(customer, title="星河采购合同"))


def test_the_trash_lists_only_what_the_user_may_see_and_offers_restore_where_they_may(
    client, office
):
    document_delete(actor=office.manager, document=office.document)
    north_office_document(office)

    client.force_login(office.manager)
    listing = client.get("/documents/").content.decode()
    assert 'href="/documents/trash/"' in listing and "回收站" in listing
    page = client.get("/documents/trash/").content.decode()
    assert "<h1>回收站</h1>" in page and "1 份文档" in page
    for shown in ("购销合同", "上海ABC贸易有限公司", "合同", office.document.archive_number):
        assert shown in page
    assert "<td>chenjing</td>" in page  # who moved it to the trash
    assert "星河采购合同" not in page and "北京星河科技有限公司" not in page
    assert f'action="/documents/trash/{office.document.id}/restore/"' in page

    client.force_login(office.owner)  # sees their customer's document, may not restore it
    assert 'href="/documents/trash/"' not in client.get("/documents/").content.decode()
    page = client.get("/documents/trash/").content.decode()
    assert "购销合同" in page and "/restore/" not in page and "星河采购合同" not in page

    client.force_login(office.archivist)  # every customer's metadata; restores none
    page = client.get("/documents/trash/").content.decode()
    assert "购销合同" in page and "星河采购合同" in page and "/restore/" not in page
    assert '<span class="muted">未知</span>' in page  # the system trashed the other one

    client.force_login(office.outsider)
    page = client.get("/documents/trash/").content.decode()
    assert "回收站是空的。" in page and "购销合同" not in page


def test_a_manager_restores_a_document_from_the_trash(client, office):
    document_delete(actor=office.manager, document=office.document)
    client.force_login(office.manager)

    response = client.post(f"/documents/trash/{office.document.id}/restore/")
    assert response.status_code == 302 and response["Location"] == "/documents/trash/"
    page = client.get("/documents/trash/").content.decode()
    assert "“购销合同”已从回收站恢复。" in page and "回收站是空的。" in page
    document = trashed(office.document)
    assert document.deleted_at is None and document.deleted_by is None
    event = AuditEvent.objects.filter(action=Action.RESTORE_FROM_TRASH).get()
    assert event.document_id == document.id and event.actor == office.manager
    assert client.get(f"/documents/{document.id}/").status_code == 200

    again = client.post(f"/documents/trash/{office.document.id}/restore/")  # another tab
    assert again.status_code == 409 and "此文档不在回收站中" in again.content.decode()


def test_restoring_is_refused_to_those_who_may_not_delete_and_takes_a_post(client, office):
    document_delete(actor=office.manager, document=office.document)
    client.force_login(office.owner)
    response = client.post(f"/documents/trash/{office.document.id}/restore/")
    assert response.status_code == 403
    denied = AuditEvent.objects.get(outcome=AuditEvent.Outcome.DENIED)  # as the API's are
    assert denied.document_id == office.document.id and denied.actor == office.owner
    client.force_login(office.outsider)
    assert client.post(f"/documents/trash/{office.document.id}/restore/").status_code == 404
    client.force_login(office.manager)
    assert client.get(f"/documents/trash/{office.document.id}/restore/").status_code == 405
    assert client.post("/documents/trash/999999/restore/").status_code == 404
    assert trashed(office.document).deleted_at is not None


def test_the_trash_is_paged_and_in_english_when_chosen(client, office):
    for n in range(30):
        document_delete(actor=office.manager, document=filed(office.customer, title=f"报价单{n}"))
    client.force_login(office.manager)
    first = client.get("/documents/trash/").content.decode()
    assert "30 份文档" in first and "第 1 页，共 2 页" in first and "报价单29" in first
    assert "报价单0<" not in first  # the earliest trashed are on the next page
    second = client.get("/documents/trash/?page=2").content.decode()
    assert "报价单0<" in second and "报价单29" not in second

    client.post("/language/", {"language": "en", "next": "/documents/trash/"})
    page = client.get("/documents/trash/").content.decode()
    assert "<h1>Trash</h1>" in page and "Moved to the trash by" in page and ">Restore<" in page


def test_the_trash_page_makes_as_many_queries_for_25_documents_as_for_2(client, office):
    client.force_login(office.manager)

    def add(count: int) -> None:
        for n in range(count):
            document_delete(actor=office.manager, document=filed(office.customer, title=f"{n}"))

    add(2)
    client.get("/documents/trash/")  # the session's first use writes to it
    with CaptureQueriesContext(connection) as two:
        assert client.get("/documents/trash/").status_code == 200
    add(23)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/documents/trash/").content.decode()
    assert page.count("/restore/") == 25
    assert len(many.captured_queries) == len(two.captured_queries)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_a_manager_trashes_a_document_after_confirming_and_restores_it(page):
    from playwright.sync_api import expect

    from tests.web.conftest import shot, sign_in

    seeds.ensure_roles()  # a transactional test starts without the migration's seeds
    east = Team.objects.create(name="华东销售组")
    owner = user_with_role("wangfang", seeds.SALES, team=east)
    user_with_role("chenjing", seeds.MANAGER, password="pw-经理-2023-ok", team=east)
    customer = customer_create(actor=None, name="上海ABC贸易有限公司", owner=owner)
    document = filed(customer)
    questions: list[str] = []

    sign_in(page, "chenjing", "pw-经理-2023-ok")
    page.goto(f"/documents/{document.id}/")
    shot(page, "document-page-trash-action")
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="移到回收站").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("购销合同")  # stayed: cancelled
    assert questions == ["将“购销合同”移到回收站？它将从文档列表中移除，之后可在回收站中恢复。"]
    assert trashed(document).deleted_at is None

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="移到回收站").click()
    expect(page.get_by_role("status").first).to_contain_text("“购销合同”已移到回收站")
    assert page.url.endswith("/documents/")
    shot(page, "documents-trashed")
    page.get_by_role("link", name="回收站", exact=True).click()
    row = page.get_by_role("row").filter(has_text="购销合同")
    expect(row).to_contain_text("上海ABC贸易有限公司")
    expect(row).to_contain_text("chenjing")
    shot(page, "documents-trash")
    row.get_by_role("button", name="恢复").click()
    expect(page.get_by_role("status").first).to_contain_text("“购销合同”已从回收站恢复。")
    expect(page.get_by_text("回收站是空的。")).to_be_visible()
    assert trashed(document).deleted_at is None
    page.goto(f"/documents/{document.id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("购销合同")
