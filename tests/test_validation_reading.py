"""Reading what people actually type: numbers as text, separators, percentages, spaces,
headers and sheets as people arrange them, formulas, version stamps."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from models.chain import schema
from models.chain.schema import VERSION_NAME, Migration
from models.validation.hints import did_you_mean
from models.validation.issues import Severity
from models.validation.numbers import read_number
from optimizer.pipeline import validate_workbook
from tests.tiny_cases import base_case
from tests.workbook_edits import (
    cell,
    edit_part,
    edit_workbook,
    example,
    sheet_part,
    write_tables,
)

# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "small", "value"),
    [
        (1200, False, 1200.0),
        ("1200", False, 1200.0),
        ("  1200  ", False, 1200.0),
        ("1 200", False, 1200.0),
        ("1\u00a0200", False, 1200.0),  # non-breaking space, as Excel in French writes it
        ("1\u202f200", False, 1200.0),  # narrow no-break space
        ("1'200", False, 1200.0),  # Swiss
        ("1 200 000", False, 1_200_000.0),
        ("1,200", False, 1200.0),  # thousands in a tonnes column
        ("1,200,000", False, 1_200_000.0),
        ("1.200.000", False, 1_200_000.0),
        ("1,200.5", False, 1200.5),
        ("1.200,5", False, 1200.5),
        ("1 200,5", False, 1200.5),
        ("1,5", False, 1.5),  # decimal comma
        ("1,5", True, 1.5),
        ("0,125", True, 0.125),  # a leading 0 is never a thousands group
        ("12,25", False, 12.25),
        (".5", True, 0.5),
        ("45%", True, 0.45),
        ("45 %", True, 0.45),
        ("12,5%", True, 0.125),
        ("-3", False, -3.0),
        ("1e3", False, 1000.0),
    ],
)
def test_numbers_as_people_type_them(typed: object, small: bool, value: float) -> None:
    reading = read_number(typed, small=small)
    assert reading.value == pytest.approx(value)


@pytest.mark.parametrize("typed", ["1,200", "12,500", "2,000%"])
def test_ambiguous_in_small_columns_is_flagged_not_guessed(typed: str) -> None:
    reading = read_number(typed, small=True)
    assert reading.value is None and reading.ambiguous and len(reading.readings) == 2


@pytest.mark.parametrize("typed", ["lots", "1 2", "1,2,3", "12a", "", "nan", "inf", "1e999",
                                   "1.2.3,4", "--5", True, None])
def test_not_numbers(typed: object) -> None:
    assert read_number(typed).value is None


def test_did_you_mean_finds_case_and_spacing_misses() -> None:
    assert did_you_mean("scip", ["SCIP", "BIP"]) == "Did you mean 'SCIP'?"
    assert did_you_mean("SC IP", ["SCIP", "BIP"]) == "Did you mean 'SCIP'?"
    assert did_you_mean("m-baku", ["M_BAKU"]) == "Did you mean 'M_BAKU'?"
    assert did_you_mean("zzz", ["SCIP"]) == ""


# --- values in a workbook -------------------------------------------------------------------


def _read(tables: dict, path: Path):  # type: ignore[no-untyped-def]
    outcome = validate_workbook(write_tables(tables, path))
    assert outcome.data is not None, outcome.issues.report()
    return outcome


def test_text_numbers_spaces_and_percentages_are_read(tmp_path: Path) -> None:
    case = example()
    lines = case["Lines"]
    lines[0]["capacity"] = "3 000"
    lines[1]["capex"] = "2,200,000"
    lines[2]["utilisation_min"] = "40%"
    lines[3]["utilisation_min"] = "0,35"
    lines[4]["cost_fixed"] = "1.234.567,5"
    lines[5]["site"] = "  SCIP  "  # trailing and leading spaces
    lines[6]["line"] = lines[6]["line"] + " "
    case["Policy"][1]["value"] = "50%"  # local_share_min
    data = _read(case, tmp_path / "typed.xlsx").data
    assert data.capacity["C01"] == 3000
    assert data.capex["C02"] == 2_200_000
    assert data.utilisation_min["C03"] == pytest.approx(0.40)
    assert data.utilisation_min["C04"] == pytest.approx(0.35)
    assert data.cost_fixed["C05"] == pytest.approx(1_234_567.5)
    assert data.line_site["C06"] == "SCIP"
    assert "C07" in data.lines
    assert data.local_share_min["2025"] == pytest.approx(0.5)


def test_ids_are_exact_after_trimming_and_near_misses_get_a_hint(tmp_path: Path) -> None:
    case = example()
    case["Lines"][2]["site"] = "Scip"
    outcome = validate_workbook(write_tables(case, tmp_path / "case.xlsx"))
    [error] = outcome.issues.errors
    assert error.cell == cell("Lines", "site", 4) and error.hint == "Did you mean 'SCIP'?"


def test_ids_differing_only_in_case_are_flagged(tmp_path: Path) -> None:
    case = example()
    case["Lines"].append({**case["Lines"][0], "line": "c01"})
    outcome = _read(case, tmp_path / "case.xlsx")
    warned = [i for i in outcome.issues if i.severity is Severity.WARNING
              and i.cell == cell("Lines", "line", 38)]
    assert warned and "differs only in case" in warned[0].message


def test_blank_rows_extra_and_notes_columns_and_header_variants(tmp_path: Path) -> None:
    def change(book: Workbook) -> None:
        ws = book["Lines"]
        ws.insert_rows(4, 2)  # two blank rows in the middle
        ws["D1"] = "Capacity (t/yr)"  # case and a unit after the name
        ws.cell(row=1, column=20, value="notes")
        ws.cell(row=3, column=20, value="ask the park about power")
        ws.cell(row=1, column=21, value="owner")
        ws.cell(row=45, column=20, value="a row with only a note")
        book["Sites"]["A1"] = " site "  # spaces around a header

    path = edit_workbook(write_tables(example(), tmp_path / "case.xlsx"), change)
    outcome = validate_workbook(path)
    assert outcome.data is not None, outcome.issues.report()
    assert len(outcome.data.lines) == 36 and outcome.data.capacity["C01"] == 3000
    notes = {i.column: i for i in outcome.issues if i.sheet == "Lines"}
    assert "notes" not in notes  # free notes columns are welcome, silently
    assert notes["owner"].severity is Severity.INFO and "ignored" in notes["owner"].message
    assert notes["capacity"].message == "The header 'Capacity (t/yr)' is read as 'capacity'."
    assert any(i.cell == "row 45" and i.severity is Severity.INFO for i in outcome.issues)


def test_a_misspelt_optional_header_is_a_warning_with_a_hint(tmp_path: Path) -> None:
    path = edit_workbook(write_tables(example(), tmp_path / "case.xlsx"),
                         lambda b: b["Lines"].__setitem__("H1", "utilization_min"))
    outcome = validate_workbook(path)
    [warning] = [i for i in outcome.issues if i.severity is Severity.WARNING]
    assert warning.cell == "H1" and "not used" in warning.message
    assert "utilisation_min" in warning.hint


def test_a_repeated_header_is_a_warning(tmp_path: Path) -> None:
    path = edit_workbook(write_tables(example(), tmp_path / "case.xlsx"),
                         lambda b: b["Lines"].cell(row=1, column=20, value="capacity"))
    outcome = validate_workbook(path)
    assert outcome.data is not None
    assert any(i.cell == "T1" and "appears twice" in i.message for i in outcome.issues)


def test_sheets_in_any_order_and_any_case(tmp_path: Path) -> None:
    reference = _read(example(), tmp_path / "ref.xlsx").data

    def change(book: Workbook) -> None:
        book._sheets.reverse()  # the order a user might leave them in
        book["Lines"].title = "tmp"  # openpyxl compares titles ignoring case
        book["tmp"].title = "lines"

    path = edit_workbook(write_tables(example(), tmp_path / "case.xlsx"), change)
    outcome = validate_workbook(path)
    assert outcome.data == reference, outcome.issues.report()
    assert any(i.message == "The sheet 'lines' is read as 'Lines'." for i in outcome.issues)


def test_an_unknown_sheet_is_noted_and_a_misnamed_one_gets_a_hint(tmp_path: Path) -> None:
    def change(book: Workbook) -> None:
        book["Markets"].title = "Market"
        book.create_sheet("My scratch")

    outcome = validate_workbook(edit_workbook(write_tables(example(), tmp_path / "c.xlsx"),
                                              change))
    [missing] = outcome.issues.errors
    assert missing.sheet == "Markets" and "Did you mean the sheet 'Market'" in missing.hint
    assert any(i.sheet == "My scratch" and i.severity is Severity.INFO for i in outcome.issues)


def test_a_formula_with_a_cached_value_is_read(tmp_path: Path) -> None:
    """A workbook saved by Excel or LibreOffice carries each formula's result: it is used."""
    path = edit_workbook(write_tables(example(), tmp_path / "case.xlsx"),
                         lambda b: b["Lines"].__setitem__("D3", "=1000*3"))
    edit_part(path, sheet_part(path, "Lines"),
              lambda xml: xml.replace("<f>1000*3</f><v></v>", "<f>1000*3</f><v>3000</v>")
              .replace("<f>1000*3</f><v />", "<f>1000*3</f><v>3000</v>"))
    outcome = validate_workbook(path)
    assert outcome.data is not None, outcome.issues.report()
    assert outcome.data.capacity["C02"] == 3000


def test_a_formula_without_value_in_a_text_column_is_a_warning_not_blank(
        tmp_path: Path) -> None:
    path = edit_workbook(write_tables(example(), tmp_path / "case.xlsx"),
                         lambda b: b["Lines"].__setitem__("M3", '="pipe "&"line"'))
    outcome = validate_workbook(path)
    assert outcome.data is not None
    [hit] = [i for i in outcome.issues if i.cell == "M3"]
    assert hit.severity is Severity.WARNING and "no saved result" in hit.message
    assert "open and save" in hit.hint.lower() or "save it" in hit.hint


def test_a_formula_in_a_notes_column_is_not_read(tmp_path: Path) -> None:
    def change(book: Workbook) -> None:
        book["Lines"].cell(row=1, column=20, value="notes")
        book["Lines"].cell(row=3, column=20, value="=1+1")

    outcome = validate_workbook(edit_workbook(write_tables(example(), tmp_path / "c.xlsx"),
                                              change))
    assert outcome.data is not None and not [i for i in outcome.issues if i.cell == "T3"]


# --- the template version stamp -----------------------------------------------------------


def _stamped(tmp_path: Path, version: str | None) -> Path:
    def change(book: Workbook) -> None:
        if version is None:
            del book.defined_names[VERSION_NAME]
        else:
            book.defined_names[VERSION_NAME] = DefinedName(VERSION_NAME,
                                                           attr_text=f'"{version}"')

    return edit_workbook(write_tables(base_case(), tmp_path / "case.xlsx"), change)


def test_current_version_reads_without_a_note(tmp_path: Path) -> None:
    outcome = validate_workbook(_stamped(tmp_path, schema.SCHEMA_VERSION))
    assert outcome.data is not None and not [i for i in outcome.issues if not i.sheet]


def test_older_version_is_migrated_with_a_note(tmp_path: Path) -> None:
    outcome = validate_workbook(_stamped(tmp_path, "1.0"))
    assert outcome.data is not None
    [note] = [i for i in outcome.issues if not i.sheet]
    assert note.severity is Severity.INFO and "read as version" in note.message
    assert "mass_gain" in note.message


def test_newer_minor_version_is_a_warning(tmp_path: Path) -> None:
    outcome = validate_workbook(_stamped(tmp_path, "1.9"))
    assert outcome.data is not None
    assert [i.severity for i in outcome.issues if not i.sheet] == [Severity.WARNING]


def test_unstamped_workbook_is_read_as_current(tmp_path: Path) -> None:
    outcome = validate_workbook(_stamped(tmp_path, None))
    assert outcome.data is not None
    [note] = [i for i in outcome.issues if not i.sheet]
    assert note.severity is Severity.INFO and "no template version stamp" in note.message


def test_migration_renames_columns_of_an_older_template(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A made-up step 0.9 -> 1.0 that renamed Lines.size to capacity: the old header reads."""
    from models.validation import version

    steps = (Migration("0.9", "1.0", "Lines.size was renamed capacity.",
                       renamed_columns=(("Lines", "size", "capacity"),)),
             *schema.MIGRATIONS)
    monkeypatch.setattr(version, "MIGRATIONS", steps)
    monkeypatch.setattr(version.check_version, "__defaults__", (steps, schema.SCHEMA_VERSION))
    path = _stamped(tmp_path, "0.9")
    edit_workbook(path, lambda b: b["Lines"].__setitem__("D1", "size"))
    outcome = validate_workbook(path)
    assert outcome.data is not None, outcome.issues.report()
    assert outcome.data.capacity["L1"] == 100
    assert "renamed capacity" in next(i.message for i in outcome.issues if not i.sheet)


def test_reading_never_changes_the_file(tmp_path: Path) -> None:
    paths = [write_tables(example(), tmp_path / "ok.xlsx")]
    broken = copy.deepcopy(example())
    broken["Lines"][0]["capacity"] = "=oops"
    paths.append(write_tables(broken, tmp_path / "broken.xlsx"))
    for path in paths:
        before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
        validate_workbook(path)
        assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) \
            == before
