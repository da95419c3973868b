"""Enrolling in two-factor authentication at /2fa/: a QR code of the otpauth:// URI drawn on
the server, the key as text for typing in, and wording that says "your role requires it"
only when it does. The QR codes are read back with zxing-cpp, as an app would read them."""

import io
import re

import pytest
import zxingcpp
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw

from docket.access import seeds
from docket.audit.models import AuditEvent
from tests.accounts.conftest import clock, totp  # noqa: F401  (clock is a fixture)
from tests.conftest import user_with_role
from tests.web.conftest import shot, sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "pw-张伟-2023"
REQUIRED_ZH = "您的角色要求双因素认证"
REQUIRED_EN = "Your role requires a second factor"
LABEL_ZH = "用身份验证器应用扫描的二维码"


def member(*, required: bool = False, username: str = "张伟"):
    person = user_with_role(username, role=seeds.SALES, password=PASSWORD)
    if required:
        role = person.member.role
        role.requires_2fa = True
        role.save()
    return person


def signed_in(person, language: str = "zh-hans") -> Client:
    client = Client()
    client.post("/login/", {"username": person.get_username(), "password": PASSWORD})
    if language != "zh-hans":
        client.post("/language/", {"language": language})
    return client


def pending_uri(person) -> str:
    return TOTPDevice.objects.get(user=person, confirmed=False).config_url


def the_svg(page: str) -> str:
    found = re.findall(r'<svg role="img".*?</svg>', page, re.S)
    assert len(found) == 1, found
    return found[0]


def read_svg(svg: str) -> str:
    """Draw segno's path of dark modules (M x y, m dx dy, h length; y is the row's middle)
    in black on white and decode the picture with zxing-cpp."""
    size = int(re.search(r'width="(\d+)"', svg).group(1))
    scale = int(re.search(r'transform="scale\((\d+)\)"', svg).group(1))
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    picture = Image.new("L", (size, size), 255)
    pen = ImageDraw.Draw(picture)
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            top = int(y) * scale
            box = (x * scale, top, (x + values[0]) * scale - 1, top + scale - 1)
            pen.rectangle(box, fill=0)
            x += values[0]
    return read_picture(picture)


def read_picture(picture: Image.Image) -> str:
    found = zxingcpp.read_barcodes(picture, formats=[zxingcpp.BarcodeFormat.QRCode])
    assert len(found) == 1, found
    return found[0].text


def test_the_page_shows_a_qr_code_that_reads_as_the_otpauth_uri(clock):  # noqa: F811
    person = member()
    page = signed_in(person).get("/2fa/").content.decode()
    svg = the_svg(page)
    uri = pending_uri(person)
    assert read_svg(svg) == uri
    assert "Docket%3A%E5%BC%A0%E4%BC%9F?secret=" in uri and "issuer=Docket" in uri
    secret = re.search(r'class="secret">([A-Z2-7]+)<', page).group(1)
    assert f"secret={secret}&" in uri  # the key for typing in is the one in the QR code
    assert "或手动输入密钥" in page


def test_the_qr_code_is_a_small_named_inline_svg_with_nothing_to_fetch(clock):  # noqa: F811
    svg = the_svg(signed_in(member()).get("/2fa/").content.decode())
    assert f'aria-label="{LABEL_ZH}"' in svg and f"<title>{LABEL_ZH}</title>" in svg
    assert "<?xml" not in svg and "href" not in svg and "<script" not in svg
    assert int(re.search(r'width="(\d+)"', svg).group(1)) <= 260
    assert len(svg) < 8_000


def test_the_qr_code_is_named_in_english_for_an_english_user(clock):  # noqa: F811
    page = signed_in(member(), "en").get("/2fa/").content.decode()
    assert 'aria-label="QR code to scan with an authenticator app"' in the_svg(page)
    assert "Or enter the key by hand" in page
    assert LABEL_ZH not in page and "或手动输入密钥" not in page


def test_after_a_wrong_code_the_same_qr_code_is_shown_again(clock):  # noqa: F811
    person = member()
    client = signed_in(person)
    first = the_svg(client.get("/2fa/").content.decode())
    again = client.post("/2fa/", {"code": "000000"}).content.decode()
    assert "验证码不正确" in again
    assert the_svg(again) == first and read_svg(first) == pending_uri(person)


@pytest.mark.parametrize(
    ("language", "required_text", "voluntary_text"),
    [
        ("zh-hans", REQUIRED_ZH, "此后登录时，除密码外还需输入应用中的验证码"),
        ("en", REQUIRED_EN, "From then on, signing in asks for a code from the app"),
    ],
)
def test_the_page_says_the_role_requires_it_only_when_it_does(
    clock,  # noqa: F811
    language,
    required_text,
    voluntary_text,
):
    voluntary = signed_in(member(username="lina"), language).get("/2fa/").content.decode()
    assert required_text not in voluntary and voluntary_text in voluntary
    required = signed_in(member(required=True), language).get("/2fa/").content.decode()
    assert required_text in required and voluntary_text not in required


@pytest.mark.browser
def test_in_a_browser_a_member_who_must_enrol_scans_the_qr_code_and_turns_it_on(
    page,
    clock,  # noqa: F811
):
    person = member(required=True)
    sign_in(page, "张伟", PASSWORD)
    assert page.url.endswith("/2fa/")
    page.get_by_text(REQUIRED_ZH).wait_for()
    qr = page.get_by_role("img", name=LABEL_ZH)
    qr.wait_for()
    assert qr.is_visible()
    box = qr.bounding_box()
    assert 150 <= box["width"] <= 260 and box["width"] == box["height"]
    shot(page, "two-factor-enrolment")
    # What a phone's camera would see: the rendered pixels, decoded.
    scanned = read_picture(Image.open(io.BytesIO(qr.screenshot())))
    assert scanned == pending_uri(person)
    secret = page.locator("code.secret").inner_text()
    assert f"secret={secret}&" in scanned
    page.get_by_label("验证码").fill(totp(secret, clock))
    page.get_by_role("button", name="开启").click()
    page.get_by_text("双因素认证已开启").wait_for()
    assert page.locator("ul.codes li").count() == 10
    assert page.get_by_role("img", name=LABEL_ZH).count() == 0
    device = TOTPDevice.objects.get(user=person)
    assert device.confirmed and device.config_url == scanned
    codes = set(page.locator("ul.codes code").all_inner_texts())
    assert codes == set(
        StaticToken.objects.filter(device__user=person).values_list("token", flat=True)
    )
    enabled = AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGE, actor=person)
    assert [e.details for e in enabled] == [{"change": "2fa_enabled"}]
    page.goto("/documents/")
    assert page.url.endswith("/documents/")  # no longer sent back to enrol
