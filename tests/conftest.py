"""Chromium for browser tests: Debian's package, driven by Playwright.

In CI (CI=true) a missing Chromium is installed with apt-get; elsewhere the
browser tests are skipped with the reason.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"


def _ensure_chromium() -> str | None:
    if os.path.exists(CHROMIUM):
        return None
    if os.environ.get("CI") != "true":
        return (
            f"Chromium is not installed at {CHROMIUM}: install Debian's `chromium` "
            "package to run the browser tests (CI installs it itself)."
        )
    apt = shutil.which("apt-get")
    if apt is None:
        return "Chromium is missing and there is no apt-get to install it."
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt, "update", "-qq"], check=False, env=env, capture_output=True)
    done = subprocess.run(
        [apt, "install", "-y", "-qq", "chromium"],
        check=False,
        env=env,
        capture_output=True,
    )
    if done.returncode != 0 or not os.path.exists(CHROMIUM):
        return "apt-get could not install chromium: " + done.stderr.decode()[-500:]
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    reason = _ensure_chromium()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # database calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(
        locale="vi-VN", viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    yield page
    context.close()
