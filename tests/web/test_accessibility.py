"""Every main page, in a real browser, as a keyboard and screen-reader user meets it: the
language declared, one main heading, every form control and button with a name, every image
with a text alternative, text that contrasts enough (WCAG AA), a skip link that moves focus
to the content, and focus that shows."""

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
# Text whose colour contrasts with its background less than WCAG 2.1 AA asks (4.5:1, or 3:1
# for large text: 24px, or 18.66px bold). The background is the first opaque one up the
# tree, with translucent ones blended over it; disabled controls are exempt, as WCAG says.
LOW_CONTRAST = """() => {
    const rgba = (css) => {  // rgb(), rgba(), or color(srgb r g b / a) from color-mix()
        const n = css.match(/[\\d.]+/g).map(Number);
        const scale = css.startsWith('color(srgb') ? 255 : 1;
        return [n[0] * scale, n[1] * scale, n[2] * scale, n.length > 3 ? n[3] : 1];
    };
    const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
    const background = (el) => {
        const layers = [];
        for (let node = el; node; node = node.parentElement) {
            const colour = rgba(getComputedStyle(node).backgroundColor);
            if (colour[3] > 0) layers.push(colour);
            if (colour[3] === 1) break;
        }
        let result = [255, 255, 255];
        for (const layer of layers.reverse()) result = over(layer, result);
        return result;
    };
    const luminance = (rgb) => {
        const [r, g, b] = rgb.map((v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const failures = [];
    for (const el of document.querySelectorAll('body *')) {
        const text = [...el.childNodes].filter((n) => n.nodeType === 3)
            .map((n) => n.textContent).join('').trim();
        if (!text || !el.getClientRects().length || el.closest('[disabled], [hidden]')) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || el.closest('.visually-hidden, .skip-link')) continue;
        const back = background(el);
        const fore = over(rgba(style.color), back);
        const [hi, lo] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) {
            const colours = `${style.color} on rgb(${back.map(Math.round)})`;
            failures.push(`${el.tagName}.${el.className} ${text.slice(0, 30)}: ${colours}, `
                + `${ratio.toFixed(2)}:1`);
        }
    }
    return failures;
}"""
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
        "/manage/roles/",
        "/manage/audit/",
    ]


def test_every_main_page_names_its_controls_and_declares_its_language(page, pages):
    sign_in(page, "guanliyuan", PASSWORD)
    for path in pages:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "zh-hans", path
        assert page.locator("h1").count() == 1, path
        assert page.evaluate(UNNAMED_CONTROLS) == [], path
        assert page.evaluate(IMAGES_WITHOUT_ALT) == [], path


def test_every_main_page_has_text_that_contrasts_enough_with_its_background(page, pages):
    sign_in(page, "guanliyuan", PASSWORD)
    for path in pages:
        page.goto(path)
        assert page.evaluate(LOW_CONTRAST) == [], path


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
