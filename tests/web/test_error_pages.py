"""The pages for an address that leads nowhere (404.html) and for a crash (500.html): in the
site's frame and the user's language, with a way back, never Django's bare English page."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from docket.accounts.preferences import language_set
from docket.web.views import dashboard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug_off")]


@pytest.fixture
def debug_off():
    with override_settings(DEBUG=False):  # with DEBUG on, Django shows its technical pages
        yield


def test_an_unknown_address_shows_the_styled_page_in_chinese(client, user):
    client.force_login(user)
    answer = client.get("/nonexistent/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert '<html lang="zh-hans">' in page and page.count("<h1") == 1
    assert "页面不存在" in page and "此地址没有页面" in page and "/nonexistent/" in page
    assert '<a href="/">返回工作台</a>' in page and '<a href="/documents/">前往文档列表</a>' in page
    assert 'class="topbar"' in page and "Not Found" not in page


def test_an_unknown_address_is_in_english_for_a_user_who_chose_it(client, user):
    language_set(user=user, language="en")
    client.force_login(user)
    page = client.get("/documents/nonexistent/").content.decode()
    assert '<html lang="en">' in page and "Page not found" in page and "页面不存在" not in page


def test_an_unknown_address_before_signing_in_is_chinese_and_offers_no_menu(client):
    answer = client.get("/nonexistent/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert "页面不存在" in page and 'aria-label="主导航"' not in page
    assert "<script" not in page.split("</head>", 1)[1]  # nothing inline for the CSP to refuse


def crash(**_: object) -> None:
    raise RuntimeError("数据库连接中断")


def test_a_crash_shows_the_styled_page_in_the_users_language(user, monkeypatch):
    monkeypatch.setattr(dashboard, "document_list", crash)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    answer = client.get("/")
    assert answer.status_code == 500
    page = answer.content.decode()
    assert '<html lang="zh-hans">' in page and page.count("<h1") == 1
    assert "出错了" in page and '<a href="/">返回工作台</a>' in page
    assert "数据库连接中断" not in page and "Server Error" not in page  # no trace shown
    language_set(user=user, language="en")
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Something went wrong" in page


def test_the_crash_page_needs_neither_a_request_nor_the_database():
    with translation.override("zh-hans"), CaptureQueriesContext(connection) as queries:
        page = render_to_string("500.html")  # as django.views.defaults.server_error does
    assert "出错了" in page and 'href="/static/web/docket.css"' in page
    assert len(queries) == 0


def test_a_crash_under_the_api_is_still_a_json_error(user, monkeypatch):
    from docket.documents import api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api.DocumentViewSet, "list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    answer = client.get("/api/documents/")
    assert answer.status_code == 500 and answer["Content-Type"] == "application/json"
    assert answer.json()["error"]["code"] == "server_error"
