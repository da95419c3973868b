"""A small company: two sales teams under one department, each role, and a customer whose
documents only some of them may see."""

import io
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser

from docket.access import seeds
from docket.access.models import Level, Team
from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.documents.models import Document, DocumentType
from docket.documents.services import document_create_from_blob
from docket.storage.blobstore import get_blob_store
from tests.conftest import user_with_role

SECRET_TITLE = "华东绝密报价单"
PRIVATE_TEXT = "上海ABC贸易有限公司 合同金额 ¥128,000.00 签订日期 2023年1月1日"


@dataclass
class World:
    east: Team
    north: Team
    sales_east: AbstractBaseUser  # owns the private customer
    sales_east_2: AbstractBaseUser  # same team, does not own it
    sales_north: AbstractBaseUser
    manager_east: AbstractBaseUser
    manager_north: AbstractBaseUser
    archivist: AbstractBaseUser  # clearance 内部
    administrator: AbstractBaseUser
    no_role: AbstractBaseUser
    customer: Customer  # 上海ABC贸易有限公司, owned by sales_east
    document: Document  # 内部
    secret: Document  # 机密
    other_customer: Customer  # owned by sales_north
    other_document: Document


def make_document(customer: Customer, title: str, level: int, text: str = PRIVATE_TEXT):
    doc_type = DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0]
    blob = get_blob_store().put(io.BytesIO(f"{title}\n{text}".encode()))
    document = document_create_from_blob(
        actor=None,
        blob=blob,
        mime_type="text/plain",
        filename=f"{title}.txt",
        customer=customer,
        document_type=doc_type,
        title=title,
        text=f"{title}\n{text}",
    )
    Document.objects.filter(pk=document.pk).update(confidentiality=level)
    document.refresh_from_db()
    return document


@pytest.fixture
def world(db) -> World:
    seeds.ensure_roles()
    department = Team.objects.create(name="销售部")
    east = Team.objects.create(name="华东销售组", parent=department)
    north = Team.objects.create(name="华北销售组", parent=department)
    people = {
        "sales_east": user_with_role("wangfang", seeds.SALES, team=east),
        "sales_east_2": user_with_role("zhaolei", seeds.SALES, team=east),
        "sales_north": user_with_role("liuyang", seeds.SALES, team=north),
        "manager_east": user_with_role("chenjing", seeds.MANAGER, team=east),
        "manager_north": user_with_role("yangmin", seeds.MANAGER, team=north),
        "archivist": user_with_role("huangli", seeds.ARCHIVIST, clearance=Level.INTERNAL),
        "administrator": user_with_role("itadmin", seeds.ADMINISTRATOR),
    }
    from django.contrib.auth import get_user_model

    no_role = get_user_model().objects.create_user(username="guest", password="pw-guest-123")
    customer = customer_create(
        actor=None, name="上海ABC贸易有限公司", owner=people["sales_east"], region="上海"
    )
    other = customer_create(actor=None, name="北京星河科技有限公司", owner=people["sales_north"])
    return World(
        east=east,
        north=north,
        no_role=no_role,
        customer=customer,
        document=make_document(customer, "购销合同HT-2023-0101", Level.INTERNAL),
        secret=make_document(customer, SECRET_TITLE, Level.TOP_SECRET),
        other_customer=other,
        other_document=make_document(other, "星河采购合同", Level.INTERNAL, "北京星河科技 采购"),
        **people,
    )
