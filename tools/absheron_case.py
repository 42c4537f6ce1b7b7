"""The bundled Absheron example case, as plain Python data.

Every number is copied from the domain brief (shared/domain/absheron-brief.md, §8 and the
sections it points to) and keeps the brief's tags in the ``reference`` column:
[S n] sourced (entry n of the brief's §9), [D] derived, [E] engineering estimate.
The tables below follow the brief's own tables; the small functions after them turn them
into workbook rows. ``absheron_tables()`` is what tools/make_templates.py writes to
input_templates/absheron.xlsx.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Row = dict[str, object]
Tables = dict[str, list[Row]]

# ---------------------------------------------------------------------------------------
# Settings and periods
# ---------------------------------------------------------------------------------------

SETTINGS: tuple[tuple[str, object], ...] = (
    ("case_name", "absheron"),
    ("currency", "USD"),
    ("discount_rate", 0.0),
    ("time_limit", 300),
    ("mip_gap", 0.0001),
    ("threads", 0),
)

PERIODS = (("2025", 1, "Base year of the brief; one year, actual-2025 supply."),)

# ---------------------------------------------------------------------------------------
# Materials (§5.2, §8.2)
# ---------------------------------------------------------------------------------------

# id, name
FEEDSTOCKS: tuple[tuple[str, str], ...] = (
    ("V_PPH", "PP homopolymer (raffia, fibre, injection, thermoforming)"),
    ("V_PPB", "PP impact copolymer"),
    ("V_PPR", "PP random copolymer"),
    ("V_HDF", "HDPE film"),
    ("V_HDB", "HDPE blow moulding"),
    ("V_HDI", "HDPE injection"),
    ("V_HDP", "HDPE PE100/PE80 pipe"),
    ("I_LDPE", "LDPE/LLDPE (imported)"),
    ("R_PET_BALE", "PET bottle bales"),
    ("R_HDPE_RIG", "HDPE rigid bales"),
    ("R_PP_RIG", "PP rigid bales"),
    ("R_FILM_PC", "Post-consumer PE film"),
    ("R_FILM_CI", "Clean C&I film (retail and logistics stretch/shrink)"),
    ("R_MIXPO", "Mixed plastic residue (MRF)"),
    ("R_WOODFLOUR", "Wood flour"),
)

# id, name, market value USD/t if sold outside the cluster (§5.2)
INTERMEDIATES: tuple[tuple[str, str, float], ...] = (
    ("X_RPET_FLK", "rPET hot-washed flake", 750),
    ("X_RHDPE", "rHDPE pellets", 850),
    ("X_RPP", "rPP pellets", 750),
    ("X_RLDPE_N", "rLDPE natural", 900),
    ("X_RLDPE_C", "rLDPE coloured", 650),
    ("X_RPO_MIX", "Mixed PO regrind", 400),
)

# id, name, base price USD/t at the Baku market, volumetric freight factor (§5.2)
PRODUCTS: tuple[tuple[str, str, float, float], ...] = (
    ("P_PIPE_PE100", "HDPE PE100 pressure pipe (mixed diameters)", 1700, 1.5),
    ("P_PIPE_NP", "Non-pressure/corrugated PE/PP pipe", 1300, 2.5),
    ("P_PIPE_PPR", "PP-R plumbing pipe", 1950, 1.5),
    ("P_BAG_HD", "HDPE carrier bags ≥ 15 µm", 1600, 1.1),
    ("P_BAG_REF", "Refuse sacks", 1200, 1.1),
    ("P_FILM_PKG", "LDPE/LLDPE packaging and shrink film", 1750, 1.1),
    ("P_WOVEN", "Woven PP sacks (≈ 50 % BOPP-laminated mix)", 1900, 1.2),
    ("P_FIBC", "FIBC big bags", 2700, 1.2),
    ("P_NONWOVEN", "PP spunbond", 1850, 1.3),
    ("P_CAPS", "Caps and closures", 2700, 1.3),
    ("P_CRATE", "Crates, pallets, bins", 1650, 2.0),
    ("P_HOUSE", "Housewares and buckets", 2000, 2.0),
    ("P_CANISTER", "HDPE canisters 1–20 L", 2100, 3.0),
    ("P_BOTTLE_FOOD", "HDPE food bottles", 2300, 3.5),
    ("P_THERMO", "PP trays and containers", 2200, 2.0),
    ("P_NET", "Agro and shade nets", 2100, 1.3),
    ("P_PSF", "rPET hollow/solid staple fibre", 1150, 1.4),
    ("P_STRAP", "PET strapping", 1400, 1.0),
    ("P_WPC", "WPC decking and profiles", 1100, 1.0),
    ("P_LUMBER", "Plastic lumber, kerbs, pallets from mixed plastic", 550, 1.0),
)

RESIDUE = "RESIDUE"
RESIDUE_DISPOSAL_COST = 10  # USD/t to the Baku WtE plant (§4.4, §8.7) [E]

# ---------------------------------------------------------------------------------------
# Places (§6.1, §8.1)
# ---------------------------------------------------------------------------------------

# id, name, lat, lon, reference
SITES: tuple[tuple[str, str, float, float, str], ...] = (
    ("SCIP", "Sumgayit (Chemical) Industrial Park", 40.57, 49.68,
     "[E] brief §8.1 coordinates (±3 km); 10-yr park regime [S 30]; SOCAR Polymer on site"),
    ("BIP", "Balakhani Industrial Park", 40.47, 49.91,
     "[E] brief §8.1 coordinates (±2 km); 7-yr park regime [S 41]; MRF and WtE adjacent"),
    ("MIP", "Mingachevir Industrial Park", 40.78, 47.03,
     "[E] brief §8.1 coordinates; 10-yr park regime [S 30]; textile focus [S 31]"),
    ("ALAT", "Alat FEZ / Port of Baku", 39.95, 49.41,
     "[E] brief §8.1 coordinates; 65 km S of Baku [S 64]; ferry and BTK rail gateway"),
)

SOCAR = "SOCAR"

# id, name, lat, lon, price multiplier on base prices (§6.3), rationale
MARKETS: tuple[tuple[str, str, float, float, float], ...] = (
    ("M_BAKU", "Baku–Absheron (incl. Sumgayit)", 40.41, 49.87, 1.00),
    ("M_REG", "Azerbaijan regions, Ganja hub", 40.68, 46.36, 1.00),
    ("M_GEO", "Georgia, Tbilisi", 41.72, 44.79, 1.02),
    ("M_TUR", "Türkiye, Istanbul/Marmara (road via Georgia or BTK rail)", 41.01, 28.98, 0.95),
    ("M_RUS", "Russia, North-Caucasus gateway (Makhachkala)", 42.98, 47.50, 1.03),
    ("M_CAS", "Central Asia via Caspian (Turkmenbashi; Aktau/Kuryk alternative)", 40.02, 52.96,
     1.08),
)
INTERMEDIATE_MULTIPLIER_OVERRIDE = {"M_TUR": 1.00}  # §6.3: flake and pellets sell at 1.00

# ---------------------------------------------------------------------------------------
# Feedstock sources (§8.2): actual-2025 availability is used; nameplate goes in the reference
# ---------------------------------------------------------------------------------------

# material, location, availability actual-2025 t/yr, availability nameplate t/yr, price USD/t
SUPPLY: tuple[tuple[str, str, float | None, float | None, float], ...] = (
    ("V_PPH", SOCAR, 42_000, 130_000, 1000),
    ("V_PPB", SOCAR, 11_000, 36_000, 1080),
    ("V_PPR", SOCAR, 5_000, 18_000, 1120),
    ("V_HDF", SOCAR, 12_000, 35_000, 950),
    ("V_HDB", SOCAR, 8_000, 25_000, 960),
    ("V_HDI", SOCAR, 8_000, 25_000, 940),
    ("V_HDP", SOCAR, 11_000, 35_000, 1050),
    ("I_LDPE", "M_BAKU", None, None, 1250),
    ("R_PET_BALE", "BIP", 5_500, 9_000, 260),
    ("R_HDPE_RIG", "BIP", 1_500, 2_800, 280),
    ("R_PP_RIG", "BIP", 1_500, 2_700, 220),
    ("R_FILM_PC", "BIP", 2_750, 5_000, 60),
    ("R_FILM_CI", "BIP", 3_000, 5_000, 320),
    ("R_MIXPO", "BIP", 4_000, 8_000, 20),
    ("R_WOODFLOUR", "BIP", 3_000, 5_000, 150),
)
SOURCE_PREFIX = {"V": "SOCAR", "I": "IMPORT", "R": "BIP"}
SUPPLY_ORIGIN = {
    "R_PET_BALE": "Tamiz Shahar MRF + separate collection + AzEkol-type collection",
    "R_HDPE_RIG": "Tamiz Shahar MRF + separate collection",
    "R_PP_RIG": "Tamiz Shahar MRF + separate collection",
    "R_FILM_PC": "Tamiz Shahar MRF + separate collection",
    "R_FILM_CI": "Baku retailers and logistics",
    "R_MIXPO": "MRF residue (otherwise WtE)",
    "R_WOODFLOUR": "BIP wood-waste resident [S 40]",
}

# ---------------------------------------------------------------------------------------
# Candidate lines (§8.3), in the brief's units: capex M USD, annualised / O&M+labour /
# total fixed in k USD/yr, variable USD/t of input
# ---------------------------------------------------------------------------------------

# id, site, tech, cap t/yr, capex M, annualised k, O&M+labour k, total fixed k, var, min util,
# jobs, exclusive group, note
LINES: tuple[tuple[str, str, str, float, float, int, int, int, float, float, int, str, str],
             ...] = (
    ("C01", "SCIP", "T01", 3000, 1.20, 212, 144, 356, 84, 0.40, 12, "G1",
     "PE100 water/gas pipe 20–250 mm"),
    ("C02", "SCIP", "T01", 6000, 2.20, 389, 232, 621, 84, 0.40, 18, "G1",
     "Large-dia PE100 (≤ 630 mm)"),
    ("C03", "SCIP", "T03", 1200, 0.55, 97, 86, 183, 101, 0.40, 8, "",
     "PP-R pipe (needs PP-R pipe grade)"),
    ("C04", "SCIP", "T02", 2000, 0.90, 159, 116, 275, 82, 0.35, 10, "",
     "Corrugated drainage / conduit"),
    ("C05", "SCIP", "T07", 3250, 6.59, 1166, 1384, 2550, 180, 0.45, 140, "G2",
     "Nun LLC as announced (3,120 t/yr out, AZN 11.2 M, 140 jobs)"),
    ("C06", "SCIP", "T07", 3000, 3.50, 619, 740, 1359, 180, 0.45, 75, "G2",
     "Generic woven-sack plant"),
    ("C07", "SCIP", "T08", 1500, 2.00, 354, 960, 1314, 246, 0.40, 110, "G3", "FIBC"),
    ("C08", "SCIP", "T15", 3000, 5.00, 885, 400, 1285, 154, 0.55, 25, "G4",
     "Spunbond on HB2662FS-type grade"),
    ("C09", "SCIP", "T09", 1000, 1.80, 319, 184, 503, 161, 0.45, 14, "",
     "Caps and closures"),
    ("C10", "SCIP", "T10", 2000, 2.00, 354, 208, 562, 117, 0.35, 16, "",
     "Crates and pallets (virgin-rich)"),
    ("C11", "SCIP", "T11", 1200, 1.20, 212, 208, 420, 150, 0.35, 20, "",
     "Housewares and buckets"),
    ("C12", "SCIP", "T12", 1200, 1.10, 195, 172, 367, 134, 0.40, 16, "G5",
     "Lube and detergent canisters"),
    ("C13", "SCIP", "T13", 1000, 1.00, 177, 152, 329, 140, 0.45, 14, "",
     "Dairy and edible-oil bottles"),
    ("C14", "SCIP", "T14", 1500, 1.60, 283, 192, 475, 156, 0.45, 16, "",
     "PP trays and containers"),
    ("C15", "SCIP", "T04", 1500, 0.70, 124, 172, 296, 130, 0.40, 18, "",
     "HDPE carrier bags ≥ 15 µm"),
    ("C16", "SCIP", "T06", 3000, 1.50, 265, 172, 437, 91, 0.45, 14, "",
     "Packaging film (imported LDPE)"),
    ("C17", "SCIP", "T24", 1000, 0.90, 159, 236, 395, 156, 0.40, 25, "G6",
     "Agro nets, virgin-rich"),
    ("C18", "BIP", "T16", 3000, 1.50, 265, 260, 525, 90, 0.40, 25, "G7",
     "PET wash 500 kg/h (AzEkol-type expansion)"),
    ("C19", "BIP", "T16", 1500, 0.90, 159, 164, 323, 90, 0.40, 16, "G7",
     "PET wash 250 kg/h"),
    ("C20", "BIP", "T17", 2000, 1.00, 177, 184, 361, 89, 0.35, 18, "",
     "Rigid HDPE/PP → pellets"),
    ("C21", "BIP", "T18", 2000, 1.20, 212, 208, 420, 106, 0.35, 20, "",
     "PC film → coloured rLDPE"),
    ("C22", "BIP", "T19", 1500, 0.45, 80, 82, 162, 48, 0.30, 8, "",
     "C&I film → natural rLDPE"),
    ("C23", "BIP", "T21", 1200, 0.80, 142, 112, 254, 96, 0.40, 10, "", "rPET strapping"),
    ("C24", "BIP", "T20", 3000, 2.50, 442, 340, 782, 129, 0.55, 30, "G8",
     "rPET PSF (fibrefill for BIP furniture/sponge residents)"),
    ("C25", "BIP", "T05", 1500, 0.60, 106, 136, 242, 110, 0.35, 14, "",
     "Refuse sacks from recyclate"),
    ("C26", "BIP", "T22", 2000, 0.90, 159, 148, 307, 149, 0.35, 14, "",
     "WPC (wood flour from BIP)"),
    ("C27", "BIP", "T23", 1500, 0.50, 88, 116, 204, 61, 0.30, 12, "",
     "Plastic lumber and kerbs"),
    ("C28", "BIP", "T10", 2000, 2.00, 354, 208, 562, 117, 0.35, 16, "",
     "Crates and pallets (recyclate-rich)"),
    ("C29", "BIP", "T02", 2000, 0.90, 159, 116, 275, 82, 0.35, 10, "",
     "Non-pressure pipe (recyclate-rich)"),
    ("C30", "BIP", "T24", 1000, 0.90, 159, 236, 395, 156, 0.40, 25, "G6",
     "Nets from recyclate (cf. BIP \"plastic nets\" resident)"),
    ("C31", "BIP", "T12", 1200, 1.10, 195, 172, 367, 134, 0.40, 16, "G5",
     "3-layer canisters, rHDPE core"),
    ("C32", "MIP", "T20", 3000, 2.50, 442, 340, 782, 129, 0.55, 30, "G8",
     "PSF in textile park"),
    ("C33", "MIP", "T15", 3000, 5.00, 885, 400, 1285, 154, 0.55, 25, "G4",
     "Spunbond in textile park"),
    ("C34", "MIP", "T08", 1500, 2.00, 354, 960, 1314, 246, 0.40, 110, "G3",
     "FIBC in textile park"),
    ("C35", "ALAT", "T07", 3000, 3.50, 619, 740, 1359, 180, 0.45, 75, "G2",
     "Export woven sacks at Alat"),
    ("C36", "ALAT", "T01", 3000, 1.20, 212, 144, 356, 84, 0.40, 12, "G1",
     "Export PE100 pipe (Caspian)"),
)
# Sources behind individual lines (the rest are [E] from the archetype table §4.3)
LINE_SOURCES = {"C05": "[S 22]", "C08": "[S 9]", "C18": "[S 42,43]", "C30": "[S 40]"}

# ---------------------------------------------------------------------------------------
# Recipes (§4.4): per technology and mode, inputs (material, share_min, share_max) and
# outputs (material, yield per t of input); the rule column of the brief goes in the reference
# ---------------------------------------------------------------------------------------

Inputs = tuple[tuple[str, float, float], ...]
Outputs = tuple[tuple[str, float], ...]

RECIPES: tuple[tuple[str, str, Inputs, Outputs, str], ...] = (
    ("T01", "main", (("V_HDP", 1.0, 1.0),), (("P_PIPE_PE100", 0.98),),
     "pressure pipe: virgin PE100 only, own rework reground in-house [S 77]"),
    ("T02", "main",
     (("V_HDP", 0, 1.0), ("V_HDB", 0, 1.0), ("X_RHDPE", 0, 0.70), ("X_RPP", 0, 0.30)),
     (("P_PIPE_NP", 0.97),), "non-pressure pipe may use recyclate [S 77]"),
    ("T03", "main", (("V_PPR", 1.0, 1.0),), (("P_PIPE_PPR", 0.97),),
     "needs PP-R type-3 pipe grade [S 7]"),
    ("T04", "main",
     (("V_HDF", 0, 1.0), ("I_LDPE", 0, 0.20), ("X_RLDPE_N", 0, 0.30), ("X_RHDPE", 0, 0.20)),
     (("P_BAG_HD", 0.96),), "≥ 15 µm, bags ≤ 15 µm banned since 2021 [S 51]"),
    ("T05", "main",
     (("X_RLDPE_C", 0, 1.0), ("X_RLDPE_N", 0, 1.0), ("X_RHDPE", 0, 0.50), ("V_HDF", 0, 1.0),
      ("I_LDPE", 0, 0.50)),
     (("P_BAG_REF", 0.96),), "100 % recyclate feasible [S 74,76]"),
    ("T06", "main", (("I_LDPE", 0.50, 1.0), ("V_HDF", 0, 0.30), ("X_RLDPE_N", 0, 0.20)),
     (("P_FILM_PKG", 0.97),), "recyclate only in non-food, secondary packaging"),
    ("T07", "main", (("V_PPH", 0.80, 1.0), ("X_RPP", 0, 0.15)), (("P_WOVEN", 0.96),),
     "food and fertiliser sacks: keep recyclate low"),
    ("T08", "main", (("V_PPH", 0.90, 1.0), ("X_RPP", 0, 0.10)), (("P_FIBC", 0.95),),
     "safety factor 5:1 / 6:1, near-virgin"),
    ("T09", "main", (("V_HDI", 0, 1.0), ("V_PPB", 0, 1.0), ("V_PPH", 0, 1.0)),
     (("P_CAPS", 0.98),), "food contact: 0 % mechanical recyclate"),
    ("T10", "main",
     (("V_PPB", 0, 1.0), ("V_HDI", 0, 1.0), ("X_RPP", 0, 0.70), ("X_RHDPE", 0, 0.70),
      ("X_RPO_MIX", 0, 0.20)),
     (("P_CRATE", 0.98),), "non-food crates and pallets"),
    ("T11", "main", (("V_PPB", 0, 1.0), ("V_PPH", 0, 1.0), ("X_RPP", 0, 0.30)),
     (("P_HOUSE", 0.98),), "non-food items only"),
    ("T12", "main", (("V_HDB", 0, 1.0), ("X_RHDPE", 0, 0.40)), (("P_CANISTER", 0.97),),
     "3-layer, recycled core; lube and detergent, not food"),
    ("T13", "main", (("V_HDB", 1.0, 1.0),), (("P_BOTTLE_FOOD", 0.97),),
     "food contact: virgin"),
    ("T14", "main", (("V_PPH", 0, 1.0), ("V_PPR", 0, 1.0)), (("P_THERMO", 0.96),),
     "food contact: virgin; trays and containers, single-use cups/plates banned [S 51]"),
    ("T15", "main", (("V_PPH", 1.0, 1.0),), (("P_NONWOVEN", 0.95),),
     "high-MFR fibre grade, cf. HB2662FS [S 9]"),
    ("T16", "main", (("R_PET_BALE", 1.0, 1.0),),
     (("X_RPET_FLK", 0.76), ("X_RPO_MIX", 0.06), (RESIDUE, 0.18)),
     "caps and rings to X_RPO_MIX, 0.18 residue to WtE; bale spec per AzEkol [S 43]"),
    ("T17", "HDPE", (("R_HDPE_RIG", 1.0, 1.0),), (("X_RHDPE", 0.80), (RESIDUE, 0.20)),
     "campaigned with PP; rest residue"),
    ("T17", "PP", (("R_PP_RIG", 1.0, 1.0),), (("X_RPP", 0.78), (RESIDUE, 0.22)),
     "campaigned with HDPE; rest residue"),
    ("T18", "PC", (("R_FILM_PC", 1.0, 1.0),), (("X_RLDPE_C", 0.60), (RESIDUE, 0.40)),
     "wash losses to WtE; thin or dirty film lowers throughput [S 75]"),
    ("T18", "CI", (("R_FILM_CI", 1.0, 1.0),), (("X_RLDPE_N", 0.88), (RESIDUE, 0.12)),
     "wash losses to WtE; thin or dirty film lowers throughput [S 75]"),
    ("T19", "main", (("R_FILM_CI", 1.0, 1.0),), (("X_RLDPE_N", 0.93),), "clean feed only"),
    ("T20", "main", (("X_RPET_FLK", 1.0, 1.0),), (("P_PSF", 0.93),),
     "fibre grade < 250 ppm [S 73]"),
    ("T21", "main", (("X_RPET_FLK", 1.0, 1.0),), (("P_STRAP", 0.96),), "< 250 ppm [S 73]"),
    ("T22", "main",
     (("R_WOODFLOUR", 0.40, 0.60), ("X_RLDPE_C", 0, 0.60), ("X_RHDPE", 0, 0.60),
      ("X_RPP", 0, 0.60), ("X_RPO_MIX", 0, 0.60)),
     (("P_WPC", 0.97),), "synergy with BIP wood-waste resident [S 40]"),
    ("T23", "main", (("R_MIXPO", 0, 1.0), ("X_RPO_MIX", 0, 1.0), ("R_FILM_PC", 0, 0.30)),
     (("P_LUMBER", 0.90),), "low-grade outlet that diverts from WtE"),
    ("T24", "main", (("V_HDF", 0, 1.0), ("V_HDB", 0, 1.0), ("X_RHDPE", 0, 0.50)),
     (("P_NET", 0.95),), "UV-stabilised"),
)

# technology, mode, group, member inputs, share_min, share_max, brief wording
RECIPE_GROUPS: tuple[tuple[str, str, str, tuple[str, ...], float, float, str], ...] = (
    ("T04", "main", "RECYCLATE", ("X_RLDPE_N", "X_RHDPE"), 0.0, 0.30,
     "total recyclate ≤ 30 %"),
    ("T22", "main", "PO", ("X_RLDPE_C", "X_RHDPE", "X_RPP", "X_RPO_MIX"), 0.40, 0.60,
     "PO total 40–60 %"),
    ("T24", "main", "VIRGIN", ("V_HDF", "V_HDB"), 0.50, 1.0, "V_HDF + V_HDB ≥ 50 %"),
)

# ---------------------------------------------------------------------------------------
# Demand (§6.4): most new-cluster sales t/yr per market; zero means closed (no row)
# ---------------------------------------------------------------------------------------

DEMAND_MARKETS = ("M_BAKU", "M_REG", "M_GEO", "M_TUR", "M_RUS", "M_CAS")
DEMAND: tuple[tuple[str, tuple[float, ...]], ...] = (
    ("P_PIPE_PE100", (4000, 3000, 1500, 500, 1000, 2000)),
    ("P_PIPE_NP", (1500, 1200, 500, 0, 300, 500)),
    ("P_PIPE_PPR", (1200, 800, 400, 0, 300, 400)),
    ("P_BAG_HD", (3000, 1500, 500, 0, 0, 300)),
    ("P_BAG_REF", (2000, 800, 400, 0, 0, 0)),
    ("P_FILM_PKG", (3000, 1500, 800, 0, 500, 500)),
    ("P_WOVEN", (2500, 2000, 800, 1000, 1500, 1500)),
    ("P_FIBC", (800, 400, 300, 1500, 1500, 1000)),
    ("P_NONWOVEN", (800, 300, 300, 2000, 1500, 800)),
    ("P_CAPS", (1200, 400, 400, 0, 0, 300)),
    ("P_CRATE", (1200, 1200, 400, 0, 600, 300)),
    ("P_HOUSE", (1500, 1000, 500, 0, 300, 400)),
    ("P_CANISTER", (1200, 300, 300, 0, 0, 300)),
    ("P_BOTTLE_FOOD", (1000, 400, 200, 0, 0, 0)),
    ("P_THERMO", (1000, 400, 300, 0, 0, 200)),
    ("P_NET", (200, 800, 300, 0, 300, 200)),
    ("P_PSF", (600, 800, 200, 3000, 1500, 1000)),
    ("P_STRAP", (500, 200, 200, 500, 300, 300)),
    ("P_WPC", (800, 200, 200, 0, 0, 0)),
    ("P_LUMBER", (600, 300, 0, 0, 0, 0)),
    ("X_RPET_FLK", (0, 0, 0, 10000, 2000, 0)),
    ("X_RHDPE", (1000, 300, 200, 2000, 500, 0)),
    ("X_RPP", (800, 300, 0, 2000, 500, 0)),
    ("X_RLDPE_N", (800, 300, 0, 1500, 0, 0)),
    ("X_RLDPE_C", (800, 300, 0, 1000, 0, 0)),
    ("X_RPO_MIX", (500, 0, 0, 0, 0, 0)),
)
# the brief's illustrative anchor contracts
SALES_MIN = {
    ("P_PIPE_PE100", "M_BAKU"): (1000, "water-utility pipe programme"),
    ("P_WOVEN", "M_BAKU"): (500, "agro and cement sacks"),
}

# ---------------------------------------------------------------------------------------
# Transport (§6.2, §6.3)
# ---------------------------------------------------------------------------------------

# mode, fixed USD/t, USD/t/km, description
MODES: tuple[tuple[str, float, float, str], ...] = (
    ("road", 6, 0.075, "Road, 20 t FTL"),
    ("rail", 12, 0.035, "Rail, ADY wagon/container, incl. terminals and drayage"),
    ("transfer", 2, 0, "Same-site transfer, e.g. SOCAR Polymer → SCIP line"),
)
MODE_COST = {mode: (fixed, per_km) for mode, fixed, per_km, _ in MODES}

# road km from each site (§6.2); M_CAS is reached through ALAT
ROAD_KM: dict[str, dict[str, float]] = {
    "SCIP": {"SCIP": 0, "BIP": 30, "MIP": 320, "ALAT": 100, "M_BAKU": 35, "M_REG": 390,
             "M_GEO": 585, "M_TUR": 2230, "M_RUS": 370},
    "BIP": {"SCIP": 30, "BIP": 0, "MIP": 300, "ALAT": 85, "M_BAKU": 15, "M_REG": 375,
            "M_GEO": 570, "M_TUR": 2215, "M_RUS": 395},
    "MIP": {"SCIP": 320, "BIP": 300, "MIP": 0, "ALAT": 250, "M_BAKU": 290, "M_REG": 85,
            "M_GEO": 280, "M_TUR": 1925, "M_RUS": 470},
    "ALAT": {"SCIP": 100, "BIP": 85, "MIP": 250, "ALAT": 0, "M_BAKU": 65, "M_REG": 300,
             "M_GEO": 495, "M_TUR": 2140, "M_RUS": 460},
}
# border and documents USD/t (§6.3)
BORDER = {"M_GEO": 10, "M_TUR": 15, "M_RUS": 15, "M_CAS": 15}

# rail km (§6.2 notes): from the Baku area (SCIP, BIP, ALAT) and from MIP
RAIL_KM: dict[str, dict[str, float]] = {
    "SCIP": {"M_REG": 370, "M_GEO": 550, "M_TUR": 2700, "M_RUS": 400},
    "BIP": {"M_REG": 370, "M_GEO": 550, "M_TUR": 2700, "M_RUS": 400},
    "ALAT": {"M_REG": 370, "M_GEO": 550, "M_TUR": 2700, "M_RUS": 400},
    "MIP": {"M_TUR": 2420},
}
NO_SIDING_ROAD_KM = {"BIP": 20}  # BIP has no rail siding: 20 km road to the Baku rail hub

FERRY_ALAT_CAS = 60  # USD/t, Caspian ferry Alat–Turkmenbashi [D from S 62]

# ---------------------------------------------------------------------------------------
# Policy (§7) and the sources cited (§9)
# ---------------------------------------------------------------------------------------

# policy, value, description
POLICY: tuple[tuple[str, float, str], ...] = (
    ("lines_min", 10, "SME-cluster rule: at least 10 unrelated MSMEs under contract "
     "(one SME per line)"),
    ("local_share_min", 0.5, "SME-cluster rule: at least 50 % of raw-material value from "
     "local producers (SOCAR resin and Balakhani feedstock count as local)"),
)

BRIEF_CITATION = ("Domain brief: polymer + recovered-waste industrial cluster, Sumgayit and "
                  "Balakhani (Azerbaijan), base year 2025 (shared/domain/absheron-brief.md); "
                  "§ numbers in reference texts point into it")
TAGS: tuple[tuple[str, str], ...] = (
    ("E", "Engineering estimate (brief tag [E]); a default that users should override"),
    ("D", "Derived by arithmetic from sourced numbers (brief tag [D])"),
)

# §9 entries cited in this case: number, citation, url
SOURCES_CITED: tuple[tuple[int, str, str], ...] = (
    (1, "SOCAR news archive, HDPE plant opened 18 Feb 2019 (184 kt PP / 120 kt HDPE; "
        "75 % export)",
     "http://www.socar.az/socar/en/news-and-media/news-archives/news-archives/id/11298"),
    (2, "SOCAR, Polypropylene Plant page (184 kt; LyondellBasell; Maire Tecnimont; Fluor)",
     "https://www.socar.az/en/page/polypropylene-plant2"),
    (5, "Report.az (RU), SOCAR Polymer 2025 output 97 kt, +33 %, 78.4 % exported",
     "https://report.az/ru/energetika/socar-polymer-v-proshlom-godu-uvelichil-proizvodstvo-"
     "na-33"),
    (7, "Report.az 2018-10-05, PP exports start; 3 PP types, 19 brands; EUR 350 M; market "
        "pricing",
     "https://report.az/en/energy/socar-polymer-s-polypropylene-plant-starts-export-of-its-"
     "products/"),
    (9, "Report.az 2020-06-05 (HB2662FS nonwoven grade)",
     "https://report.az/en/industry/socar-polymer-produces-600-tons-of-polymer-for-medical-"
     "masks/"),
    (22, "News.az 2026-01-27 (Nun LLC woven/laminated bag plant)",
     "https://news.az/news/president-aliyev-launches-new-packaging-plant-in-sumgayit"),
    (30, "Economic Zones Development Agency, tax and customs incentives",
     "https://economiczones.gov.az/en/ustunlukler/vergi-ve-gomruk-guzestleri"),
    (31, "Economic Zones Development Agency, FAQ",
     "https://economiczones.gov.az/en/muracietler/tez-tez-verilen-suallar"),
    (40, "ABC.az (new BIP residents: nets, wood flour, tyres, etc.)",
     "http://abc.az/en/news/56065"),
    (41, "CBC.az 2018 (BIP 7-year exemptions)",
     "http://cbc.az/en/en/news/balakhani-industrial-park-to-be-expanded1521026963"),
    (42, "Turan (first BIP residents; AzEkol)",
     "https://turan.az/en/economics/in-balakhani-industrial-park-recorded-the-first-two-"
     "companies"),
    (43, "AzEkol, raw materials / bale specification", "http://www.azekol.az/en/raw-materials"),
    (51, "Trend 2021-01-19 and Mondaq/GRATA (bag and single-use bans)",
     "https://en.trend.az/business/3366991.html ; https://www.mondaq.com:443/international-"
     "trade-investment/1072876/import-of-polyethylene-packaging-products-is-banned"),
    (54, "PESI-AZ and Caspian Legal Center (SME cluster company criteria, min investment)",
     "http://pesi-az.org/10-local-news/85-criteria-for-sme-cluster-companies-approved ; "
     "https://www.caspianlegalcenter.az/news/more/criterion-for-smb-cluster-company"),
    (56, "ChemCourier, HDPE/LDPE/LLDPE CIF Türkiye, 31 Oct 2024",
     "https://chemcourier.com/?%21.iD=gBb4"),
    (58, "ChemOrbis 2025-09-26, Türkiye PP/PE at multi-year lows",
     "https://www.chemorbis.com/en/premium-plastics-news/Turkiye-s-PP-PE-markets-at-multi-"
     "year-lows-downward-pressure-continues-for-Oct/2025/09/26/947130"),
    (60, "ChemOrbis, Recycled polymers Türkiye, Feb 2020 (TRY price table)",
     "https://www.chemorbis.com/en/plastics-news/Recycled-Polymers-%EF%BF%BD%EF%BF%BD%EF%BF"
     "%BD-Turkey-February-2020/2020/02/28/785307"),
    (62, "ASCO ferry and Ro-Ro tariffs; Metbuat 2023 (TIR USD 1,000)",
     "https://www.asco.az/az/pages/3/140 ; https://metbuat.az/news/1461375/baki-turkmenbasi-"
     "baki-xettinde-gemi-dasimalari-tariflerine-e.html"),
    (64, "Transukr / Khazar University (Alat port 65 km from Baku)",
     "https://transukr.dp.ua/tag/bakinskij-mezhdunarodnyj-port ; "
     "http://old.khazar.org/news/2015/article_7178.html"),
    (73, "Petall (PET flake contamination classes)",
     "http://www.petallmfg.co.uk/pet-bottle-washing-and-recycling.html"),
    (74, "PRM-Taiwan (ABA T-shirt bag formulations)", "https://www.prm-taiwan.com/edm_i_320.html"),
    (75, "WW Recycling (film thickness vs throughput)", "http://wwrecycling.net/film/?id=24"),
    (76, "RecycleMachine.net (recycled pellets use; post-industrial ≥ 5 %)",
     "https://recyclemachine.net/?p=10453"),
    (77, "CEN/TC 155 WG 25 and CEN/TS 14541 (recyclates in plastics pipes)",
     "https://standards.iteh.ai/catalog/tc/cen/f485c004-71c3-4446-9d4a-14dea61c8948/cen-tc-"
     "155-wg-25"),
)

# ---------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------


def _thousands(value: float) -> str:
    return f"{value:,.0f}"


def settings_rows() -> list[Row]:
    return [{"setting": name, "value": value} for name, value in SETTINGS]


def period_rows() -> list[Row]:
    return [{"period": p, "years": y, "description": d} for p, y, d in PERIODS]


def material_rows() -> list[Row]:
    rows: list[Row] = []
    for material, name in FEEDSTOCKS:
        recovered = material.startswith("R_")
        rows.append({
            "material": material, "name": name, "kind": "feedstock", "volume_factor": 1.0,
            "recovered": recovered,
            "reference": "[E] brief §8.2" + ("/§3.4 recovered feedstock" if recovered else "")
            + "; pellet-density freight (factor 1) [E]",
        })
    for material, name, _ in INTERMEDIATES:
        rows.append({
            "material": material, "name": name, "kind": "intermediate", "volume_factor": 1.0,
            "reference": "[E] brief §5.2 intermediates, price structure after Türkiye "
                         "recyclate quotes [S 60]; pellet/flake density (factor 1) [E]",
        })
    for material, name, _, factor in PRODUCTS:
        rows.append({
            "material": material, "name": name, "kind": "product", "volume_factor": factor,
            "reference": "[E] brief §5.2 volumetric freight factor",
        })
    rows.append({
        "material": RESIDUE, "name": "Process residue to waste-to-energy", "kind": "residue",
        "disposal_cost": RESIDUE_DISPOSAL_COST,
        "reference": "[E] brief §4.4/§8.7: residues go to the Baku WtE plant at USD 10/t",
    })
    return rows


def location_rows() -> list[Row]:
    rows: list[Row] = [{
        "location": SOCAR, "name": "SOCAR Polymer plant (at SCIP)", "latitude": 40.57,
        "longitude": 49.68, "reference": "[E] brief §1 coordinates (±3 km), same as SCIP",
    }]
    for market, name, lat, lon, _ in MARKETS:
        rows.append({"location": market, "name": name, "latitude": lat, "longitude": lon,
                     "reference": "[E] brief §6.1 coordinates (city level)"})
    return rows


def site_rows() -> list[Row]:
    return [{"site": s, "name": n, "latitude": lat, "longitude": lon, "reference": ref}
            for s, n, lat, lon, ref in SITES]


def source_rows() -> list[Row]:
    rows: list[Row] = []
    for material, location, actual, nameplate, price in SUPPLY:
        kind, rest = material.split("_", 1)
        if kind == "V":
            ref = (f"[S 5] Report.az 2025 output 97 kt; split [E] brief §8.2; nameplate "
                   f"{_thousands(nameplate or 0)} t/yr [S 1,2] split [E]; price [E] §5.2, "
                   "regional parity less 2025 downturn [S 56,58]")
        elif kind == "I":
            ref = ("[E] brief §8.2: imported, unlimited; price [E] §5.2 = CIF Türkiye level "
                   "[S 56] + ~USD 80–100 freight; not local (no exemption on imported raw "
                   "materials [S 31])")
        else:
            ref = (f"[E] brief §3.4/§8.2 base case ({SUPPLY_ORIGIN[material]}); high case "
                   f"{_thousands(nameplate or 0)} t/yr; price [E] §5.2 at the BIP gate")
        rows.append({
            "source": f"{SOURCE_PREFIX[kind]}_{rest}", "material": material,
            "location": location, "availability": actual, "price": price,
            "local": kind != "I", "reference": ref,
            "supply_group": SOCAR_GROUP if kind == "V" else None,
        })
    return rows


def line_rows() -> list[Row]:
    rows: list[Row] = []
    for (line, site, tech, cap, capex_m, _ann, _om, fixed_k, var, util, jobs, group,
         note) in LINES:
        source = LINE_SOURCES.get(line, "[E]")
        rows.append({
            "line": line, "site": site, "technology": tech, "capacity": cap,
            "cost_fixed": fixed_k * 1000, "capex": round(capex_m * 1_000_000),
            "cost_variable": var, "utilisation_min": util, "jobs": jobs,
            "status": "candidate", "group": group or None, "description": note,
            "reference": f"{source} brief §8.3 (archetype {tech} §4.3); fixed = capex × "
                         "CRF 0.177 + 4 % O&M + jobs × USD 8,000",
        })
    return rows


def _group_of(tech: str, mode: str, material: str) -> str | None:
    for g_tech, g_mode, group, members, *_ in RECIPE_GROUPS:
        if (g_tech, g_mode) == (tech, mode) and material in members:
            return group
    return None


def recipe_rows() -> list[Row]:
    rows: list[Row] = []
    for tech, mode, inputs, outputs, rule in RECIPES:
        ref = f"[E] brief §4.4 {tech}; {rule}"
        for material, share_min, share_max in inputs:
            rows.append({
                "applies_to": tech, "recipe": mode, "material": material, "role": "input",
                "share_min": share_min, "share_max": share_max,
                "share_group": _group_of(tech, mode, material), "reference": ref,
            })
        for material, yield_ in outputs:
            rows.append({
                "applies_to": tech, "recipe": mode, "material": material, "role": "output",
                "yield": yield_, "reference": ref,
            })
    return rows


def recipe_group_rows() -> list[Row]:
    return [{
        "applies_to": tech, "recipe": mode, "share_group": group, "share_min": lo,
        "share_max": hi, "reference": f"[E] brief §4.4 {tech}: {wording}",
    } for tech, mode, group, _, lo, hi, wording in RECIPE_GROUPS]


def market_rows() -> list[Row]:
    base = {m: p for m, _, p, _ in PRODUCTS} | {m: p for m, _, p in INTERMEDIATES}
    multiplier = {m: k for m, _, _, _, k in MARKETS}
    rows: list[Row] = []
    for material, maxima in DEMAND:
        for market, sales_max in zip(DEMAND_MARKETS, maxima, strict=True):
            if not sales_max:
                continue
            k = multiplier[market]
            if material.startswith("X_"):
                k = INTERMEDIATE_MULTIPLIER_OVERRIDE.get(market, k)
            sales_min, why = SALES_MIN.get((material, market), (0, ""))
            anchor = f" (min {_thousands(sales_min)}: anchor contract, {why})" if why else ""
            rows.append({
                "market": market, "material": material, "price": round(base[material] * k, 2),
                "sales_min": sales_min, "sales_max": sales_max,
                "reference": f"[E] brief §6.4 max{anchor}; price = base "
                             f"{_thousands(base[material])} §5.2 × {k:.2f} {market} §6.3",
            })
    return rows


def mode_rows() -> list[Row]:
    return [{"mode": m, "cost_fixed": fixed, "cost_per_km": per_km, "description": d,
             "reference": "[E] brief §6.3"} for m, fixed, per_km, d in MODES]


def _lane(origin: str, destination: str, mode: str, reference: str, *,
          distance: float | None = None, cost: float | None = None,
          surcharge: float | None = None) -> Row:
    return {
        "lane": f"{origin}>{destination}:{mode}", "origin": origin,
        "destination": destination, "mode": mode if cost is None else None,
        "distance_km": distance, "cost": cost, "surcharge": surcharge, "reference": reference,
    }


def _border(market: str) -> str:
    return f"; border {BORDER[market]} USD/t [E] §6.3" if market in BORDER else ""


def lane_rows() -> list[Row]:
    sites = [s for s, *_ in SITES]
    markets = [m for m in DEMAND_MARKETS if m != "M_CAS"]
    rows = [_lane(SOCAR, "SCIP", "transfer", "[E] brief §6.3 same-site transfer, 2 USD/t",
                  distance=0)]
    for site in sites[1:]:
        rows.append(_lane(SOCAR, site, "road", "[E] brief §6.2 km from SCIP, §6.3 road",
                          distance=ROAD_KM["SCIP"][site]))
    for origin in sites:
        for destination in sites:
            if origin != destination:
                rows.append(_lane(origin, destination, "road", "[E] brief §6.2 km, §6.3 road",
                                  distance=ROAD_KM[origin][destination]))
    for site in sites:
        rows.append(_lane("M_BAKU", site, "road",
                          "[E] brief §6.2 km (imported LDPE from Baku), §6.3 road",
                          distance=ROAD_KM[site]["M_BAKU"]))
    for site in sites:
        for market in markets:
            rows.append(_lane(site, market, "road",
                              f"[E] brief §6.2 km, §6.3 road{_border(market)}",
                              distance=ROAD_KM[site][market], surcharge=BORDER.get(market)))
    rail_fixed, rail_km = MODE_COST["rail"]
    road_fixed, road_km = MODE_COST["road"]
    for site in sites:
        for market, km in RAIL_KM.get(site, {}).items():
            ref = f"[E] brief §6.2 rail km, §6.3 rail{_border(market)}"
            if site in NO_SIDING_ROAD_KM:
                drayage = NO_SIDING_ROAD_KM[site]
                cost = round(rail_fixed + rail_km * km + road_fixed + road_km * drayage, 3)
                rows.append(_lane(site, market, "rail",
                                  f"{ref}; {site} has no siding: rail {_thousands(km)} km "
                                  f"+ road {drayage} km to the Baku rail hub "
                                  f"({rail_fixed} + {rail_km} × {km} + {road_fixed} + "
                                  f"{road_km} × {drayage}) [E] §6.2",
                                  cost=cost, surcharge=BORDER.get(market)))
            else:
                rows.append(_lane(site, market, "rail", ref, distance=km,
                                  surcharge=BORDER.get(market)))
    rows.append(_lane("ALAT", "M_CAS", "ferry",
                      "[D from S 62] brief §6.3 Caspian ferry Alat–Turkmenbashi 60 USD/t "
                      "(310 km sea); border 15 USD/t [E]; other sites reach it by road to ALAT",
                      cost=FERRY_ALAT_CAS, surcharge=BORDER["M_CAS"]))
    return rows


def policy_rows() -> list[Row]:
    return [{"policy": p, "value": v, "active": True, "period": None, "description": d,
             "reference": "[S 54] Tax Code SME-cluster criteria, brief §7"}
            for p, v, d in POLICY]


_TAG = re.compile(r"\[(?:D from )?S ([0-9, ]+)\]")


def cited_sources(rows: Iterable[Row]) -> set[int]:
    """Numbers of the §9 sources named by [S n] tags in the rows' reference texts."""
    cited: set[int] = set()
    for row in rows:
        for match in _TAG.finditer(str(row.get("reference") or "")):
            cited.update(int(n) for n in match.group(1).replace(" ", "").split(",") if n)
    return cited


def reference_rows(cited: set[int]) -> list[Row]:
    by_number = {n: (c, u) for n, c, u in SOURCES_CITED}
    missing = sorted(cited - by_number.keys())
    if missing:
        raise KeyError(f"sources cited without a References entry: {missing}")
    rows: list[Row] = [{"ref": "brief", "citation": BRIEF_CITATION}]
    rows += [{"ref": tag, "citation": text} for tag, text in TAGS]
    rows += [{"ref": f"S{n}", "citation": by_number[n][0], "url": by_number[n][1]}
             for n in sorted(cited)]
    return rows


# ---------------------------------------------------------------------------------------
# What-if: the brief's key sensitivities (§8.2 options 1 and 2, §10) as named scenarios
# ---------------------------------------------------------------------------------------

SOCAR_GROUP = "SOCAR_POLYMER"
SOCAR_DOMESTIC_SALES = 21_000  # t/yr sold domestically in 2025 [D] brief §2 item 1, §8.2


def supply_group_rows() -> list[Row]:
    return [{"group": SOCAR_GROUP,
             "description": "Every SOCAR Polymer offer; no joint limit in the base case "
                            "(scenario resin_cap_21kt sets one).",
             "reference": "brief §8.2 modelling option 1"}]


def scenario_rows() -> list[Row]:
    nameplate = [{
        "scenario": "nameplate", "sheet": "Sources", "row": f"SOCAR_{m.split('_', 1)[1]}",
        "column": "availability", "change": "set", "value": plate,
        "description": "SOCAR Polymer offers at nameplate availability (restored Azerikimya "
                       "feedstock), brief §8.2 option 2; nameplate [S 1,2] split [E]"
                       if i == 0 else None,
    } for i, (m, _loc, _actual, plate, _price) in enumerate(
        r for r in SUPPLY if r[0].startswith("V_"))]
    return [
        *nameplate,
        {"scenario": "resin_cap_21kt", "sheet": "SupplyGroups", "row": SOCAR_GROUP,
         "column": "purchases_max", "change": "set", "value": SOCAR_DOMESTIC_SALES,
         "description": "Purchases from all SOCAR offers together at most 21,000 t/yr, its "
                        "2025 domestic sales [D], brief §8.2 option 1"},
        {"scenario": "utilisation_85", "sheet": "Lines", "row": "*", "column": "capacity",
         "change": "multiply", "value": 0.85,
         "description": "Every line runs at 85 % of its capacity"},
        {"scenario": "prices_minus_5", "sheet": "Markets", "row": "*", "column": "price",
         "change": "multiply", "value": 0.95,
         "description": "Every price on the Markets sheet 5 % lower"},
        {"scenario": "no_export_russia", "sheet": "Markets", "row": "market=M_RUS",
         "column": "sales_max", "change": "set", "value": 0,
         "description": "The Russian export route closes: no sales at M_RUS"},
    ]


def sweep_rows() -> list[Row]:
    return [{"sweep": "resin_price", "sheet": "Sources", "row": "material=V_PPH",
             "column": "price", "change": "multiply", "from": 1.0, "to": 1.5, "step": 0.1,
             "description": "How high can the PP homopolymer price go before PP lines "
                            "leave the plan?"},
            {"sweep": "woven_price", "sheet": "Markets", "row": "material=P_WOVEN",
             "column": "price", "change": "multiply", "from": 0.5, "to": 1.2, "step": 0.1,
             "description": "How low can the woven-sack price go before the line leaves "
                            "the plan?"}]


# Probabilities of the scenarios for `chainopt robust`. The brief gives none: these are
# ILLUSTRATIVE ESTIMATES [E] (a planner's rough weights) to show the feature, not findings;
# replace them with the ministry's own view before reading the robust plan as advice.
UNCERTAINTY: tuple[tuple[str, float, str], ...] = (
    ("base", 0.35, "The case as it stands (2025 actual availability and prices)"),
    ("nameplate", 0.10, "SOCAR Polymer back at nameplate output"),
    ("resin_cap_21kt", 0.20, "SOCAR sells the cluster no more than its 2025 domestic sales"),
    ("utilisation_85", 0.15, "Lines run at 85 % of capacity"),
    ("prices_minus_5", 0.10, "Product prices 5 % lower"),
    ("no_export_russia", 0.10, "The Russian export route closes"),
)


def uncertainty_rows() -> list[Row]:
    return [{"scenario": name, "probability": p, "description": text,
             "reference": "[E] illustrative estimate, not from the brief: replace with "
                          "your own weights"} for name, p, text in UNCERTAINTY]


def absheron_tables() -> Tables:
    """The whole case, sheet name -> rows, in the input workbook format."""
    tables: Tables = {
        "Settings": settings_rows(),
        "Periods": period_rows(),
        "Materials": material_rows(),
        "Locations": location_rows(),
        "Sites": site_rows(),
        "Lines": line_rows(),
        "Sources": source_rows(),
        "SupplyGroups": supply_group_rows(),
        "Recipes": recipe_rows(),
        "RecipeGroups": recipe_group_rows(),
        "Markets": market_rows(),
        "Modes": mode_rows(),
        "Lanes": lane_rows(),
        "Policy": policy_rows(),
    }
    cited = cited_sources(row for rows in tables.values() for row in rows)
    tables["References"] = reference_rows(cited)
    tables["Scenarios"] = scenario_rows()
    tables["Sweeps"] = sweep_rows()
    tables["Uncertainty"] = uncertainty_rows()
    return tables
