"""The index commits with the data: every write that changes a document's text, title, tags,
notes or customer name changes its entry in the same transaction."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from docket.customers.services import customer_merge
from docket.documents.models import Document
from docket.documents.services import (
    document_update,
    version_add_from_blob,
    version_restore,
)
from docket.search.backends import get_backend
from docket.storage.blobstore import get_blob_store
from tests.conftest import named_file
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db


def _new_version(user, document: Document, text: str) -> None:
    blob = get_blob_store().put(io.BytesIO(text.encode() + b"\n#2"))
    version_add_from_blob(
        actor=user,
        document=document,
        blob=blob,
        mime_type="text/plain",
        filename="v.txt",
        text=text,
    )


def test_a_new_version_replaces_the_old_text_in_the_index(make_doc, find, user):
    document = make_doc("旧条款")
    _new_version(user, document, "新条款")
    assert ids(find("新条款")) == {document.id}
    assert ids(find("旧条款")) == set()
    version_restore(actor=user, document=document, number=1)
    assert ids(find("旧条款")) == {document.id}
    assert ids(find("新条款")) == set()


def test_editing_title_notes_and_tags_is_searchable_at_once(make_doc, find, user):
    from docket.documents.models import Tag

    document = make_doc("正文")
    document_update(
        actor=user,
        document=document,
        title="补充协议",
        notes="原件在档案室",
        tags=[Tag.objects.create(name="加急")],
    )
    assert ids(find("补充协议")) == ids(find("档案室")) == ids(find("加急")) == {document.id}
    document_update(actor=user, document=document, tags=[])
    assert ids(find("加急")) == set()


def test_a_merged_customers_documents_carry_the_new_name(make_doc, find, user, other_customer):
    document = make_doc("正文", customer=other_customer)
    customer_merge(
        actor=user,
        source=other_customer,
        target=document.customer.__class__.objects.get(name="上海ABC贸易有限公司"),
    )
    assert ids(find("星河")) == set()
    assert ids(find("上海ABC")) >= {document.id}


def test_a_write_that_fails_leaves_no_entry(make_doc, find):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_doc("回滚的文本")
        raise RuntimeError("crash mid-write")
    assert find("回滚的文本").count == 0
    assert Document.all_objects.count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM search_index")
        assert cursor.fetchone()[0] == 0


def test_text_extracted_in_the_background_is_indexed(api, customer, contract_type, run_tasks, find):
    response = api.post(
        "/api/documents/",
        {
            "file": named_file("本合同约定的仲裁地点为上海。".encode(), "合同.txt"),
            "customer": customer.id,
            "type": contract_type.id,
        },
        format="multipart",
    )
    assert response.status_code in (201, 202), response.content
    assert find("仲裁地点").count == 0  # not extracted yet
    run_tasks()
    assert ids(find("仲裁地点")) == {response.json()["id"]}


def test_reindex_rebuilds_every_entry(make_doc, find):
    documents = [make_doc(f"条款{n}") for n in "一二三"]
    get_backend().delete([d.id for d in documents])
    assert find("条款").count == 0
    call_command("reindex", stdout=io.StringIO())
    assert ids(find("条款")) == {d.id for d in documents}


def test_migrate_builds_the_index_of_an_installation_that_had_none(make_doc, find):
    documents = [make_doc(f"条款{n}") for n in "一二"]
    get_backend().delete([d.id for d in documents])
    call_command("migrate", verbosity=0)
    assert ids(find("条款")) == {d.id for d in documents}
