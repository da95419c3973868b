"""Every main page, in a real browser, as a keyboard and screen-reader user meets it: the
language declared, one main heading, every form control and button with a name, every image
with a text alternative, a skip link that moves focus to the content, and focus that shows."""

import io

import pytest

from docket.documents.services import document_upload
from tests.conftest import user_with_role
from tests.web.conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "pw-管理员-2024"

# Controls without an accessible name (label, aria-label, aria-labelledby or title).
UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
        'input:not([type=hidden]), select, textarea, button, a[href]')]
    .filter((el) => el.offsetParent !== null || el.getClientRects().length)
    .filter((el) => {
        const labelled = el.labels && el.labels.length
            && [...el.labels].some((l) => l.textContent.trim());
        const named = (el.getAttribute('aria-label') || '').trim()
            || el.getAttribute('aria-labelledby') || (el.getAttribute('title') || '').trim();
        const text = ['BUTTON', 'A'].includes(el.tagName) && el.textContent.trim();
        const valued = el.type === 'submit' && el.value;
        return !(labelled || named || text || valued);
    })
    .map((el) => el.outerHTML.slice(0, 120))"""
IMAGES_WITHOUT_ALT = """() => [...document.querySelectorAll('img:not([alt])')].map((i) => i.src)"""


@pytest.fixture
def pages(transactional_db, customer_of, contract_type, contract_pdf):
    admin = user_with_role("guanliyuan", password=PASSWORD)
    customer = customer_of(admin)
    document = document_upload(
        actor=admin,
        file=io.BytesIO(contract_pdf),
        filename="购销合同.pdf",
        customer=customer,
        document_type=contract_type,
    )
    return [
        "/",
        "/documents/?q=合同",
        f"/documents/{document.id}/",
        "/customers/",
        f"/customers/{customer.id}/",
        "/upload/",
        "/manage/",
        "/manage/users/",
        "/manage/types/",
        "/manage/tags/",
    ]


def test_every_main_page_names_its_controls_and_declares_its_language(page, pages):
    sign_in(page, "guanliyuan", PASSWORD)
    for path in pages:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "zh-hans", path
        assert page.locator("h1").count() == 1, path
        assert page.evaluate(UNNAMED_CONTROLS) == [], path
        assert page.evaluate(IMAGES_WITHOUT_ALT) == [], path


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, pages):
    sign_in(page, "guanliyuan", PASSWORD)
    page.goto("/documents/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "跳到正文"
    assert page.evaluate("() => getComputedStyle(document.activeElement).left") != "-999px"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_focus_is_visible_on_links_and_buttons(page, pages):
    sign_in(page, "guanliyuan", PASSWORD)
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the skip link: the brand link
    shadow = page.evaluate("() => getComputedStyle(document.activeElement).boxShadow")
    assert shadow and shadow != "none"
