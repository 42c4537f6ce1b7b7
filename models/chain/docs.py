"""docs/formulation.md, generated from the code: schema symbols, variables, objective parts
and the docstrings of the constraint rules. `chainopt docs` writes it; a test fails when
the committed file differs, or when a component lacks its documentation.
"""

from __future__ import annotations

import inspect
import re

from models.chain import constraints
from models.chain import profit_tax as profit_tax_module
from models.chain.formulation import CONSTRAINTS, OBJECTIVE_PARTS, VARIABLES
from models.chain.schema import SETTINGS, SHEETS

HEADER = """# chainopt formulation (production-chain MILP)

*Generated from the code by `chainopt docs`; do not edit by hand.
`tests/test_formulation_docs.py` fails when this file and the code differ.*

The model chooses which candidate lines to build and when, and how feedstock, intermediates
and products flow between places, to maximise discounted net value. Quantities are tonnes
per year of a period; money is in the workbook's currency.

## Index sets

| symbol | meaning | from |
|---|---|---|
| $p \\in P$ | periods, in order; $\\hat p$ the last | Periods |
| $m \\in M$ | materials ($M^{rec}$: recovered waste) | Materials |
| $n \\in N$ | places: sites $S$ and other locations | Sites, Locations |
| $l \\in L$ | lines not excluded ($L_s$: at site $s$; $E_g$: exclusive group $g$) | Lines |
| $k \\in K_l$ | recipes (operating modes) of line $l$ | Recipes |
| $o \\in O$ | feedstock offers ($O_{n,m}$: of $m$ at $n$; $O^{loc}$: local) | Sources |
| $(d,m,p)$ | markets: material $m$ sold at market $d$ in period $p$ (a place, or a \
contract Markets.market_id at a place; $D_{n,m}$: the markets of $m$ at $n$) | Markets |
| $a \\in A$ | lanes ($A^{in}_n$, $A^{out}_n$: into / out of $n$) | Lanes |
| $G_g$ | inputs of a recipe that share a group limit | Recipes.share_group |
| $O_g$ | offers of supply group $g$, with a joint purchase limit | Sources.supply_group |

Every index set is sparse: a variable or row exists only for keys present in the data.
A lane carries material $m$ only if $m$ can be present at its origin (offered, made or
carried there) and of use at its destination (consumed, sold or carried on); both are
closures computed over the lane graph before the model is built.

Period weight: $w_p = \\sum_{t=0}^{n_p-1} (1+r)^{-(Y_p + t)}$, where $Y_p$ is the number
of years before period $p$ and $n_p$ its length in years.
"""


def _rst_math_to_md(doc: str) -> str:
    """Turn ``.. math::`` blocks and :math:`x` roles of the docstrings into Markdown math."""
    lines = inspect.cleandoc(doc).splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith(".. math::"):
            inline = line.split(".. math::", 1)[1].strip()
            block = [inline] if inline else []
            i += 1
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                if lines[i].strip():
                    block.append(lines[i].strip())
                elif block:
                    break
                i += 1
            out.append("$$")
            out.append(" ".join(block))
            out.append("$$")
            continue
        out.append(re.sub(r":math:`([^`]*)`", r"$\1$", line))
        i += 1
    return "\n".join(out).strip()


def parameter_table() -> str:
    rows = ["| symbol | sheet.column | unit | meaning |", "|---|---|---|---|"]
    for sheet in SHEETS:
        for col in sheet.columns:
            if col.symbol:
                rows.append(f"| ${col.symbol}$ | {sheet.name}.{col.name} | {col.unit or '-'} |"
                            f" {col.description} |")
    for s in SETTINGS:
        if s.symbol:
            rows.append(f"| ${s.symbol}$ | Settings.{s.name} | {s.unit or '-'} |"
                        f" {s.description} |")
    rows.append(r"| $M_{l,k,m}$ | derived | t/yr | bound of input_link: min(share_max x "
                "capacity, most of m that could exist) |")
    rows.append(r"| $\rho_{l,q,p}$ | derived (RampUp) | fraction | ramp-up limit in period p of "
                "line l built in period q: the mean of its technology's RampUp limits over "
                "the years of p (see ramp_up_limit) |")
    rows.append(r"| $\lambda_{l,k}$ | derived (Recipes) | t/t | process loss of recipe k of "
                r"line l: $1 - \sum_m y_{l,k,m}$ when positive (mass closure), named by "
                "Recipes.loss_name |")
    rows.append(r"| $\epsilon_a$ | derived (Lanes) | t CO2/t | "
                r"$\epsilon^0_a + \epsilon^{km}_a \delta_a$ |")
    rows.append(r"| $w^\pi_p$ | derived (Settings) | yr | discounted years of period p "
                "whose margin bears the profit tax after relief (see tax_weights) |")
    return "\n".join(rows)


def variable_table() -> str:
    rows = ["| symbol | code name | unit | meaning |", "|---|---|---|---|"]
    for name, (symbol, unit, meaning) in VARIABLES.items():
        rows.append(f"| ${symbol}$ | `{name}` | {unit} | {meaning} |")
    rows.append(r"| $o_{l,p}$ | `is_open` (expression) | 0/1 | line operates: 1 if existing, "
                r"else $\sum_{p' \le p} b_{l,p'}$ |")
    rows.append(r"| $z_{l,k,p}$ | `recipe_throughput` (expression) | t/yr | "
                r"$\sum_m x_{l,k,m,p}$ |")
    rows.append(r"| $E_p$ | `emissions` (expression) | t CO2/yr | "
                r"$\sum_{l,k,m} e_{l,k,m} x_{l,k,m,p} + \sum_{a,m} \epsilon_a f_{a,m,p}$ |")
    return "\n".join(rows)


def objective_section() -> str:
    parts = ["## Objective", "", "Maximise net value $= R - C^{feed} - C^{var} - C^{tr} - "
             "C^{disp} - C^{fix}$, less the parts of the optional economics (price tiers, "
             "process losses, carbon, working capital, import duty, per-tonne incentives, "
             "profit tax: "
             "each 0 when the workbook leaves it blank), each part a named Pyomo expression "
             "that the results break down:", "", "| part | code name | expression |",
             "|---|---|---|"]
    for name, (expr, meaning) in OBJECTIVE_PARTS.items():
        parts.append(f"| {meaning} | `{name}` | ${expr}$ |")
    parts += ["", "Variable bounds carry the simple limits: "
              r"$\underline{A}_{o,p} \le q_{o,p} \le \bar{A}_{o,p}$ (offtake and "
              r"availability), $\underline{D}_{d,m,p} \le v_{d,m,p} \le \bar{D}_{d,m,p}$ "
              "(contracted and absorptive demand); a blank upper limit is none."]
    return "\n".join(parts)


def constraint_section() -> str:
    out = ["## Constraints", ""]
    for name, (rule, index) in CONSTRAINTS.items():
        doc = _rst_math_to_md(rule.__doc__ or "")  # type: ignore[attr-defined]
        over = f"for every element of `{index}`" if index else "once"
        out += [f"### `{name}`", "", doc, "", f"*Rows: {over}. Rule: "
                f"`models/chain/constraints.py::{rule.__name__}`.*", ""]  # type: ignore[attr-defined]
    return "\n".join(out)


def profit_tax_section() -> str:
    """The profit tax: how it stays linear, what is approximate, and its formulas."""
    return "\n\n".join([
        "## Profit tax (linear, with its approximations)",
        _rst_math_to_md(profit_tax_module.__doc__ or "").split("\n", 1)[1].strip(),
        "### `taxed_margins`",
        _rst_math_to_md(profit_tax_module.taxed_margins.__doc__ or ""),
        "### `tax_weights`", _rst_math_to_md(profit_tax_module.tax_weights.__doc__ or ""),
        "*Code: `models/chain/profit_tax.py`.*"])


def stochastic_section() -> str:
    """The robust plan's extensive form (models/chain/stochastic.py), from its docstrings."""
    from models.chain import stochastic

    out = ["## A plan robust to uncertainty (extensive form)", "",
           _rst_math_to_md(stochastic.__doc__ or ""), "",
           "| symbol | code name | unit | meaning |", "|---|---|---|---|"]
    for name, (symbol, unit, meaning) in stochastic.STOCHASTIC_VARIABLES.items():
        out.append(f"| ${symbol}$ | `{name}` | {unit} | {meaning} |")
    for name, (symbol, source, meaning) in stochastic.STOCHASTIC_PARAMETERS.items():
        out.append(f"| ${symbol}$ | `{name}` | {source} | {meaning} |")
    out.append("")
    for name, rule in {**stochastic.STOCHASTIC_OBJECTIVE,
                       **stochastic.STOCHASTIC_CONSTRAINTS}.items():
        out += [f"### `{name}`", "", _rst_math_to_md(rule.__doc__ or ""), "",
                f"*Rule: `models/chain/stochastic.py::{rule.__name__}`.*", ""]
    out += [f"### `{stochastic.hold_builds.__name__}` (the EEV's second stage)", "",
            _rst_math_to_md(stochastic.hold_builds.__doc__ or ""), ""]
    return "\n".join(out)


def formulation_markdown() -> str:
    helpers = [constraints.is_open, constraints.recipe_throughput]
    assert all(h.__doc__ for h in helpers)
    return "\n\n".join([
        HEADER.strip(),
        "## Parameters\n\n" + parameter_table(),
        "## Variables\n\n" + variable_table(),
        objective_section(),
        constraint_section().strip(),
        profit_tax_section(),
        stochastic_section().strip(),
    ]) + "\n"
