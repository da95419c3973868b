"""docket search and docket reindex."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_docket_search_prints_the_matches_with_their_archive_numbers(make_doc, user):
    document = make_doc("合同金额为¥128,000.00", title="采购合同")
    make_doc("无关")
    out = io.StringIO()
    call_command("search", "128000", "--as-user", user.username, stdout=out)
    # rich writes to the real stdout; the JSON form is the testable one
    out = io.StringIO()
    call_command("search", "128000", "--as-user", user.username, "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert [r["archive_number"] for r in body["results"]] == [document.archive_number]


def test_docket_search_takes_filters_by_name(make_doc, user, other_customer):
    theirs = make_doc("服务", customer=other_customer)
    make_doc("服务")
    out = io.StringIO()
    call_command(
        "search", "服务", "--customer", "星河", "--as-user", user.username, "--json", stdout=out
    )
    assert [r["id"] for r in json.loads(out.getvalue())["results"]] == [theirs.id]


def test_docket_search_needs_to_know_whose_access_to_use(db):
    with pytest.raises(CommandError, match="--as-user"):
        call_command("search", "合同")
    with pytest.raises(CommandError, match="no user"):
        call_command("search", "合同", "--as-user", "nobody")


def test_docket_search_output_shows_the_highlight(make_doc, user, capsys):
    make_doc("仲裁条款", title="采购合同")
    call_command("search", "仲裁", "--as-user", user.username)
    printed = capsys.readouterr().out
    assert "1 documents" in printed and "仲裁" in printed
