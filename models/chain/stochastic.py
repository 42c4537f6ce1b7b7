r"""The robust plan: a two-stage stochastic program, built as its extensive form.

First stage (decided once, before the uncertainty resolves): which candidate lines to
build and in which period, :math:`\hat b_{l,p}`. Second stage (decided in each scenario
s, once it is known): purchases, flows, recipe inputs, sales and disposals, i.e. every
other variable of the chain model. Each scenario's model is the ordinary formulation
(models/chain/formulation.py, ``build_model``) of that scenario's validated data, added
as a Pyomo sub-block of one parent model, so the mathematics stays in one place: this
module adds only the shared first-stage copy, the non-anticipativity rows that tie each
scenario's build variables to it, and the expected-value objective

.. math::
    \max \sum_{s \in \Sigma} \varpi_s\, \mathrm{NV}_s(\hat b, y_s)

where :math:`\varpi_s` is the scenario's probability (Uncertainty sheet) and
:math:`\mathrm{NV}_s` the scenario's discounted net value (the formulation's objective).

The same pieces map one-to-one onto mpi-sppy (docs/user-guide.md, "A plan robust to
uncertainty"): ``scenario_model`` is the scenario creator, the ``build`` variables of
each block are the non-anticipative variables, and the probabilities are
``_mpisppy_probability``.

Pure: no I/O, no solver; the caller (optimizer/scenarios/robust.py) solves with optimizer/solve.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyomo.core as pyo

from models.chain.data import ChainData
from models.chain.formulation import build_model

Model = Any

# Variables and constraints this module adds; also the glossary of docs/formulation.md.
STOCHASTIC_VARIABLES: dict[str, tuple[str, str, str]] = {
    "first_stage": (r"\hat b_{l,p}", "0/1", "candidate line l is built in period p, the "
                    "same in every scenario (the robust plan's build decision)"),
}
STOCHASTIC_PARAMETERS: dict[str, tuple[str, str, str]] = {
    "probability": (r"\varpi_s", "Uncertainty.probability", "probability of scenario s; "
                    r"$\sum_s \varpi_s = 1$"),
    "block": (r"b^s_{l,p},\ \mathrm{NV}_s", "derived", "scenario s's copy of the formulation: "
              "its build variables and its net value (the objective above)"),
}


def nonanticipativity(parent: Model, s: str, line: str, p: str) -> Any:
    r"""Every scenario builds the same lines in the same periods (non-anticipativity).

    .. math:: b^s_{l,p} = \hat b_{l,p} \qquad \forall s \in \Sigma,\ (l,p) \in B

    Why: the build decision is taken before anyone knows which scenario comes true; only
    the flows (the second stage) may adapt to the scenario. Without these rows each
    block would choose its own lines and the extensive form would return the
    wait-and-see plans, one per scenario.
    """
    return parent.scenario[s].build[line, p] == parent.first_stage[line, p]


def expected_net_value(parent: Model) -> Any:
    r"""The robust plan's objective: the probability-weighted net value of the scenarios.

    .. math:: \max\ \sum_{s \in \Sigma} \varpi_s\, \mathrm{NV}_s

    where :math:`\mathrm{NV}_s` is scenario s's discounted net value (the formulation's
    objective, with every optional economic part) evaluated on its own block.
    """
    return sum(parent.probability[s] * parent.scenario[s].net_value.expr
               for s in parent.scenario_names)


STOCHASTIC_CONSTRAINTS: dict[str, Any] = {
    "nonanticipativity": nonanticipativity,
}
STOCHASTIC_OBJECTIVE: dict[str, Any] = {
    "expected_net_value": expected_net_value,
}


def first_stage_options(data: ChainData) -> tuple[tuple[str, str], ...]:
    """The first-stage keys of one scenario: (candidate line, period it may be built in)."""
    return tuple(data.build_options)


def differing_options(scenarios: Mapping[str, ChainData]) -> dict[str, str]:
    """Scenarios whose candidate lines or build periods differ from the first scenario's,
    with what differs in words. A robust plan needs one set of build decisions that
    means the same in every scenario."""
    names = list(scenarios)
    if not names:
        return {}
    first = set(first_stage_options(scenarios[names[0]]))
    out: dict[str, str] = {}
    for name in names[1:]:
        options = set(first_stage_options(scenarios[name]))
        if options != first:
            extra = sorted({line for line, _p in options - first})
            missing = sorted({line for line, _p in first - options})
            parts = []
            if extra:
                parts.append("may build " + ", ".join(extra[:5]) + (" ..." if len(extra) > 5
                                                                    else ""))
            if missing:
                parts.append("may not build " + ", ".join(missing[:5])
                             + (" ..." if len(missing) > 5 else ""))
            out[name] = ("; ".join(parts) or "build periods differ") + \
                f" (unlike {names[0]})"
    return out


def scenario_model(data: ChainData) -> pyo.ConcreteModel:
    """One scenario's model: the ordinary formulation of its data (the scenario creator)."""
    return build_model(data)


def build_extensive_form(scenarios: Mapping[str, tuple[float, ChainData]]
                         ) -> pyo.ConcreteModel:
    """The extensive form of the two-stage problem over ``{name: (probability, data)}``.

    ``parent.scenario[name]`` is scenario name's block (built by ``scenario_model``), with
    its own objective deactivated; ``parent.first_stage`` the shared build decisions;
    ``parent.nonanticipativity`` the rows tying them; ``parent.expected_net_value`` the
    objective. The scenarios must share their build options (``differing_options``).
    ``parent.constant_violations`` gathers every block's limits that cannot hold
    whatever is built, so the solve reports them as the formulation does.
    """
    if not scenarios:
        raise ValueError("the extensive form needs at least one scenario")
    names = list(scenarios)
    differ = differing_options({n: d for n, (_p, d) in scenarios.items()})
    if differ:
        raise ValueError("scenarios differ in their build options: "
                         + "; ".join(f"{n}: {t}" for n, t in differ.items()))
    parent = pyo.ConcreteModel(name="extensive form")
    parent.scenario_names = pyo.Set(initialize=names, ordered=True, doc="scenarios s")
    parent.probability = pyo.Param(parent.scenario_names,
                                   initialize={n: float(p) for n, (p, _d) in scenarios.items()},
                                   doc=STOCHASTIC_PARAMETERS["probability"][2])
    blocks: dict[str, pyo.ConcreteModel] = {}
    for i, name in enumerate(names):
        block = scenario_model(scenarios[name][1])
        block.net_value.deactivate()
        # a component name of its own (scenario names may hold any character); the map
        # below is how every caller finds a scenario's block
        parent.add_component(f"scenario_{i}", block)
        blocks[name] = block
    parent.scenario = blocks
    options = first_stage_options(scenarios[names[0]][1])
    parent.first_stage_index = pyo.Set(initialize=options, dimen=2,
                                       doc="candidate line l, period p it may be built in")
    parent.first_stage = pyo.Var(parent.first_stage_index, domain=pyo.Binary,
                                 doc=STOCHASTIC_VARIABLES["first_stage"][2])
    parent.nonanticipativity_index = pyo.Set(
        initialize=[(n, line, p) for n in names for line, p in options], dimen=3)
    parent.nonanticipativity = pyo.Constraint(
        parent.nonanticipativity_index, rule=nonanticipativity,
        doc=(nonanticipativity.__doc__ or "").split("\n")[0])
    parent.expected_net_value = pyo.Objective(expr=expected_net_value(parent),
                                              sense=pyo.maximize,
                                              doc="expected discounted net value")
    parent.constant_violations = [f"scenario {n}: {text}" for n in names
                                  for text in getattr(blocks[n], "constant_violations", [])]
    return parent


def hold_builds(model: pyo.ConcreteModel, built: Mapping[tuple[str, str], float]) -> None:
    r"""Fix a scenario model's build variables at a given plan (the EEV's second stage).

    .. math:: b_{l,p} = \bar b_{l,p} \quad \forall (l,p) \in B

    Options absent from ``built`` are held at 0.
    """
    for key in model.build:
        model.build[key].fix(round(float(built.get(key, 0.0))))


def build_values(model: pyo.ConcreteModel) -> dict[tuple[str, str], float]:
    """The build decisions of a solved scenario model (or of the first stage)."""
    var = model.first_stage if hasattr(model, "first_stage") else model.build
    return {key: float(round(v.value or 0.0)) for key, v in var.items()}
