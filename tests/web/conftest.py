"""Browser tests: Debian's Chromium driven by Playwright (DESIGN.md: its flags, no browser
download), against Django's live server on the test database. A worker thread runs queued
background tasks meanwhile, as `docket worker` would, so uploads get processed.

Screenshots of each page go to test-artifacts/ (ignored by git)."""

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.access.conftest import world  # noqa: F401  (the company of tests/access, a fixture)

# Playwright's sync API runs an event loop in this thread; Django's guard against ORM calls
# from async code would then refuse the test's own (synchronous) database work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/system-deps.sh)")
        pytest.skip(f"{CHROMIUM} is not installed (make setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 860}, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.expected_errors = []  # regexes of console errors a test provokes on purpose (a 4xx)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    yield tab
    context.close()
    unexpected = [e for e in errors if not any(re.match(p, e) for p in tab.expected_errors)]
    assert not unexpected, f"the page reported errors: {unexpected}"


@pytest.fixture
def worker(transactional_db) -> Iterator[None]:
    """Run queued tasks in the background while the test drives the browser."""
    from django.db import connection

    from docket.core.inline_tasks import run_ready_tasks

    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.is_set():
                run_ready_tasks()
                time.sleep(0.2)
        finally:
            connection.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=60)


def shot(page, name: str) -> None:
    """Save a screenshot of the whole page as test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def customer_of(transactional_db):
    """A customer owned by the given user (so a sales user may see and upload to it)."""
    from docket.customers.services import customer_create

    def make(owner, name: str = "上海ABC贸易有限公司"):
        return customer_create(actor=None, name=name, owner=owner, region="上海")

    return make
