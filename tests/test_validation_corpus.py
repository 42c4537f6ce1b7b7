"""A corpus of broken workbooks: each is the bundled example with one mistake, made by code.

Every case names the exact sheet, cell and message it must produce, with its severity.
An error case must produce exactly one error (no follow-on noise) and no data; a warning
case must still validate (exit code 0) with the warning in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from models.chain.schema import SCHEMA_VERSION, VERSION_NAME
from models.validation.issues import Severity
from optimizer.pipeline import validate_workbook
from tests.workbook_edits import Tables, cell, edit_workbook, example, write_tables


@dataclass(frozen=True)
class Broken:
    name: str
    make: Callable[[Path], Path]
    sheet: str
    cell: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str = ""  # a phrase the hint must contain


def tables(change: Callable[[Tables], Any]) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        case = example()
        change(case)
        return write_tables(case, path)
    return make


def book(change: Callable[[Workbook], Any]) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        return edit_workbook(write_tables(example(), path), change)
    return make


def setv(sheet: str, index: int, **values: Any) -> Callable[[Tables], Any]:
    """Set values on row ``index`` (0-based) of a sheet; Excel row index + 2."""
    return lambda t: t[sheet][index].update(values)


def _put(sheet: str, ref: str, value: Any) -> Callable[[Workbook], Any]:
    def change(b: Workbook) -> None:
        b[sheet][ref] = value
    return change


def _stamp(version: str) -> Callable[[Workbook], Any]:
    def change(b: Workbook) -> None:
        b.defined_names[VERSION_NAME] = DefinedName(VERSION_NAME, attr_text=f'"{version}"')
    return change


def _delete_sheet(name: str) -> Callable[[Workbook], Any]:
    def change(b: Workbook) -> None:
        del b[name]
    return change


def _drop_outputs(t: Tables) -> None:
    t["Recipes"] = [r for r in t["Recipes"] if not (r["applies_to"] == "T01"
                                                   and r["role"] == "output")]


def _no_lane_cost(t: Tables) -> None:
    t["Lanes"][1].update(mode=None, distance_km=None, cost=None)


def _resource_use(t: Tables) -> None:
    t["Resources"] = [{"site": "SCIP", "resource": "power", "available": 10}]
    t["ResourceUse"] = [{"line": "C01", "resource": "water", "amount": 1}]


def _duplicate_market(t: Tables) -> None:
    t["Markets"].append(dict(t["Markets"][0]))


def _single_group(t: Tables) -> None:
    t["Lines"][3]["group"] = "G99"


def _existing_in_group(t: Tables) -> None:
    t["Lines"][0]["status"] = "existing"  # C01 is in group G1 with C02


def _no_pipe_lanes(t: Tables) -> None:
    """P_PIPE_PE100 is made at SCIP and MIP and ALAT; take away every market for it."""
    t["Markets"] = [r for r in t["Markets"] if r["material"] != "P_PIPE_PE100"]


def _setting(name: str, value: Any) -> Callable[[Workbook], Any]:
    def change(b: Workbook) -> None:
        ws = b["Settings"]
        for row in range(2, ws.max_row + 1):
            if ws.cell(row=row, column=1).value == name:
                ws.cell(row=row, column=2).value = value
                return
        raise KeyError(name)
    return change


E, W = Severity.ERROR, Severity.WARNING
L = "Lines"

CASES: list[Broken] = [
    # --- 1. structure: types, ranges, required values, allowed words -------------------
    Broken("negative capacity", tables(setv(L, 1, capacity=-5)), L, cell(L, "capacity", 3),
           "Negative values are not allowed here."),
    Broken("capacity in words", tables(setv(L, 1, capacity="lots")), L,
           cell(L, "capacity", 3), "This is not a number."),
    Broken("capacity with its unit", tables(setv(L, 1, capacity="3000 t")), L,
           cell(L, "capacity", 3), "This is not a number.", hint="Type only the number"),
    Broken("capacity missing", tables(setv(L, 1, capacity=None)), L, cell(L, "capacity", 3),
           "A required value is missing."),
    Broken("percentage in a tonnes column", tables(setv(L, 1, capacity="45%")), L,
           cell(L, "capacity", 3), "A percentage does not fit this column."),
    Broken("45 typed in a fraction column", tables(setv(L, 1, utilisation_min=45)), L,
           cell(L, "utilisation_min", 3), "The value is above the allowed range.",
           hint="0.45 or 45%"),
    Broken("ambiguous 1,200 in a fraction column", tables(setv(L, 1, utilisation_min="1,200")),
           L, cell(L, "utilisation_min", 3),
           "This number is ambiguous: it could be 1200 or 1.2."),
    Broken("jobs as a date", book(_put(L, "I3", dt.datetime(2025, 3, 1))), L, "I3",
           "This is not a number.", hint="formatted as a date"),
    Broken("status not allowed", tables(setv(L, 1, status="built")), L,
           cell(L, "status", 3), "This value is not one of the allowed words."),
    Broken("lines_max not whole", tables(setv("Sites", 0, lines_max=2.5)), "Sites",
           cell("Sites", "lines_max", 2), "This must be a whole number."),
    Broken("years zero", tables(setv("Periods", 0, years=0)), "Periods",
           cell("Periods", "years", 2), "The value is below the allowed range."),
    Broken("kind misspelt", tables(setv("Materials", 0, kind="prodcut")), "Materials",
           cell("Materials", "kind", 2), "This value is not one of the allowed words.",
           hint="Did you mean 'product'?"),
    Broken("recovered not yes or no", tables(setv("Materials", 0, recovered="maybe")),
           "Materials", cell("Materials", "recovered", 2), "This is not yes or no."),
    Broken("role abbreviated", tables(setv("Recipes", 0, role="in")), "Recipes",
           cell("Recipes", "role", 2), "This value is not one of the allowed words.",
           hint="Did you mean 'input'?"),
    Broken("policy misspelt", tables(setv("Policy", 0, policy="budget")), "Policy",
           cell("Policy", "policy", 2), "This value is not one of the allowed words.",
           hint="Did you mean 'budget_total'?"),
    Broken("price missing", tables(setv("Sources", 0, price=None)), "Sources",
           cell("Sources", "price", 2), "A required value is missing."),
    Broken("setting value not a number", book(_setting("discount_rate", "eight")),
           "Settings", "B4", "This is not a number."),
    Broken("case name escaping the results folder", book(_setting("case_name", "../../x")),
           "Settings", "B2", "case_name is used in the results file name, so it may only "
           "hold letters, digits, spaces, '-', '_' and '.'."),
    Broken("unknown setting", book(_put("Settings", "A7", "time_limt")), "Settings", "A7",
           "Unknown setting.", hint="Did you mean 'time_limit'?"),
    Broken("formula without a saved value", book(_put(L, "D3", "=1000*3")), L, "D3",
           "This cell holds a formula with no saved result, so its value is unknown.",
           hint="save it"),
    Broken("Excel error value", book(_put(L, "D3", "#DIV/0!")), L, "D3",
           "This cell shows the Excel error #DIV/0!."),
    Broken("missing sheet", book(_delete_sheet("Markets")), "Markets", "",
           "A required sheet is missing."),
    Broken("missing required column", book(lambda b: b["Sources"].delete_cols(7)), "Sources",
           "row 1", "A required column is missing."),
    Broken("empty required sheet", tables(lambda t: t.update(Recipes=[], RecipeGroups=[])),
           "Recipes", "", "The sheet has no rows."),
    # --- 1. unique IDs and references -------------------------------------------------
    Broken("duplicate line", tables(setv(L, 3, line="C01")), L, cell(L, "line", 5),
           "Duplicate row: line = C01 already appears in row 2."),
    Broken("duplicate market row", tables(_duplicate_market), "Markets",
           cell("Markets", "market", 113),
           "Duplicate row: market, material, period, market_id = M_BAKU, P_PIPE_PE100, "
           "(blank), (blank) already appears in row 2."),
    Broken("site in the wrong case", tables(setv(L, 2, site="scip")), L, cell(L, "site", 4),
           "Unknown site: it is not listed on the Sites sheet.", hint="Did you mean 'SCIP'?"),
    Broken("unknown material", tables(setv("Sources", 0, material="V_NOPE")), "Sources",
           cell("Sources", "material", 2),
           "Unknown material: it is not listed on the Materials sheet."),
    Broken("unknown source location", tables(setv("Sources", 0, location="SOCAR_X")),
           "Sources", cell("Sources", "location", 2),
           "Unknown location: it is not listed on the Sites or Locations sheet.",
           hint="Did you mean 'SOCAR'?"),
    Broken("unknown period", tables(setv(L, 0, period_earliest="2030")), L,
           cell(L, "period_earliest", 2),
           "Unknown period_earliest: it is not listed on the Periods sheet."),
    Broken("unknown market", tables(setv("Markets", 0, market="M_BAK")), "Markets",
           cell("Markets", "market", 2),
           "Unknown market: it is not listed on the Locations or Sites sheet."),
    Broken("unknown mode", tables(setv("Lanes", 1, mode="truck")), "Lanes",
           cell("Lanes", "mode", 3), "Unknown mode: it is not listed on the Modes sheet."),
    Broken("recipe for an unknown technology", tables(setv("Recipes", 0, applies_to="T99")),
           "Recipes", cell("Recipes", "applies_to", 2),
           "applies_to names neither a technology used on the Lines sheet nor a line."),
    Broken("a site that is also a location",
           tables(lambda t: t["Locations"].append({"location": "SCIP"})),
           "Locations", cell("Locations", "location", 9),
           "This ID names both a site and a location."),
    Broken("resource missing at the site", tables(_resource_use), "ResourceUse",
           cell("ResourceUse", "resource", 2),
           "Site SCIP of line C01 has no resource water on the Resources sheet, so C01's use "
           "of it is not limited there.", Severity.INFO),
    # --- cross-sheet rules of the model -----------------------------------------------
    Broken("offtake above availability", tables(setv("Sources", 0, offtake_min=50000)),
           "Sources", cell("Sources", "offtake_min", 2), "offtake_min is above availability."),
    Broken("sales_min above sales_max", tables(setv("Markets", 0, sales_min=5000)),
           "Markets", cell("Markets", "sales_min", 2), "sales_min is above sales_max."),
    Broken("lane to itself", tables(setv("Lanes", 1, destination="SOCAR")), "Lanes",
           cell("Lanes", "destination", 3), "A lane must join two different places."),
    Broken("lane without a cost", tables(_no_lane_cost), "Lanes", cell("Lanes", "cost", 3),
           "The lane has no cost: give cost, or mode and distance_km."),
    Broken("local share as a percent number", tables(setv("Policy", 1, value=50)), "Policy",
           cell("Policy", "value", 3), "A share must be between 0 and 1."),
    # --- 2. recipes ---------------------------------------------------------------------
    Broken("share_min above share_max", tables(setv("Recipes", 4, share_min=0.8)),
           "Recipes", cell("Recipes", "share_min", 6), "share_min is above share_max."),
    Broken("minimum shares above 1",
           tables(lambda t: (t["Recipes"][2].update(share_min=0.6),
                             t["Recipes"][3].update(share_min=0.6))),
           "Recipes", cell("Recipes", "share_min", 7),
           "The minimum shares of the inputs of recipe main of T02 add up to 120%; together "
           "they cannot fit in one input mix."),
    Broken("maximum shares below 1", tables(setv("Recipes", 0, share_min=0.5, share_max=0.8)),
           "Recipes",
           cell("Recipes", "share_max", 2),
           "The maximum shares of the inputs of recipe main of T01 add up to 80%; they cannot "
           "fill the input mix."),
    Broken("output without yield", tables(lambda t: t["Recipes"][1].update({"yield": None})),
           "Recipes", cell("Recipes", "yield", 3), "An output needs a yield."),
    Broken("outputs weigh more than inputs",
           tables(lambda t: t["Recipes"][1].update({"yield": 1.3})), "Recipes",
           cell("Recipes", "yield", 3),
           "The outputs of recipe main of T01 weigh 1.3 t per t of input: more comes out "
           "than goes in.", hint="mass_gain"),
    Broken("technology without a recipe", tables(setv(L, 1, technology="t01")), L,
           cell(L, "technology", 3), "Line C02 has no recipe: no Recipes row applies to it "
           "or to its technology t01.", hint="Did you mean 'T01'?"),
    Broken("recipe without output", tables(_drop_outputs), "Recipes",
           cell("Recipes", "applies_to", 2), "Recipe main of T01 has no output."),
    Broken("group limit for an unknown recipe",
           tables(setv("RecipeGroups", 0, applies_to="T77")), "RecipeGroups",
           cell("RecipeGroups", "applies_to", 2),
           "There is no recipe main of T77 on the Recipes sheet."),
    Broken("group no input belongs to", tables(setv("RecipeGroups", 0, share_group="RECYCLE")),
           "RecipeGroups", cell("RecipeGroups", "share_group", 2),
           "No input of recipe main of T04 belongs to group RECYCLE."),
    Broken("group minimum above its inputs' maximum",
           tables(setv("RecipeGroups", 0, share_min=0.95, share_max=1.0)), "RecipeGroups",
           cell("RecipeGroups", "share_min", 2),
           "Group RECYCLATE must make up at least 95% of the mix, but its inputs may make up "
           "at most 50% (their share_max)."),
    # --- 3. lines and sites (warnings) ----------------------------------------------
    Broken("exclusive group of one", tables(_single_group), L, cell(L, "group", 5),
           "Exclusive group G99 has only this line, so it limits nothing.", W),
    Broken("existing line blocks its group", tables(_existing_in_group), L,
           cell(L, "group", 3),
           "Line C02 can never be built: existing line C01 is in the same exclusive group G1.",
           W),
    # --- 4. reachability (warnings) ---------------------------------------------------
    Broken("product without a market", tables(_no_pipe_lanes), "Materials",
           cell("Materials", "material", 23),
           "P_PIPE_PE100 is made by C01, C02, C36 but cannot reach any market: no row of the "
           "Markets sheet sells it.", W),
    # --- 5. pre-solve feasibility (warnings, plain words) ------------------------------
    Broken("market minimum beyond capacity",
           tables(setv("Markets", 0, sales_min=100_000, sales_max=None)), "Markets",
           cell("Markets", "sales_min", 2),
           "A minimum of 100,000 t/yr of P_PIPE_PE100 must be sold at M_BAKU, but the lines "
           "that can make it and reach M_BAKU (C01, C02, C36) can produce at most "
           "11,760 t/yr.", W),
    Broken("more lines required than can operate", tables(setv("Policy", 0, value=40)),
           "Policy", cell("Policy", "value", 2),
           "At least 40 lines must operate, but at most 26 can: 0 existing and 36 candidates "
           "that may be built by then, with at most one per exclusive group and within each "
           "site's lines_max.", W),
    Broken("budget below the cheapest lines",
           tables(lambda t: t["Policy"].append({"policy": "budget_total", "value": 1000})),
           "Policy", cell("Policy", "value", 2),
           "At least 10 lines must operate, so at least 10 must be built. The 10 cheapest "
           "cost 7,200,000 USD together, but budget_total allows 1,000 USD.", W),
    Broken("offtake nobody can use",
           tables(setv("Sources", 0, offtake_min=40_000)), "Sources",
           cell("Sources", "offtake_min", 2), "", W),  # message checked below
    # --- 6. plausibility (warnings) ---------------------------------------------------
    Broken("price per kg instead of per t", tables(setv("Markets", 0, price=1.7)), "Markets",
           cell("Markets", "price", 2),
           "This value is far from the rest of the column: 1.7 USD/t against a typical "
           "1,750 USD/t (1,029 times smaller).", W, hint="per kg"),
    Broken("yield over 1 with mass gain",
           tables(lambda t: t["Recipes"][1].update({"yield": 1.2, "mass_gain": True})),
           "Recipes", cell("Recipes", "yield", 3),
           "A yield over 1: more tonnes of this output than tonnes of input. It is accepted "
           "because the recipe is marked mass_gain; check that it is meant.", W),
    # --- template version -------------------------------------------------------------
    Broken("template too new", book(_stamp("2.0")), "", "",
           "The workbook was made for a newer chainopt (template version 2.0); this chainopt "
           f"reads template version {SCHEMA_VERSION}."),
    Broken("template too old", book(_stamp("0.9")), "", "",
           "The workbook was made from template version 0.9, which is too old to read; this "
           f"chainopt reads template versions 1.0 to {SCHEMA_VERSION}.", hint="fresh template"),
]


def test_the_corpus_is_large_and_distinct() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({(c.sheet, c.cell, c.message) for c in CASES if c.message}) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_workbook(case: Broken, tmp_path: Path) -> None:
    path = case.make(tmp_path / "broken.xlsx")
    outcome = validate_workbook(path)
    issues = list(outcome.issues)
    report = outcome.issues.report()
    hits = [i for i in issues if i.sheet == case.sheet and i.cell == case.cell
            and i.severity is case.severity]
    assert hits, f"nothing at {case.sheet}!{case.cell}:\n{report}"
    if case.message:
        assert case.message in [i.message for i in hits], report
        hit = next(i for i in hits if i.message == case.message)
    else:
        hit = hits[0]
    if case.hint:
        assert case.hint in hit.hint, hit.format()
    assert hit.file == "broken.xlsx"
    errors = outcome.issues.errors
    if case.severity is Severity.ERROR:
        assert outcome.data is None
        assert len(errors) == 1, f"one mistake should give one error:\n{report}"
    else:
        assert outcome.data is not None, report
        assert not errors


def test_offtake_message_in_plain_words(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "offtake nobody can use")
    outcome = validate_workbook(case.make(tmp_path / "broken.xlsx"))
    hit = next(i for i in outcome.issues if i.sheet == "Sources" and i.cell == "F2")
    assert hit.message.startswith("At least 40,000 t/yr of V_PPH must be bought from "
                                  "SOCAR_PPH at SOCAR, but the lines and markets that can "
                                  "take it use at most "), hit.message
    assert hit.message.endswith(" t/yr.")
