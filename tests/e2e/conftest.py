"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against
pytest-django's live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from it (the test thread only sets up data, the live server answers pages).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("SUNFLOWER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session (per xdist worker): starting it is the slow part."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; install Debian's package: apt-get install chromium"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test: no cookies or session carried over."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", service_workers="block"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def screenshot_taker(artifacts_dir):
    """`screenshot_taker("area", numbers)` returns `shot(page, "step")`, which saves
    test-artifacts/e2e/area/NN-step.png, numbered by `numbers` (the module's itertools.count,
    so a module's screenshots are numbered in the order taken)."""

    def taker(area: str, numbers):
        folder = artifacts_dir / area
        folder.mkdir(parents=True, exist_ok=True)

        def shot(page, name: str) -> None:
            page.screenshot(path=str(folder / f"{next(numbers):02d}-{name}.png"), full_page=True)

        return shot

    return taker
