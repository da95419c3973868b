import datetime
import io
import itertools
from collections.abc import Callable

import pytest

from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.documents.models import Document, DocumentType, Tag
from docket.documents.services import document_create_from_blob
from docket.search import engine
from docket.search.backends import get_backend, postgres
from docket.search.engine import SearchParams, SearchResult, search
from docket.storage.blobstore import get_blob_store

_unique = itertools.count()


@pytest.fixture
def invoice_type(db) -> DocumentType:
    return DocumentType.objects.get_or_create(name="发票", defaults={"code": "FP"})[0]


@pytest.fixture
def other_customer(user) -> Customer:
    return customer_create(actor=user, name="北京星河科技")


@pytest.fixture
def make_doc(user, customer, contract_type) -> Callable[..., Document]:
    """A document whose current version has this text (as the pipeline would file it)."""

    def make(
        text: str = "",
        *,
        title: str = "",
        customer: Customer = customer,
        document_type: DocumentType = contract_type,
        tags: list[str] = (),
        notes: str = "",
        document_date: datetime.date | None = None,
        actor=user,
    ) -> Document:
        # Unique bytes per document: the text alone might repeat.
        data = f"{next(_unique)}\n{text}".encode()
        blob = get_blob_store().put(io.BytesIO(data))
        return document_create_from_blob(
            actor=actor,
            blob=blob,
            mime_type="text/plain",
            filename=f"{title or 'doc'}.txt",
            customer=customer,
            document_type=document_type,
            title=title or "文档",
            document_date=document_date,
            tags=[Tag.objects.get_or_create(name=name)[0] for name in tags],
            notes=notes,
            text=text,
        )

    return make


@pytest.fixture(params=["ranked", "each", "walk", "hinted walk"])
def every_path(request, monkeypatch) -> str:
    """Runs the test through each way the engine finds matches (engine.run): all of them,
    ranked, when few documents in the index match; each document looked up in the index when
    the filters leave few; a walk of the index; or, on PostgreSQL, a walk narrowed by the
    filters' hints (search/hints.py) whatever share of documents the words are in."""
    monkeypatch.setattr(postgres, "BUCKET_IDS", 2)  # a walk newest first crosses buckets
    if request.param != "ranked":
        monkeypatch.setattr(engine, "RANK_CAP", 0)
    if request.param == "each":
        monkeypatch.setattr(type(get_backend()), "lookup_cost", 1e-9)  # lookups next to free
    if request.param in ("walk", "hinted walk"):
        monkeypatch.setattr(engine, "FEW_DOCUMENTS", 0)
    if request.param == "hinted walk":
        monkeypatch.setattr(engine, "HINTED_SHARE", float("inf"))
    return request.param


@pytest.fixture
def find(user) -> Callable[..., SearchResult]:
    def run(q: str = "", *, as_user=user, today: datetime.date | None = None, **params):
        params.setdefault("understand", False)
        return search(user=as_user, params=SearchParams(q=q, **params), today=today)

    return run


def ids(result: SearchResult) -> set[int]:
    return {hit.document.id for hit in result.hits}
