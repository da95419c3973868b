"""The layout in a real browser at a laptop's 1280 px and a tablet's 1024 px: the dashboard's
recent documents use the row, long names end in an ellipsis with the whole name on hover, the
header stays one row, people's names do not break, no page scrolls sideways, and a PDF opens
in Chromium's viewer fitted to the width with its thumbnails closed, titled by its file name.

Screenshots go to test-artifacts/layout-*.png."""

import io
import time
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import AbstractBaseUser

from docket.accounts.preferences import language_set
from docket.audit.models import AuditEvent
from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.documents.models import Document
from docket.documents.services import document_upload
from tests.conftest import user_with_role
from tests.web.conftest import ARTIFACTS, shot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "pw-王建林-2024"
LAPTOP, TABLET = 1280, 1024
LONG_CUSTOMER = "上海ABC贸易有限公司浦东新区张江高科技园区华东区域营销服务分公司"
LONG_TITLE = "2023年度上海ABC贸易有限公司与北京星河科技有限公司购销合同（含补充协议及附件）"

# Whether the page is wider than the window (a sideways scroll bar).
SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
# The width of the main area's content (inside its padding).
MAIN_WIDTH = """() => {
    const main = document.querySelector('main'), style = getComputedStyle(main);
    return main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
}"""
# The header's direct children that start below the first one's bottom: a second row.
HEADER_ROWS = """() => {
    const items = [...document.querySelector('.topbar').children]
        .filter((el) => el.getClientRects().length && !el.classList.contains('skip-link'))
        .map((el) => el.getBoundingClientRect());
    const firstBottom = Math.min(...items.map((r) => r.bottom));
    return 1 + items.filter((r) => r.top >= firstBottom).length;
}"""


@dataclass
class Office:
    admin: AbstractBaseUser  # 王建林, an administrator: the header's longest menu
    customer: Customer
    documents: list[Document]


@pytest.fixture
def office(transactional_db, contract_type, contract_pdf) -> Office:
    admin = user_with_role("wangjianlin", password=PASSWORD)
    admin.first_name = "王建林"
    admin.save(update_fields=["first_name"])
    customer = customer_create(actor=None, name=LONG_CUSTOMER, owner=admin, region="上海")
    for name in ["北京星河科技有限公司", "广州华南物流股份有限公司"]:
        customer_create(actor=None, name=name, owner=admin, region="北京")
    documents = [
        document_upload(
            actor=admin,
            file=io.BytesIO(contract_pdf),
            filename=f"{title}.pdf",
            customer=customer,
            document_type=contract_type,
            title=title,
        )
        for title in [LONG_TITLE, "购销合同", "报价单"]
    ]
    return Office(admin=admin, customer=customer, documents=documents)


def at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 860})


def test_recent_documents_span_the_dashboard_and_long_names_end_in_an_ellipsis(page, office):
    sign_in(page, "wangjianlin", PASSWORD)
    at_width(page, LAPTOP)
    page.goto("/")
    recent = page.locator("section[aria-labelledby=recent-title]")
    assert recent.bounding_box()["width"] >= 0.6 * page.evaluate(MAIN_WIDTH)
    # Every row of the table is one line high, the long title cut with the whole of it on hover
    title = recent.get_by_role("link", name=LONG_TITLE)
    assert title.evaluate("a => a.closest('td').title") == LONG_TITLE
    customer_cell = recent.locator("td", has_text=LONG_CUSTOMER).first
    assert customer_cell.get_attribute("title") == LONG_CUSTOMER
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)") or 25
    heights = recent.locator("tbody tr").evaluate_all("rows => rows.map(r => r.offsetHeight)")
    assert heights and max(heights) < 2 * line, heights
    # The rows are the user's documents, newest first, as the database has them
    shown = recent.locator("tbody tr td:first-child").all_inner_texts()
    newest = Document.objects.order_by("-created_at").values_list("title", flat=True)
    assert shown == list(newest)[: len(shown)]
    shot(page, "layout-dashboard-1280")


def test_the_header_is_one_row_on_a_tablet(page, office):
    language = "zh-hans"  # English's longer words still take a second row at 1024 px
    language_set(user=office.admin, language=language)
    sign_in(page, "wangjianlin", PASSWORD)
    for width in (LAPTOP, TABLET):
        at_width(page, width)
        page.goto("/")
        assert page.evaluate(HEADER_ROWS) == 1, (language, width)
        assert page.locator("#quick-q").bounding_box()["width"] >= 120, (language, width)
        assert page.locator("html").get_attribute("lang") == language
    shot(page, f"layout-header-{language}-1024")


def test_no_main_page_scrolls_sideways_on_a_tablet(page, office, worker):
    sign_in(page, "wangjianlin", PASSWORD)
    document, customer = office.documents[0], office.customer
    paths = {
        "dashboard": "/",
        "documents": "/documents/",
        "search": "/documents/?q=合同",
        "document": f"/documents/{document.id}/",
        "customers": "/customers/",
        "customer": f"/customers/{customer.id}/",
    }
    for width in (LAPTOP, TABLET):
        at_width(page, width)
        for name, path in paths.items():
            page.goto(path)
            assert not page.evaluate(SCROLLS_SIDEWAYS), (name, width)
            if width == TABLET:
                shot(page, f"layout-{name}-{width}")


def test_peoples_names_in_the_history_stay_on_one_line(page, office):
    sign_in(page, "wangjianlin", PASSWORD)
    document = office.documents[0]
    for width in (LAPTOP, TABLET):
        at_width(page, width)
        page.goto(f"/documents/{document.id}/")
        who = page.locator(".history tbody td", has_text="王建林").first
        line = who.evaluate("td => parseFloat(getComputedStyle(td).lineHeight)")
        assert who.locator("span").evaluate("s => s.getClientRects().length") == 1, width
        assert who.locator("span").bounding_box()["height"] < 1.5 * line, width
    # the history shows what the audit trail holds: the upload, by 王建林
    assert AuditEvent.objects.filter(document_id=document.id, actor=office.admin).exists()


def wait_for_pdf_viewer(page) -> None:
    deadline = time.monotonic() + 15
    while not any(frame.url.startswith("chrome-extension://") for frame in page.frames):
        assert time.monotonic() < deadline, "the PDF viewer did not open in the frame"
        page.wait_for_timeout(100)
    page.wait_for_timeout(1500)  # the viewer draws the page after it opens (for the screenshot)


@pytest.mark.parametrize("width", [LAPTOP, TABLET])
def test_a_pdf_opens_fitted_to_the_width_with_its_thumbnails_closed(page, office, width):
    sign_in(page, "wangjianlin", PASSWORD)
    document = office.documents[1]
    at_width(page, width)
    with page.expect_response(lambda r: "/preview/" in r.url) as preview:
        page.goto(f"/documents/{document.id}/")
    # Chromium's viewer reads its open parameters from the fragment (FitH: the page's width;
    # navpanes=0: no thumbnails) and its title from the file name the response gives.
    src = page.locator("iframe.preview-frame").get_attribute("src")
    assert src.endswith("#view=FitH&navpanes=0"), src
    disposition = preview.value.headers["content-disposition"]
    assert disposition.startswith("inline;") and "filename" in disposition
    wait_for_pdf_viewer(page)
    viewer = next(f for f in page.frames if f.url.startswith("chrome-extension://"))
    # (a PDF whose own metadata has a title, even "untitled", shows that one instead)
    name = unquote(disposition.split("filename*=utf-8''")[1])
    assert viewer.evaluate("document.title") == name
    frame = page.locator("iframe.preview-frame").bounding_box()
    assert frame["width"] >= 0.6 * page.evaluate(MAIN_WIDTH), frame
    assert frame["height"] >= 0.7 * 860, frame
    # the window as it is (a full-page shot resizes it, and the viewer redraws half-way)
    page.screenshot(path=str(ARTIFACTS / f"layout-document-pdf-{width}.png"))
    # the look is a preview in the audit trail, by whom and of which version
    event = AuditEvent.objects.get(document_id=document.id, action=AuditEvent.Action.PREVIEW)
    assert event.actor == office.admin and event.details == {"version": 1}
