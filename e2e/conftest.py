"""Browser tests: Playwright drives Debian's Chromium through the real pages of a live server.

Each flow builds the data it needs with the demo's own steps (a small, deterministic
dealership), logs in as the person who does the work and keeps a screenshot per key step in
``e2e/artifacts/<flow>/``. Run them with ``make test`` or ``.venv/bin/pytest -q e2e``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses database
# access from a thread with a running loop unless told it is safe (here it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siwei.config.settings_test")

CHROMIUM = os.environ.get("SIWEI_E2E_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "siwei-demo"  # noqa: S105 - the demo's published password
# A working Monday morning: slots, shifts and due dates are the same on every run.
E2E_NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def pytest_collection_modifyitems(config, items):
    """Without Debian's Chromium there is nothing to drive: skip with a clear reason."""
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (make browser installs it)")
    for item in items:
        item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that fixtures can see a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def django_db_use_migrations() -> bool:
    """The schema straight from the models (the unit suite checks the migrations): the
    browser suite's database is ready in seconds."""
    return False


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def frozen_clock() -> Iterator:
    """The app's clock stands at ``E2E_NOW`` for the data builders and the live server."""
    from siwei.core import clock as clock_module

    with clock_module.frozen(E2E_NOW) as fixed:
        yield fixed


@pytest.fixture
def dealership(transactional_db, frozen_clock):
    """``dealership(*steps)`` builds the demo's organisation (stores BJ01 and SH01, one
    login per role) and then the named demo steps, e.g. ``"build_catalogue"``."""
    from siwei.demo.builder import DemoContext, build_organisation, demo_steps

    def build(*names: str) -> DemoContext:
        from django.db import transaction

        steps = {step.__name__: step for step in demo_steps()}
        ctx = DemoContext(rng=random.Random(20261122), small=True)
        for name in ("build_organisation", *names):
            with transaction.atomic():
                (build_organisation if name == "build_organisation" else steps[name])(ctx)
        return ctx

    return build


class Person:
    """One member of staff at the browser: a page of their own and a screenshot log."""

    def __init__(self, page, base_url: str, flow: str, shots: list[int]) -> None:
        self.page = page
        self.base_url = base_url
        self.flow = flow
        self._shots = shots

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def shot(self, step: str) -> Path:
        """Save ``e2e/artifacts/<flow>/NN-step.png`` (numbered across the whole flow)."""
        self._shots[0] += 1
        path = ARTIFACTS / self.flow / f"{self._shots[0]:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def see_message(self, text: str) -> None:
        """A flash message at the top of the page says ``text``."""
        from playwright.sync_api import expect

        expect(self.page.locator("div.alert[role=alert]").filter(has_text=text)).to_be_visible()

    def press(self, name: str | re.Pattern, *, exact: bool = False) -> None:
        """Press the (first) button of that name and wait for the next page."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=exact).first.click()

    def choose(self, label: str, containing: str, *, exact: bool = False) -> None:
        """In the drop-down labelled ``label``, pick the first option containing that text."""
        select = self.page.get_by_label(label, exact=exact)
        for option in select.locator("option").all():
            if containing in option.inner_text():
                select.select_option(value=option.get_attribute("value"))
                return
        raise AssertionError(f"no option with {containing!r} in {label!r}")

    def sign(self, canvas: str = "canvas[data-signature-input]") -> None:
        """Draw a signature on the signature pad, as a customer does with a finger, and
        see that the pad took it (its input holds the drawing); a stroke made before the
        pad's script was listening is drawn again."""
        from playwright.sync_api import expect

        self.page.wait_for_load_state("load")
        pad = self.page.locator(canvas)
        held = self.page.locator(f"#{pad.get_attribute('data-signature-input')}")
        for _attempt in range(3):
            box = pad.bounding_box()
            mouse = self.page.mouse
            mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.6)
            mouse.down()
            for step in range(1, 12):
                mouse.move(box["x"] + 30 + step * 25,
                           box["y"] + box["height"] * (0.3 if step % 2 else 0.7))
            mouse.up()
            if held.input_value():
                break
        expect(held).not_to_have_value("")


@pytest.fixture
def login(request, browser, live_server) -> Callable[[str], Person]:
    """``login("bj01_sales_consultant")`` opens a browser window for that demo user,
    in Simplified Chinese, logged in through the login page."""
    flow = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    folder = ARTIFACTS / flow
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    shots = [0]
    contexts = []

    def open_as(username: str) -> Person:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport={"width": 1366, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        person = Person(page, live_server.url, flow, shots)
        person.go("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"^(?!.*accounts/login).*$"))
        return person

    yield open_as
    failed = getattr(request.node, "report_call", None)
    for index, context in enumerate(contexts, start=1):
        if failed is not None and failed.failed:
            # What each person saw when the flow broke.
            for page in context.pages:
                page.screenshot(path=str(folder / f"failure-{index}.png"), full_page=True)
        context.close()
