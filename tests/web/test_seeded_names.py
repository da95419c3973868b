"""Docket's own roles and document types (the migrations seed them in Chinese) are named in the
reader's language on every page that shows them, while they keep the seeded name; a renamed
one, and one a company created, keep the name they were given. Nothing stored changes, and
the API keeps the stored names."""

import io
import re

import pytest
from django.test import Client

from docket.access import seeds
from docket.access.models import Role
from docket.accounts.preferences import language_set
from docket.customers.services import customer_create
from docket.documents import catalog
from docket.documents.models import DocumentType
from docket.documents.services import document_delete, document_upload
from tests.conftest import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return user_with_role("itadmin", role=seeds.ADMINISTRATOR)


@pytest.fixture
def contract(admin, contract_type, contract_pdf):
    customer = customer_create(actor=admin, name="上海ABC贸易有限公司", owner=admin)
    return document_upload(
        actor=admin,
        file=io.BytesIO(contract_pdf),
        filename="购销合同.pdf",
        customer=customer,
        document_type=contract_type,
        title="购销合同",
    )


def reader(user, language: str) -> Client:
    language_set(user=user, language=language)
    client = Client()
    client.force_login(user)
    return client


def offers(page: str, type_or_role, label: str, selected: str = "") -> bool:
    """Whether a <select> of the page offers this type or role under this label."""
    pattern = rf'<option value="{type_or_role.pk}" ?{selected}>{re.escape(label)}</option>'
    return re.search(pattern, page) is not None


def test_the_documents_list_names_a_seeded_type_in_english_and_in_chinese(
    admin, contract, contract_type
):
    english = reader(admin, "en").get("/documents/").content.decode()
    assert offers(english, contract_type, "Contract")  # the filter
    assert 'class="on"' not in english and 'Contract <span class="count">1</span>' in english
    assert "<span>Contract</span>" in english and "<span>合同</span>" not in english  # the hit
    chinese = reader(admin, "zh-hans").get("/documents/").content.decode()
    assert offers(chinese, contract_type, "合同") and "Contract" not in chinese
    assert '合同 <span class="count">1</span>' in chinese


def test_a_type_filter_in_english_or_chinese_reads_as_the_readers_name(admin, contract):
    client = reader(admin, "en")
    for query in ("type:contract", "type:合同", "type:HT"):
        page = client.get("/documents/", {"q": query}).content.decode()
        assert "1 document" in page and '<span class="chip">type: Contract</span>' in page


def test_a_renamed_seeded_type_and_a_companys_own_type_keep_their_names_in_english(admin):
    invoice = DocumentType.objects.get(code="FP")
    catalog.document_type_update(actor=admin, document_type=invoice, name="增值税专用发票")
    audit_report = catalog.document_type_create(actor=admin, name="审计报告", code="SJBG")
    client = reader(admin, "en")
    for url in ("/documents/", "/upload/"):
        page = client.get(url).content.decode()
        assert offers(page, invoice, "增值税专用发票") and "Invoice" not in page
        assert offers(page, audit_report, "审计报告")
        assert offers(page, DocumentType.objects.get(code="BJD"), "Quotation")
    types = client.get("/manage/types/").content.decode()
    assert '<th scope="row">增值税专用发票</th>' in types
    assert '<th scope="row">审计报告</th>' in types and '<th scope="row">Contract</th>' in types


def test_the_document_customer_dashboard_and_trash_pages_name_the_type_in_english(
    admin, contract, contract_type
):
    client = reader(admin, "en")
    document = client.get(f"/documents/{contract.pk}/").content.decode()
    assert "<dd>Contract</dd>" in document and "<span>Contract</span>" in document
    form = client.get(f"/documents/{contract.pk}/edit/").content.decode()
    assert offers(form, contract_type, "Contract", selected="selected")
    customer = client.get(f"/customers/{contract.customer_id}/").content.decode()
    assert f'<h3 id="type-{contract_type.pk}">Contract' in customer  # the type's group
    assert '<td title="Contract">Contract</td>' in client.get("/").content.decode()  # recent
    document_delete(actor=admin, document=contract)
    assert "<td>Contract</td>" in client.get("/documents/trash/").content.decode()


def test_the_type_page_names_it_in_english_and_edits_the_stored_name(admin, contract_type):
    page = reader(admin, "en").get(f"/manage/types/{contract_type.pk}/").content.decode()
    assert "Document type: Contract</h1>" in page
    assert "each user reads it in their own language as long as it stays 合同" in page
    assert 'value="合同"' in page  # the name field: what is stored


def test_the_roles_and_users_pages_name_seeded_roles_in_english_and_chinese(admin):
    legal = Role.objects.create(code="fawu", name="法务", description="合同审核")
    english = reader(admin, "en")
    roles = english.get("/manage/roles/").content.decode()
    assert '<span class="role-name">Sales</span>' in roles
    assert "Paper records, retention periods and all metadata" in roles
    assert '<span class="role-name">法务</span>' in roles and "合同审核" in roles
    assert "销售" not in roles and "档案管理员" not in roles
    users = english.get("/manage/users/").content.decode()
    assert "<td>IT administrator</td>" in users
    user = english.get(f"/manage/users/{admin.pk}/").content.decode()
    sales = Role.objects.get(code=seeds.SALES)
    assert offers(user, sales, "Sales") and offers(user, legal, "法务")
    role = english.get(f"/manage/roles/{sales.pk}/").content.decode()
    assert "Role: Sales</h1>" in role and 'value="销售"' in role
    chinese = reader(admin, "zh-hans").get("/manage/roles/").content.decode()
    assert '<span class="role-name">销售</span>' in chinese and "Sales" not in chinese


def test_a_renamed_seeded_role_shows_its_new_name_in_english(admin):
    manager = Role.objects.get(code=seeds.MANAGER)
    answer = reader(admin, "en").post(
        f"/manage/roles/{manager.pk}/",
        {
            "name": "区域经理",
            "description": manager.description,
            "scope": manager.scope,
            "permissions": manager.permissions,
            "capabilities": manager.capabilities,
        },
        follow=True,
    )
    page = answer.content.decode()
    assert "Role 区域经理 was saved." in page and '<span class="role-name">区域经理</span>' in page
    assert "Every document of the team" in page  # the description is still the seeded one


def test_nothing_stored_changes_and_the_api_keeps_the_stored_names(admin, contract):
    client = reader(admin, "en")
    assert client.get("/documents/").status_code == 200
    names = {t["code"]: t["name"] for t in client.get("/api/document-types/").json()["results"]}
    assert names["HT"] == "合同" and names["FP"] == "发票"
    roles = {r["code"]: r["name"] for r in client.get("/api/access/roles/").json()["results"]}
    assert roles[seeds.SALES] == "销售"
    assert DocumentType.objects.get(code="HT").name == "合同"
