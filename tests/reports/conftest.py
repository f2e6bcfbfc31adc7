"""Fixtures for the report tests: HUD's FY2026 test kit (tests/fixtures/testkit/fy2026)."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
KIT_DIR = PROJECT_DIR / "tests" / "fixtures" / "testkit" / "fy2026"


@pytest.fixture(scope="session")
def kit():
    from sunflower.reports.testkit import Kit

    return Kit.load(KIT_DIR)


@pytest.fixture(scope="session")
def kit_frames(kit):
    from sunflower.reports.engine import from_csv_folder

    return from_csv_folder(kit.source)
