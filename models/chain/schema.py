"""The Excel contract of the production-chain model.

Every sheet and column of the input workbook is declared here once: its type, unit,
whether it is required, its default, what it means, and (for model parameters) the
symbol it carries in docs/formulation.md. The reader, the template writer, the
glossary and the documentation all read this module; nothing else declares columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

SCHEMA_VERSION = "1.4"
"""Template version, MAJOR.MINOR. A minor step only adds optional columns or sheets (an
older workbook still reads, see MIGRATIONS); a major step changes what a column means."""

VERSION_NAME = "chainopt_template_version"
"""Workbook-level defined name holding the template version the workbook was made from."""


class ColType(StrEnum):
    """How a cell's value is parsed."""

    ID = "id"  # text identifier, compared exactly after trimming
    TEXT = "text"  # free text
    NUMBER = "number"  # real number
    INTEGER = "integer"  # whole number
    BOOL = "bool"  # yes/no
    ENUM = "enum"  # one of a fixed list of words


# Sanity ranges: the largest magnitude a number may have, by the column's unit. A value
# past it is a typo or a unit mistake (1e308, a capacity of 1e15 t/yr), and would also
# break the solver's numerics (HiGHS treats 1e20 as infinite and warns from about 1e9);
# each is an error located at its cell (models/validation/tables.py). A column may set
# its own ``magnitude``; columns of other units take DEFAULT_MAGNITUDE.
MAGNITUDE_BY_UNIT: dict[str, float] = {
    "t/yr": 1e9,  # tonnes per year: world plastics output is about 4e8 t/yr
    "currency/t": 1e7,  # a price or cost per tonne
    "currency/t/km": 1e5,
    "currency/yr": 1e12,  # a yearly cost
    "currency": 1e13,  # an investment or a budget
    "km": 1e5,  # the Earth's circumference is 4e4 km
    "yr": 1e3,
    "t/t": 1e3,
    "fraction": 1.0,
    "deg": 360.0,
    "s": 1e7,  # a time limit: about four months
}
DEFAULT_MAGNITUDE = 1e12  # counts, jobs, resource amounts, policy values


@dataclass(frozen=True)
class Column:
    """One column of an input sheet."""

    name: str
    type: ColType
    description: str
    unit: str = ""
    required: bool = False
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()  # sheets whose key this column must name
    symbol: str = ""  # LaTeX symbol in the formulation, if the column is a model parameter
    example: str = ""
    # Allowed-value metadata for templates and hints (never changes what is valid):
    suggest: tuple[str, ...] = ()  # "Sheet.column" lists offered in the drop-down
    accepts_percent: bool | None = None  # "45%" allowed; None: only for fraction columns
    magnitude: float | None = None  # largest |value| accepted; None: by unit (see above)

    @property
    def max_magnitude(self) -> float:
        """The sanity range of a number column: |value| at most this."""
        if self.magnitude is not None:
            return self.magnitude
        return MAGNITUDE_BY_UNIT.get(self.unit, DEFAULT_MAGNITUDE)

    @property
    def percent_ok(self) -> bool:
        """Whether a value typed as a percentage ("45%") fits this column."""
        if self.accepts_percent is not None:
            return self.accepts_percent
        return self.unit == "fraction"

    @property
    def optional_blank_means(self) -> str:
        """What an empty cell means, in words, for the glossary."""
        if self.required:
            return "required"
        if self.default is None:
            return "optional; blank means none / no limit"
        shown = self.default
        if isinstance(shown, bool):
            shown = "yes" if shown else "no"
        elif isinstance(shown, float) and shown.is_integer():
            shown = int(shown)
        return f"optional; blank means {shown}"


@dataclass(frozen=True)
class Sheet:
    """One input sheet: an entity of the model, one row per record."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns that identify a row (unique together)
    required: bool = True
    fill_order: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


@dataclass(frozen=True)
class Setting:
    """One row of the Settings sheet (a key-value sheet)."""

    name: str
    type: ColType
    description: str
    default: object
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    symbol: str = ""


MATERIAL_KINDS = ("feedstock", "intermediate", "product", "residue")
LINE_STATUSES = ("candidate", "existing", "excluded")
RECIPE_ROLES = ("input", "output")
POLICY_KINDS = (
    "budget_total",
    "budget_period",
    "lines_min",
    "jobs_min",
    "recovered_min",
    "local_share_min",
)

C = Column
T = ColType

SETTINGS: tuple[Setting, ...] = (
    Setting("case_name", T.TEXT, "Short name of the case; used in the results file name.", "case"),
    Setting("currency", T.TEXT, "Currency of every price and cost in the workbook.", "USD"),
    Setting(
        "discount_rate",
        T.NUMBER,
        "Yearly discount rate applied to later periods (0.08 = 8 %).",
        0.0,
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        symbol="r",
    ),
    Setting("time_limit", T.NUMBER, "Solver time limit.", 600.0, unit="s", minimum=0.0),
    Setting(
        "mip_gap",
        T.NUMBER,
        "Relative gap at which the solver may stop (0.0001 = 0.01 %).",
        1e-4,
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
    ),
    Setting("threads", T.INTEGER, "Solver threads; 0 lets HiGHS choose.", 0, minimum=0),
    Setting(
        "carbon_price",
        T.NUMBER,
        "Price of one tonne of CO2 emitted by recipes and lanes (their emission factors on "
        "Recipes.co2_per_t and Lanes.co2_per_t / co2_per_tkm). 0 or blank: emissions are "
        "reported but cost nothing.",
        0.0,
        unit="currency/t CO2",
        minimum=0.0,
        symbol=r"\kappa",
    ),
    Setting(
        "financing_rate",
        T.NUMBER,
        "Yearly cost of financing working capital (stock and receivables, see "
        "Materials.stock_days and receivable_days), e.g. 0.12 = 12 %.",
        0.0,
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        symbol=r"i^{wc}",
    ),
    Setting(
        "import_duty",
        T.NUMBER,
        "Import duty as a share of the price, on every offer marked local = no (an offer's "
        "Sources.duty_rate overrides it), e.g. 0.05 = 5 %.",
        0.0,
        unit="fraction",
        minimum=0.0,
        maximum=5.0,
        symbol=r"\bar\tau",
    ),
    Setting(
        "profit_tax_rate",
        T.NUMBER,
        "Profit tax on the plan's margin (net value before tax, per year of each period) "
        "when positive, e.g. 0.20 = 20 %. The plan is taxed as one taxpayer, with no loss "
        "carry-forward (docs/formulation.md says what this over- and understates). 0 or "
        "blank: no profit tax.",
        0.0,
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        symbol=r"\tau^{\pi}",
    ),
    Setting(
        "profit_tax_relief_share",
        T.NUMBER,
        "Share of the margin exempt from profit tax during the relief years (a tax holiday, "
        "e.g. the SME-cluster exemption): 1 when every line qualifies, the qualifying "
        "lines' share of the margin otherwise. 0 or blank: no relief.",
        0.0,
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        symbol=r"\rho^{\pi}",
    ),
    Setting(
        "profit_tax_relief_years",
        T.INTEGER,
        "Years of relief, counted from the first year of the plan (e.g. 7). Blank: relief "
        "in every year.",
        None,
        unit="yr",
        minimum=0,
        symbol=r"Y^{\pi}",
    ),
)

PERIODS = Sheet(
    "Periods",
    "Planning periods, in time order. Quantities are per year of a period; a period of "
    "several years counts its yearly value once per year, discounted.",
    (
        C("period", T.ID, "Period identifier, e.g. 2025 or P1.", required=True, example="2025"),
        C("years", T.INTEGER, "Length of the period in years.", unit="yr", default=1, minimum=1,
          symbol=r"n_p"),
        C("description", T.TEXT, "Free text."),
    ),
    key=("period",),
    fill_order=2,
)

MATERIALS = Sheet(
    "Materials",
    "Every material in the chain: feedstocks, intermediates, end products and residues.",
    (
        C("material", T.ID, "Material identifier.", required=True, example="MAT_01"),
        C("name", T.TEXT, "Readable name."),
        C("kind", T.ENUM, "What role the material plays.", required=True,
          choices=MATERIAL_KINDS),
        C("volume_factor", T.NUMBER, "Multiplies transport cost per tonne (hollow goods > 1).",
          default=1.0, minimum=0.0, symbol=r"\phi_m"),
        C("disposal_cost", T.NUMBER, "Cost of disposing of one tonne at the site where it "
          "arises (e.g. to waste-to-energy). Blank: the material cannot be disposed of.",
          unit="currency/t", minimum=0.0, symbol=r"c^{disp}_m"),
        C("recovered", T.BOOL, "Recovered-waste feedstock (counts toward the recovered-waste "
          "policy).", default=False),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
        C("stock_days", T.NUMBER, "Days of the material's yearly purchases or sales held in "
          "stock, valued at the offer's or market's price; financed at financing_rate "
          "(working capital). Blank: 0.", unit="days", minimum=0.0, maximum=365.0,
          symbol=r"s_m"),
        C("receivable_days", T.NUMBER, "Days of the material's yearly sales not yet paid "
          "(receivables), financed at financing_rate. Blank: 0.", unit="days",
          minimum=0.0, maximum=365.0, symbol=r"r_m"),
        C("incentive_per_t", T.NUMBER, "Paid to the plan per tonne of this material "
          "processed by lines (a recovered-waste subsidy, a landfill gate fee avoided); a "
          "negative value is a fee per tonne processed. Blank: 0.", unit="currency/t",
          symbol=r"\iota_m"),
    ),
    key=("material",),
    fill_order=3,
)

LOCATIONS = Sheet(
    "Locations",
    "Places that are not sites: markets, ports, supplier hubs. Sites are listed on the "
    "Sites sheet; together they are every place a source, market or lane may name.",
    (
        C("location", T.ID, "Location identifier.", required=True, example="MARKET_1"),
        C("name", T.TEXT, "Readable name."),
        C("latitude", T.NUMBER, "Latitude (for maps).", unit="deg", minimum=-90, maximum=90),
        C("longitude", T.NUMBER, "Longitude (for maps).", unit="deg", minimum=-180,
          maximum=180),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
    ),
    key=("location",),
    required=False,
    fill_order=4,
)

SITES = Sheet(
    "Sites",
    "Industrial parks where processing lines can be built.",
    (
        C("site", T.ID, "Site identifier.", required=True, example="PARK_A"),
        C("name", T.TEXT, "Readable name."),
        C("latitude", T.NUMBER, "Latitude (for maps).", unit="deg", minimum=-90, maximum=90),
        C("longitude", T.NUMBER, "Longitude (for maps).", unit="deg", minimum=-180,
          maximum=180),
        C("lines_max", T.INTEGER, "Most lines that may operate at the site at once.",
          minimum=0, symbol=r"\bar{N}_s"),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
        C("loss_cost", T.NUMBER, "Cost of disposing of one tonne of process loss at the site "
          "(what a recipe loses when its output yields add up to less than 1, e.g. fines, "
          "off-cuts, moisture). Blank: losses leave at no cost.", unit="currency/t",
          minimum=0.0, symbol=r"c^{loss}_s"),
    ),
    key=("site",),
    fill_order=5,
)

RESOURCES = Sheet(
    "Resources",
    "Shared resources of a site (power, water, floor area) and how much is available.",
    (
        C("site", T.ID, "Site that has the resource.", required=True, refs=("Sites",)),
        C("resource", T.ID, "Resource name, e.g. power.", required=True),
        C("unit", T.TEXT, "Unit of the resource, e.g. MW."),
        C("available", T.NUMBER, "Amount available at the site.", required=True, minimum=0.0,
          symbol=r"\bar{R}_{s,r}"),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
    ),
    key=("site", "resource"),
    required=False,
    fill_order=7,
)

RESOURCE_USE = Sheet(
    "ResourceUse",
    "How much of a site resource each line takes while it operates.",
    (
        C("line", T.ID, "Line that uses the resource.", required=True, refs=("Lines",)),
        C("resource", T.ID, "Resource name, as on the Resources sheet.", required=True,
          suggest=("Resources.resource",)),
        C("amount", T.NUMBER, "Amount the line takes.", required=True, minimum=0.0,
          symbol=r"u_{l,r}"),
    ),
    key=("line", "resource"),
    required=False,
    fill_order=8,
)

SOURCES = Sheet(
    "Sources",
    "Feedstock offers: a material offered at a location, per period.",
    (
        C("source", T.ID, "Offer identifier.", required=True, example="OFFER_01"),
        C("material", T.ID, "Material offered.", required=True, refs=("Materials",)),
        C("location", T.ID, "Where it is offered (a site or a location).", required=True,
          refs=("Sites", "Locations")),
        C("period", T.ID, "Period the row applies to. Blank: every period.",
          refs=("Periods",)),
        C("availability", T.NUMBER, "Most that can be bought per year. Blank: unlimited.",
          unit="t/yr", minimum=0.0, symbol=r"\bar{A}_{o,p}"),
        C("offtake_min", T.NUMBER, "Least that must be bought per year.", unit="t/yr",
          default=0.0, minimum=0.0, symbol=r"\underline{A}_{o,p}"),
        C("price", T.NUMBER, "Price per tonne at the location.", unit="currency/t",
          required=True, minimum=0.0, symbol=r"c^{buy}_{o,p}"),
        C("local", T.BOOL, "Produced in the country (counts toward the local-share policy).",
          default=True),
        C("duty_rate", T.NUMBER, "Import duty on this offer as a share of its price. Blank: "
          "the import_duty setting for an offer that is not local (local = no), none for a "
          "local one.", unit="fraction", minimum=0.0, maximum=5.0, symbol=r"\tau_o"),
        C("cluster", T.ID, "The cluster (Clusters sheet) this offer supplies, for a "
          "local_share_min rule of that cluster: its local share is taken over the offers "
          "marked with it. Blank: the offer counts for the whole case only.",
          suggest=("Clusters.cluster",)),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
        C("supply_group", T.ID, "Supply group whose joint limit on purchases is set on the "
          "SupplyGroups sheet (e.g. every offer of one supplier).",
          suggest=("SupplyGroups.group",)),
    ),
    key=("source", "period"),
    fill_order=9,
)

LINES = Sheet(
    "Lines",
    "Processing lines: candidates that may be built, existing lines that must run.",
    (
        C("line", T.ID, "Line identifier.", required=True, example="L01"),
        C("site", T.ID, "Site of the line.", required=True, refs=("Sites",)),
        C("technology", T.ID, "Technology; recipes may be given per technology.",
          required=True),
        C("capacity", T.NUMBER, "Most input the line can process per year.", unit="t/yr",
          required=True, minimum=0.0, symbol=r"K_l"),
        C("cost_fixed", T.NUMBER, "Fixed cost per year while the line exists (annualised "
          "capex, fixed O&M, labour).", unit="currency/yr", default=0.0, minimum=0.0,
          symbol=r"c^{fix}_l"),
        C("capex", T.NUMBER, "Investment, counted against budgets in the build period.",
          unit="currency", default=0.0, minimum=0.0, symbol=r"I_l"),
        C("cost_variable", T.NUMBER, "Processing cost per tonne of input (without feedstock).",
          unit="currency/t", default=0.0, minimum=0.0, symbol=r"c^{var}_l"),
        C("utilisation_min", T.NUMBER, "Least share of capacity used in every period the line "
          "operates.", unit="fraction", default=0.0, minimum=0.0, maximum=1.0,
          symbol=r"\underline{u}_l"),
        C("jobs", T.NUMBER, "Jobs while the line operates.", default=0.0, minimum=0.0,
          symbol=r"j_l"),
        C("status", T.ENUM, "candidate: may be built; existing: operates in every period; "
          "excluded: left out of this run.", default="candidate", choices=LINE_STATUSES),
        C("group", T.ID, "Exclusive group: at most one line of a group is built."),
        C("period_earliest", T.ID, "First period in which the line may be built. Blank: the "
          "first period.", refs=("Periods",)),
        C("description", T.TEXT, "Free text."),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
    ),
    key=("line",),
    fill_order=6,
)

RECIPES = Sheet(
    "Recipes",
    "Operating modes (recipes) of a technology or of one line: allowed inputs with their "
    "share of the input mix, and outputs with their yield per tonne of input. A line runs "
    "any mix of its modes within its capacity. Rows for a line ID replace the rows of its "
    "technology.",
    (
        C("applies_to", T.ID, "A technology, or a line ID for a line-specific recipe.",
          required=True, example="TECH_01", suggest=("Lines.technology", "Lines.line")),
        C("recipe", T.ID, "Operating mode name; one mode if the technology has one.",
          default="main"),
        C("material", T.ID, "Input or output material.", required=True, refs=("Materials",)),
        C("role", T.ENUM, "input or output.", required=True, choices=RECIPE_ROLES),
        C("share_min", T.NUMBER, "Least share of this input in the mode's input mix.",
          unit="fraction", default=0.0, minimum=0.0, maximum=1.0,
          symbol=r"\underline{s}_{l,k,m}"),
        C("share_max", T.NUMBER, "Most share of this input in the mode's input mix.",
          unit="fraction", default=1.0, minimum=0.0, maximum=1.0,
          symbol=r"\bar{s}_{l,k,m}"),
        C("yield", T.NUMBER, "Tonnes of this output per tonne of input to the mode.",
          unit="t/t", minimum=0.0, symbol=r"y_{l,k,m}"),
        C("share_group", T.ID, "Input group whose combined share is limited on the "
          "RecipeGroups sheet (e.g. all recyclate inputs)."),
        C("mass_gain", T.BOOL, "yes on an output row: this recipe's outputs may weigh more "
          "than its inputs (water, filler or air taken up). Otherwise the output yields of "
          "a recipe add up to at most 1 t per t of input.", default=False),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
        C("loss_name", T.TEXT, "On any row of a recipe: what the recipe loses when its "
          "output yields add up to less than 1 (e.g. 'fines and off-cuts'). The loss is "
          "shown in the results and disposed of at the site's loss_cost. Blank: 'loss'."),
        C("co2_per_t", T.NUMBER, "On an input row: tonnes of CO2 emitted per tonne of this "
          "input processed by the recipe (process energy and direct emissions). Blank: 0.",
          unit="t CO2/t", minimum=0.0, symbol=r"e_{l,k,m}"),
    ),
    key=("applies_to", "recipe", "material", "role"),
    fill_order=10,
)

RECIPE_GROUPS = Sheet(
    "RecipeGroups",
    "Limits on the combined share of a group of inputs in a mode's input mix, e.g. "
    "'total recyclate at most 30 %'. Inputs join a group through Recipes.share_group.",
    (
        C("applies_to", T.ID, "Technology or line, as on the Recipes sheet.", required=True,
          suggest=("Lines.technology", "Lines.line")),
        C("recipe", T.ID, "Operating mode, as on the Recipes sheet.", default="main"),
        C("share_group", T.ID, "Group name, as in Recipes.share_group.", required=True,
          suggest=("Recipes.share_group",)),
        C("share_min", T.NUMBER, "Least combined share of the group's inputs.",
          unit="fraction", default=0.0, minimum=0.0, maximum=1.0,
          symbol=r"\underline{s}_{l,k,g}"),
        C("share_max", T.NUMBER, "Most combined share of the group's inputs.",
          unit="fraction", default=1.0, minimum=0.0, maximum=1.0,
          symbol=r"\bar{s}_{l,k,g}"),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
    ),
    key=("applies_to", "recipe", "share_group"),
    required=False,
    fill_order=10,
)

MARKETS = Sheet(
    "Markets",
    "Where products and intermediates can be sold: price and the least (contracted) and "
    "most (absorptive) sales per year.",
    (
        C("market", T.ID, "Place of sale (a location or a site).", required=True,
          refs=("Locations", "Sites")),
        C("material", T.ID, "Material sold.", required=True, refs=("Materials",)),
        C("period", T.ID, "Period the row applies to. Blank: every period.",
          refs=("Periods",)),
        C("price", T.NUMBER, "Price per tonne at the market.", unit="currency/t",
          required=True, minimum=0.0, symbol=r"\pi_{d,m,p}"),
        C("sales_min", T.NUMBER, "Least that must be sold per year.", unit="t/yr",
          default=0.0, minimum=0.0, symbol=r"\underline{D}_{d,m,p}"),
        C("sales_max", T.NUMBER, "Most that can be sold per year. Blank: unlimited.",
          unit="t/yr", minimum=0.0, symbol=r"\bar{D}_{d,m,p}"),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
        C("market_id", T.ID, "Names this contract when one place has several for the same "
          "material (different prices, minimums or maximums): rows with the same market "
          "and material need different IDs. The ID names the market in the results, in "
          "PriceTiers.market_id and in scenario rows; it may not be the ID of a site or "
          "location, and one ID belongs to one place. Blank: the market is named by its "
          "place.", example="CONTRACT_A"),
    ),
    key=("market", "material", "period", "market_id"),
    fill_order=11,
)

MODES = Sheet(
    "Modes",
    "Transport modes: cost per tonne = fixed part + rate per km x distance.",
    (
        C("mode", T.ID, "Mode identifier, e.g. road.", required=True),
        C("cost_fixed", T.NUMBER, "Fixed part per tonne (loading, terminals).",
          unit="currency/t", default=0.0, minimum=0.0, symbol=r"c^{0}_{\mu}"),
        C("cost_per_km", T.NUMBER, "Rate per tonne-kilometre.", unit="currency/t/km",
          default=0.0, minimum=0.0, symbol=r"c^{km}_{\mu}"),
        C("description", T.TEXT, "Free text."),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
    ),
    key=("mode",),
    required=False,
    fill_order=12,
)

LANES = Sheet(
    "Lanes",
    "Transport lanes between places. Cost per tonne is given directly, or as mode and "
    "distance; either way it is multiplied by the material's volume factor, then the "
    "surcharge (borders, documents) is added.",
    (
        C("lane", T.ID, "Lane identifier.", required=True, example="PARK_A>MARKET_1:road"),
        C("origin", T.ID, "Where the lane starts.", required=True,
          refs=("Sites", "Locations")),
        C("destination", T.ID, "Where the lane ends.", required=True,
          refs=("Sites", "Locations")),
        C("material", T.ID, "Only this material may use the lane. Blank: any material.",
          refs=("Materials",)),
        C("mode", T.ID, "Transport mode (with distance_km).", refs=("Modes",)),
        C("distance_km", T.NUMBER, "Distance.", unit="km", minimum=0.0, symbol=r"\delta_a"),
        C("cost", T.NUMBER, "Freight per tonne, instead of mode and distance.",
          unit="currency/t", minimum=0.0, symbol=r"c^{lane}_a"),
        C("surcharge", T.NUMBER, "Added per tonne after the volume factor (borders, "
          "documents).", unit="currency/t", default=0.0, minimum=0.0, symbol=r"c^{add}_a"),
        C("capacity", T.NUMBER, "Most tonnes per year on the lane. Blank: unlimited.",
          unit="t/yr", minimum=0.0, symbol=r"\bar{F}_a"),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
        C("co2_per_t", T.NUMBER, "Tonnes of CO2 emitted per tonne carried on the lane "
          "(handling, a fixed trip). Blank: 0.", unit="t CO2/t", minimum=0.0,
          symbol=r"\epsilon^{0}_a"),
        C("co2_per_tkm", T.NUMBER, "Tonnes of CO2 emitted per tonne-kilometre (needs "
          "distance_km). Blank: 0.", unit="t CO2/t/km", minimum=0.0,
          symbol=r"\epsilon^{km}_a"),
    ),
    key=("lane",),
    fill_order=13,
)

RAMP_UP = Sheet(
    "RampUp",
    "Ramp-up: the most a line of a technology may use of its capacity in each year of "
    "operation, counted from the line's build period (year 1 = the build year). A year not "
    "listed keeps the value of the last year listed before it; a technology without rows "
    "runs at full capacity from the start. Existing lines are already run in. A one-period "
    "case of one year reads year 1 as its single planning utilisation.",
    (
        C("technology", T.ID, "Technology, as on the Lines sheet.", required=True,
          suggest=("Lines.technology",), example="TECH_01"),
        C("year", T.INTEGER, "Year of operation (1 = the build year).", required=True,
          minimum=1, example="1"),
        C("utilisation_max", T.NUMBER, "Most share of capacity used in that year.",
          unit="fraction", required=True, minimum=0.0, maximum=1.0, symbol=r"U_{\tau,y}",
          example="0.6"),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
    ),
    key=("technology", "year"),
    required=False,
    fill_order=6,
)

PRICE_TIERS = Sheet(
    "PriceTiers",
    "Prices that fall as more is sold at a market: from tonnes_from t/yr on, each further "
    "tonne fetches this tier's price instead of the price below it (the Markets price "
    "holds from 0 to the first tier). Prices must fall from tier to tier, so revenue is "
    "concave and needs no extra integer variables.",
    (
        C("market", T.ID, "Place of sale, as on the Markets sheet.", required=True,
          refs=("Locations", "Sites")),
        C("material", T.ID, "Material sold, as on the Markets sheet.", required=True,
          refs=("Materials",)),
        C("period", T.ID, "Period the tier applies to. Blank: every period (rows naming "
          "a period replace the blank-period tiers of that market in that period).",
          refs=("Periods",)),
        C("tonnes_from", T.NUMBER, "Sales per year above which this tier's price applies.",
          unit="t/yr", required=True, minimum=0.0, symbol=r"\theta_{d,m,p,t}"),
        C("price", T.NUMBER, "Price per tonne for sales above tonnes_from (below the price "
          "of the tier before).", unit="currency/t", required=True, minimum=0.0,
          symbol=r"\pi_{d,m,p,t}"),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
        C("market_id", T.ID, "The market's ID on the Markets sheet, when the place has "
          "several contracts for the material. Blank: the market without an ID.",
          suggest=("Markets.market_id",)),
    ),
    key=("market", "material", "period", "tonnes_from", "market_id"),
    required=False,
    fill_order=11,
)

LANE_MATERIALS = Sheet(
    "LaneMaterials",
    "Several named materials on one lane, sharing its capacity: one row per lane and "
    "material. A lane listed here carries only these materials (leave its "
    "Lanes.material blank); a lane not listed carries its Lanes.material, or any "
    "material when that is blank.",
    (
        C("lane", T.ID, "Lane, as on the Lanes sheet.", required=True, refs=("Lanes",)),
        C("material", T.ID, "A material the lane may carry.", required=True,
          refs=("Materials",)),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
    ),
    key=("lane", "material"),
    required=False,
    fill_order=13,
)

CLUSTERS = Sheet(
    "Clusters",
    "Groups of sites that a Policy row may name (SME-cluster rules per cluster): one row "
    "per site of a cluster. A site may belong to several clusters.",
    (
        C("cluster", T.ID, "Cluster identifier.", required=True, example="CLUSTER_A"),
        C("site", T.ID, "A site of the cluster.", required=True, refs=("Sites",)),
        C("description", T.TEXT, "Free text."),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
    ),
    key=("cluster", "site"),
    required=False,
    fill_order=15,
)

POLICY = Sheet(
    "Policy",
    "Optional budget and policy limits. budget_total: capex over all periods; "
    "budget_period: capex in a period; lines_min and jobs_min: lines and jobs in operation; "
    "recovered_min: tonnes of recovered-waste feedstock processed per year; "
    "local_share_min: least share of feedstock purchases by value from local sources.",
    (
        C("policy", T.ENUM, "Which limit.", required=True, choices=POLICY_KINDS),
        C("value", T.NUMBER, "The limit (currency, count, tonnes or fraction).",
          required=True, minimum=0.0, accepts_percent=True),
        C("active", T.BOOL, "no: keep the row but leave the limit out of this run.",
          default=True),
        C("period", T.ID, "Period it applies to. Blank: every period (budget_period, "
          "recovered_min, local_share_min) or the last period (lines_min, jobs_min).",
          refs=("Periods",)),
        C("description", T.TEXT, "Free text."),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
        C("cluster", T.ID, "A cluster on the Clusters sheet: lines_min, jobs_min or "
          "recovered_min then count only the lines at that cluster's sites, and "
          "local_share_min only the offers whose Sources.cluster names it. Blank: the "
          "whole case.", suggest=("Clusters.cluster",)),
    ),
    key=("policy", "period", "cluster"),
    required=False,
    fill_order=15,
)

REFERENCES = Sheet(
    "References",
    "The sources cited in the reference columns.",
    (
        C("ref", T.ID, "Short tag used in reference columns, e.g. S5.", required=True),
        C("citation", T.TEXT, "Author, title, date."),
        C("url", T.TEXT, "Address."),
    ),
    key=("ref",),
    required=False,
    fill_order=16,
)

SETTINGS_SHEET = Sheet(
    "Settings",
    "Run settings, one per row: name in column A, value in column B.",
    (
        C("setting", T.ID, "Setting name.", required=True, choices=tuple(s.name for s in SETTINGS)),
        C("value", T.TEXT, "Its value.", required=False),
        C("description", T.TEXT, "What it means."),
    ),
    key=("setting",),
    fill_order=1,
)

SUPPLY_GROUPS = Sheet(
    "SupplyGroups",
    "Joint limits on purchases from a group of offers, e.g. 'all offers of one supplier "
    "together at most 21,000 t/yr'. Offers join a group through Sources.supply_group.",
    (
        C("group", T.ID, "Group name, as in Sources.supply_group.", required=True,
          example="SUPPLIER_1", suggest=("Sources.supply_group",)),
        C("period", T.ID, "Period the row applies to. Blank: every period.",
          refs=("Periods",)),
        C("purchases_min", T.NUMBER, "Least that must be bought from the group's offers "
          "together per year.", unit="t/yr", default=0.0, minimum=0.0,
          symbol=r"\underline{Q}_{g,p}"),
        C("purchases_max", T.NUMBER, "Most that can be bought from the group's offers "
          "together per year. Blank: no joint limit.", unit="t/yr", minimum=0.0,
          symbol=r"\bar{Q}_{g,p}"),
        C("description", T.TEXT, "Free text."),
        C("reference", T.TEXT, "Where the numbers come from; [E] marks an estimate."),
    ),
    key=("group", "period"),
    required=False,
    fill_order=9,
)

SHEETS: tuple[Sheet, ...] = (
    SETTINGS_SHEET,
    PERIODS,
    MATERIALS,
    LOCATIONS,
    SITES,
    LINES,
    RESOURCES,
    RESOURCE_USE,
    SOURCES,
    SUPPLY_GROUPS,
    RECIPES,
    RECIPE_GROUPS,
    MARKETS,
    MODES,
    LANES,
    POLICY,
    REFERENCES,
    RAMP_UP,
    PRICE_TIERS,
    CLUSTERS,
    LANE_MATERIALS,
)

# --- what-if sheets: read by optimizer/scenarios, never by the model ------------------------
CHANGES = ("set", "multiply", "add")
DATA_SHEET_NAMES = tuple(s.name for s in SHEETS if s.name != "References")
_ROW_HELP = ("Which rows of the sheet: blank or * = every row; an ID of the sheet's first "
             "key column (e.g. L01 on Lines, a setting name on Settings; on Markets also "
             "a market_id); or filters "
             "column=value, several joined by ';' (e.g. material=MAT_01; market=MARKET_2).")

SCENARIOS = Sheet(
    "Scenarios",
    "Named what-if scenarios, one change per row, applied to a copy of the base case "
    "(this workbook is never changed). A scenario may start from another (parent). "
    "`chainopt scenarios` solves them all and compares the plans. Empty: only the base case.",
    (
        C("scenario", T.ID, "Scenario name.", required=True, example="utilisation_85"),
        C("parent", T.ID, "Scenario whose changes apply first. Blank: the base case.",
          suggest=("Scenarios.scenario",)),
        C("sheet", T.ID, "Sheet to change. Blank on a row that only names the parent.",
          choices=DATA_SHEET_NAMES),
        C("row", T.TEXT, _ROW_HELP),
        C("column", T.ID, "Column to change, as in the sheet's header (value on Settings)."),
        C("change", T.ENUM, "set: replace by value; multiply: multiply by value; add: add "
          "value. Blank cells stay blank under multiply and add (unlimited stays unlimited).",
          default="set", choices=CHANGES),
        C("value", T.TEXT, "The new value (set, typed as on the sheet; blank clears the "
          "cell), the factor (multiply) or the amount (add)."),
        C("description", T.TEXT, "Free text; shown in the comparison workbook."),
    ),
    key=("scenario", "sheet", "row", "column"),
    required=False,
    fill_order=17,
)

SWEEPS = Sheet(
    "Sweeps",
    "Parameter sweeps: one parameter changed over a range (from, to, step) or a list of "
    "values; two rows with the same sweep name make a grid. `chainopt sweep` solves every "
    "point and locates, by bisection, where the set of lines built changes.",
    (
        C("sweep", T.ID, "Sweep name.", required=True, example="woven_price"),
        C("scenario", T.ID, "Scenario the sweep starts from. Blank: the base case.",
          suggest=("Scenarios.scenario",)),
        C("sheet", T.ID, "Sheet of the swept parameter.", required=True,
          choices=DATA_SHEET_NAMES),
        C("row", T.TEXT, _ROW_HELP),
        C("column", T.ID, "Column of the swept parameter.", required=True),
        C("change", T.ENUM, "How each swept value is applied: set, multiply or add.",
          default="multiply", choices=CHANGES),
        C("from", T.NUMBER, "First swept value."),
        C("to", T.NUMBER, "Last swept value."),
        C("step", T.NUMBER, "Step between swept values.", minimum=0.0),
        C("values", T.TEXT, "Instead of from/to/step: the values, separated by ';' "
          "(e.g. 0.8; 0.9; 1.1)."),
        C("tolerance", T.NUMBER, "Switching points are located to within this much of "
          "the swept value. Blank: a twentieth of the step.", minimum=0.0),
        C("description", T.TEXT, "Free text."),
    ),
    key=("sweep", "sheet", "row", "column"),
    required=False,
    fill_order=18,
)

UNCERTAINTY = Sheet(
    "Uncertainty",
    "Scenarios with probabilities, for `chainopt robust`: one set of lines to build that "
    "maximises the expected net value over these scenarios (flows adapt to each). Each "
    "row names a scenario of the Scenarios sheet, or base (the workbook unchanged). The "
    "probabilities must add up to 1. Empty: `chainopt robust` has nothing to do; every "
    "other command ignores this sheet.",
    (
        C("scenario", T.ID, "A scenario of the Scenarios sheet, or base.", required=True,
          example="utilisation_85", suggest=("Scenarios.scenario",)),
        C("probability", T.NUMBER, "How likely the scenario is, between 0 and 1; the "
          "probabilities of all rows add up to 1.", unit="fraction", required=True,
          minimum=0.0, maximum=1.0, symbol=r"\varpi_s"),
        C("description", T.TEXT, "Free text; shown in the robust-plan workbook."),
        C("reference", T.TEXT, "Where the probability comes from; [E] marks an estimate."),
    ),
    key=("scenario",),
    required=False,
    fill_order=19,
)

SHEETS = (*SHEETS, SCENARIOS, SWEEPS, UNCERTAINTY)
SHEETS_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}
SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


AUXILIARY_SHEETS = ("Guide", "Lists")
"""Sheets the template adds for people (the guide, the hidden drop-down lists); not read."""


@dataclass(frozen=True)
class Migration:
    """How a workbook made from an older template version is read as the next version."""

    from_version: str
    to_version: str
    note: str  # what changed, in words, for the info note
    renamed_sheets: tuple[tuple[str, str], ...] = ()  # (old, new)
    renamed_columns: tuple[tuple[str, str, str], ...] = ()  # (sheet, old, new)


MIGRATIONS: tuple[Migration, ...] = (
    Migration("1.0", "1.1", "Recipes gained the optional column mass_gain (blank means no)."),
    Migration("1.1", "1.2", "Sources gained the optional column supply_group and the optional "
              "sheets SupplyGroups, Scenarios and Sweeps were added (blank means none)."),
    Migration("1.2", "1.3", "Optional economics: the RampUp and PriceTiers sheets, "
              "Sites.loss_cost, Recipes.loss_name and co2_per_t, Lanes.co2_per_t and "
              "co2_per_tkm, the carbon_price setting, the Clusters sheet, "
              "Policy.cluster, the LaneMaterials sheet, Materials.stock_days and "
              "receivable_days, incentive_per_t, Sources.duty_rate and cluster, the "
              "financing_rate "
              "and import_duty settings, Markets.market_id and PriceTiers.market_id, the "
              "profit_tax_rate, profit_tax_relief_share and profit_tax_relief_years "
              "settings (blank means none)."),
    Migration("1.3", "1.4", "The optional Uncertainty sheet (scenario probabilities for "
              "chainopt robust) was added (blank means none)."),
)
"""Every step from the oldest readable template version to SCHEMA_VERSION, in order."""

OLDEST_READABLE_VERSION = MIGRATIONS[0].from_version if MIGRATIONS else SCHEMA_VERSION
