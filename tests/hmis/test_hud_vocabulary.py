"""The generated vocabulary module is up to date and holds every HUD code and label."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from django.db import models

from sunflower.hmis import vocabulary

pytestmark = [pytest.mark.foundation]

PROJECT_DIR = Path(__file__).resolve().parents[2]
GENERATOR = PROJECT_DIR / "scripts" / "generate_hud_vocabulary.py"
VALUE_LISTS = PROJECT_DIR / "sunflower" / "hmis" / "spec" / "fy2026" / "value_lists.json"
MODULE = PROJECT_DIR / "sunflower" / "hmis" / "vocabulary.py"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("generate_hud_vocabulary", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def value_lists() -> dict[str, dict[str, str]]:
    return json.loads(VALUE_LISTS.read_text(encoding="utf-8"))


def test_committed_module_is_what_the_generator_writes(generator):
    assert generator.build() == MODULE.read_text(encoding="utf-8"), (
        "sunflower/hmis/vocabulary.py is stale: run python scripts/generate_hud_vocabulary.py"
    )


def test_check_mode_passes_on_the_committed_module(generator, capsys):
    assert generator.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_check_mode_fails_on_a_stale_module(generator, tmp_path, capsys):
    stale = tmp_path / "vocabulary.py"
    stale.write_text(MODULE.read_text(encoding="utf-8").replace("Data not collected", "X", 1))
    assert generator.main(["--check"], output=stale) == 1
    assert "stale" in capsys.readouterr().out
    assert generator.main([], output=stale) == 0  # regenerates it
    assert stale.read_text(encoding="utf-8") == MODULE.read_text(encoding="utf-8")


def test_generator_is_deterministic(generator, value_lists):
    index = generator.load_index()
    assert generator.render(value_lists, index) == generator.render(value_lists, index)


def test_every_list_has_its_class(value_lists):
    assert list(vocabulary.HUD_LISTS) == list(value_lists)
    for name, choices in vocabulary.HUD_LISTS.items():
        assert choices.__name__ == name
        assert getattr(vocabulary, name) is choices


def test_every_code_and_label_is_present(value_lists):
    for name, codes in value_lists.items():
        choices = vocabulary.HUD_LISTS[name]
        integer = all(code.lstrip("-").isdigit() for code in codes)
        assert issubclass(choices, models.IntegerChoices if integer else models.TextChoices), name
        expected = [(int(code) if integer else code, label) for code, label in codes.items()]
        retired = sorted(vocabulary.RETIRED_CODES.get(name, ()))
        assert choices.choices[: len(expected)] == expected, name
        assert [value for value, _ in choices.choices[len(expected) :]] == retired, name


def test_retired_funder_codes_are_kept_for_history_only():
    # HUD retired 47 (ESG-CV) and 48 (HOPWA-CV) in FY2026; old Funder rows still carry them.
    assert {"FundingSource": frozenset({47, 48})} == vocabulary.RETIRED_CODES
    assert vocabulary.FundingSource(47).label == "HUD: ESG - CV"
    assert 56 in vocabulary.FundingSource.values


def test_text_choices_only_for_non_integer_codes():
    assert issubclass(vocabulary.VamcStationNumber, models.TextChoices)
    assert vocabulary.VamcStationNumber("589A7").label == "(589A7) Wichita, KS"
    assert vocabulary.VamcStationNumber.N_589A7_WICHITA_KS == "589A7"
    assert issubclass(vocabulary.ProjectType, models.IntegerChoices)


def test_member_names_come_from_labels():
    assert vocabulary.NoYesReasonsForMissingData.DATA_NOT_COLLECTED == 99
    assert vocabulary.NoYesReasonsForMissingData.CLIENT_DOESNT_KNOW == 8
    assert vocabulary.FundingSource.HUD_HOME_ARP.label == "HUD: HOME (ARP)"
    assert vocabulary.MonthsHomelessPastThreeYears.N_1 == 101
    assert vocabulary.RelationshipToHoH.SELF.label == "Self (Head of Household)"


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("Client doesn't know", "CLIENT_DOESNT_KNOW"),
        ("1-3", "N_1_3"),
        ("30% or less", "N_30_PERCENT_OR_LESS"),
        ("(402) Togus, ME", "N_402_TOGUS_ME"),
        ("SHA-256 (RHY)", "SHA_256"),
        ("Place not meant for habitation (e.g., a vehicle)", "PLACE_NOT_MEANT_FOR_HABITATION"),
    ],
)
def test_member_name_rule(generator, label, name):
    assert generator.member_name(label) == name
