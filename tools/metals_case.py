"""The bundled metals case (steel and aluminium from scrap and primary metal), as plain data.

Every number is copied from docs/metals-brief.md and keeps the brief's tags in the
``reference`` column: [S n] sourced (entry n of the brief's §9; numbers below 100 are the
polymer brief's sources, reused with the same numbers), [D] derived, [E] engineering
estimate. ``metals_tables()`` is what tools/make_templates.py writes to
input_templates/metals.xlsx; tools/cluster_case.py combines it with the polymer case.

IDs are chosen so that they never collide with the polymer case: materials start with FE_,
AL_ or ZN_, technologies with TM, lines with M; the sites SCIP, BIP and ALAT are the same
industrial parks as in the polymer case (same rows), GIP is new.
"""

from __future__ import annotations

from tools import absheron_case as poly
from tools.absheron_case import Row, Tables, cited_sources

# ---------------------------------------------------------------------------------------
# Settings and periods
# ---------------------------------------------------------------------------------------

SETTINGS: tuple[tuple[str, object], ...] = (
    ("case_name", "metals"),
    ("currency", "USD"),
    ("discount_rate", 0.0),
    ("time_limit", 120),
    ("mip_gap", 0.0001),
    ("threads", 0),
)

PERIODS = (("2025", 1, "Base year of the metals brief; one year."),)

# ---------------------------------------------------------------------------------------
# Materials (metals brief §3, §5)
# ---------------------------------------------------------------------------------------

# id, name, local (produced in Azerbaijan), recovered (Balakhani waste), reference
FEEDSTOCKS: tuple[tuple[str, str, str], ...] = (
    ("FE_SCRAP_MSW", "Ferrous scrap recovered at Balakhani (cans, light mixed)",
     "[D] metals brief §3.2 from the polymer brief's composition and recovery [S 32,45]"),
    ("FE_SCRAP_HMS", "Ferrous scrap HMS 1&2, industrial and demolition (domestic)",
     "[E] metals brief §3.3; export duty regime [S 108,109]"),
    ("FE_SCRAP_IMP", "Ferrous scrap HMS, imported (Kazakhstan/Russia), landed Baku",
     "[D from S 110,112] metals brief §5.1"),
    ("FE_BILLET_IMP", "Steel billet, imported, landed Baku", "[E] metals brief §5.1"),
    ("FE_WIREROD_IMP", "Wire rod, imported, landed Baku",
     "[D from S 111] metals brief §5.1 (Türkiye FOB + freight)"),
    ("FE_TINPLATE", "Tinplate and coated steel coil, imported",
     "[E] metals brief §5.1"),
    ("AL_SCRAP_UBC", "Aluminium cans (UBC) recovered at Balakhani",
     "[D] metals brief §3.2 from the polymer brief's composition and recovery [S 32,45]"),
    ("AL_SCRAP_IND", "Aluminium industrial scrap (profile offcuts, old frames)",
     "[E] metals brief §3.3"),
    ("AL_PRIMARY", "Primary aluminium ingot (Azeraluminium, Ganja)",
     "[S 105,106] metals brief §2.2; price [D from S 113]"),
    ("ZN_INGOT", "Zinc ingot for galvanising, imported", "[E] metals brief §5.1"),
)
RECOVERED = {"FE_SCRAP_MSW", "AL_SCRAP_UBC"}

# id, name, value note
INTERMEDIATES: tuple[tuple[str, str], ...] = (
    ("FE_BILLET", "Steel billet 125-150 mm (from the melt shop or bought)"),
    ("FE_WIREROD", "Wire rod 5.5-12 mm (rolled in the cluster)"),
    ("FE_WIRE", "Drawn low-carbon wire"),
    ("FE_HOME_SCRAP", "Home and process scrap (crop ends, cobbles, skeleton): back to a "
     "melt shop or sold"),
    ("AL_BILLET", "Aluminium 6063 extrusion billet (cast in the cluster)"),
    ("AL_HOME_SCRAP", "Extrusion process scrap (butts, offcuts): back to a cast house"),
)

# id, name, volume factor
PRODUCTS: tuple[tuple[str, str, float], ...] = (
    ("FE_REBAR", "Reinforcing bar (rebar) 8-32 mm", 1.0),
    ("FE_NAILS", "Wire nails", 1.0),
    ("FE_WIRE_GALV", "Hot-dip galvanised wire (fencing, vineyards)", 1.0),
    ("FE_CANS", "Steel food cans and pails", 3.0),
    ("AL_PROFILE", "Aluminium profiles, mill finish and powder coated", 2.0),
    ("AL_DEOX", "Secondary aluminium ingot (steel deoxidation, foundry)", 1.0),
)

# id, name, disposal cost USD/t (None: cannot be disposed of), reference
RESIDUES: tuple[tuple[str, str, float | None, str], ...] = (
    ("FE_SLAG", "Induction-furnace slag", 12,
     "[E] metals brief §4.4: landfill at Balakhani, USD 12/t"),
    ("FE_MILLSCALE", "Mill scale (iron oxide)", 12,
     "[E] metals brief §4.4: landfill USD 12/t, or sold to cement plants"),
    ("AL_DROSS", "Aluminium dross (salt cake)", 80,
     "[E] metals brief §4.4: hazardous landfill USD 80/t, or sold to a dross recycler"),
    ("ZN_ASH", "Zinc ash and dross from galvanising", 50,
     "[E] metals brief §4.4: disposal USD 50/t, or sold to a zinc recycler"),
)

# ---------------------------------------------------------------------------------------
# Places (metals brief §6.1)
# ---------------------------------------------------------------------------------------

SHARED_SITES = ("SCIP", "BIP", "ALAT")  # the polymer case's rows, copied unchanged
# id, name, lat, lon, reference
NEW_SITES: tuple[tuple[str, str, float, float, str], ...] = (
    ("GIP", "Ganja industrial zone (next to the aluminium complex)", 40.70, 46.40,
     "[E] metals brief §6.1 coordinates (±5 km); Ganja industrial zone discussed in 2020 "
     "[S 105]"),
)
# site -> lines_max, power MW, land ha (metals brief §6.1): the room each park has left for
# new SME lines of any chain; the same numbers hold in the cluster workbook, where the
# polymer lines take room too
SITE_ROOM: dict[str, tuple[int, float, float]] = {
    "SCIP": (16, 30.0, 20.0),
    "BIP": (12, 10.0, 8.0),
    "ALAT": (8, 12.0, 10.0),
    "GIP": (8, 15.0, 10.0),
}

# location id, name, lat, lon, reference
LOCATIONS: tuple[tuple[str, str, float, float, str], ...] = (
    ("BSC", "Baku Steel Company (Baku)", 40.40, 49.95,
     "[E] metals brief §2.1 coordinates (city level); BSC buys scrap, sells billet [S 101,102]"),
    ("GANJA_AL", "Azeraluminium aluminium complex, Ganja", 40.66, 46.42,
     "[E] metals brief §2.2 coordinates (±5 km) [S 105,106]"),
)
MARKET_PLACES = ("M_BAKU", "M_REG", "M_GEO", "M_TUR")  # the polymer case's rows

# ---------------------------------------------------------------------------------------
# Feedstock offers (metals brief §3, §5.1)
# ---------------------------------------------------------------------------------------

# source, material, location, availability t/yr (None: unlimited), price USD/t, local, ref
SUPPLY: tuple[tuple[str, str, str, float | None, float, bool, str], ...] = (
    ("BIP_FE_MSW", "FE_SCRAP_MSW", "BIP", 2_300, 150, True,
     "[D] metals brief §3.2: MRF 100 kt x 2.3 % x 70 % + separate collection 25 kt x 3 % x "
     "90 % (rounded); price [E] below HMS (coated, tinned, dirty)"),
    ("BAKU_FE_HMS", "FE_SCRAP_HMS", "M_BAKU", 30_000, 250, True,
     "[E] metals brief §3.3: scrap left after Baku Steel's own needs; price [D from S 110,"
     "112] below import parity"),
    ("REG_FE_HMS", "FE_SCRAP_HMS", "M_REG", 15_000, 230, True,
     "[E] metals brief §3.3: regional scrap yards (Ganja hub)"),
    ("IMPORT_FE_HMS", "FE_SCRAP_IMP", "M_BAKU", None, 360, False,
     "[D from S 110,112] metals brief §5.1: Kazakh scrap 344 (2014), HMS CFR Türkiye 343-348 "
     "(2025) + freight"),
    ("BSC_FE_BILLET", "FE_BILLET", "BSC", 20_000, 540, True,
     "[E] metals brief §2.1/§5.1: billet Baku Steel may sell (capacity 1.1 Mt [S 103]); "
     "price Türkiye billet level"),
    ("IMPORT_FE_BILLET", "FE_BILLET_IMP", "M_BAKU", None, 570, False,
     "[E] metals brief §5.1: imported billet landed Baku"),
    ("IMPORT_FE_WIREROD", "FE_WIREROD_IMP", "M_BAKU", None, 640, False,
     "[D from S 111] metals brief §5.1: Türkiye wire rod 545-595 FOB + 60 freight"),
    ("IMPORT_FE_TINPLATE", "FE_TINPLATE", "M_BAKU", None, 1_150, False,
     "[E] metals brief §5.1: tinplate coil landed Baku"),
    ("BIP_AL_UBC", "AL_SCRAP_UBC", "BIP", 650, 1_150, True,
     "[D] metals brief §3.2: MRF 100 kt x 0.7 % x 50 % + separate collection 25 kt x 1.2 % x "
     "90 % (rounded); price [E] about 44 % of LME [S 113]"),
    ("DOM_AL_IND", "AL_SCRAP_IND", "M_BAKU", 3_000, 1_750, True,
     "[E] metals brief §3.3: industrial and old-frame scrap; price [E] about 67 % of LME"),
    ("AZAL_PRIMARY", "AL_PRIMARY", "GANJA_AL", 10_000, 2_780, True,
     "[S 105,106] capacity about 50 kt/yr, output far below it [S 114,115]; 10 kt offered to "
     "the cluster [E]; price [D from S 113] LME 2025 average 2,630 + 150 premium"),
    ("IMPORT_ZN", "ZN_INGOT", "M_BAKU", None, 3_100, False,
     "[E] metals brief §5.1: zinc SHG landed Baku"),
)

# ---------------------------------------------------------------------------------------
# Candidate lines (metals brief §4.3): fixed = capex x 0.217 + jobs x 8,000
# ---------------------------------------------------------------------------------------

# id, site, tech, capacity t in/yr, capex M USD, var USD/t, min util, jobs, group,
# power MW, land ha, note
LINES: tuple[tuple[str, str, str, float, float, float, float, int, str, float, float, str],
             ...] = (
    ("M01", "SCIP", "TM01", 40_000, 12.0, 95, 0.50, 110, "", 14.0, 3.0,
     "Induction-furnace melt shop 2 x 8 t + 2-strand caster (billets)"),
    ("M02", "BIP", "TM01", 15_000, 6.0, 95, 0.50, 55, "", 6.0, 1.5,
     "Small melt shop beside the Balakhani MRF"),
    ("M03", "SCIP", "TM02", 50_000, 9.0, 30, 0.50, 85, "GR", 5.0, 4.0,
     "Bar and rod mill: rebar or wire rod"),
    ("M04", "ALAT", "TM02", 50_000, 9.5, 30, 0.50, 85, "GR", 5.0, 4.0,
     "Bar and rod mill at the port (export-oriented)"),
    ("M05", "SCIP", "TM03", 10_000, 1.8, 30, 0.35, 30, "GW", 1.0, 0.8, "Wire drawing"),
    ("M06", "SCIP", "TM04", 5_000, 1.0, 40, 0.35, 25, "GN", 0.4, 0.5, "Nail making"),
    ("M07", "SCIP", "TM05", 6_000, 3.0, 50, 0.40, 30, "", 0.8, 1.0,
     "Hot-dip wire galvanising"),
    ("M08", "GIP", "TM03", 6_000, 1.2, 30, 0.35, 20, "GW", 0.7, 0.6,
     "Wire drawing in Ganja"),
    ("M09", "GIP", "TM06", 12_000, 6.5, 85, 0.40, 45, "GA", 2.0, 1.5,
     "Aluminium cast house (6063 billets) beside the smelter"),
    ("M10", "BIP", "TM06", 6_000, 4.0, 85, 0.40, 30, "GA", 1.2, 1.0,
     "Aluminium cast house beside the Balakhani MRF"),
    ("M11", "GIP", "TM07", 8_000, 10.0, 280, 0.40, 90, "GE", 3.0, 2.0,
     "Aluminium extrusion 1,800 t press + ageing + powder coating"),
    ("M12", "SCIP", "TM07", 8_000, 10.0, 280, 0.40, 90, "GE", 3.0, 2.0,
     "Aluminium extrusion in Sumgayit"),
    ("M13", "SCIP", "TM08", 5_000, 6.5, 210, 0.40, 60, "", 1.2, 1.0,
     "Metal packaging: food cans and pails"),
    ("M14", "BIP", "TM09", 1_000, 0.6, 120, 0.30, 10, "", 0.2, 0.3,
     "UBC rotary furnace: deoxidation aluminium for steel mills"),
    ("M15", "GIP", "TM04", 5_000, 1.0, 40, 0.35, 25, "GN", 0.4, 0.5, "Nail making in Ganja"),
)
CRF_OM = 0.217  # CRF 0.177 (12 %, 10 yr) + 4 % fixed O&M, as in the polymer brief §4.1
LABOUR = 8_000  # USD per FTE-year [D/E from S 66]

# ---------------------------------------------------------------------------------------
# Recipes (metals brief §4.4); modes carry the grade-dependent yields
# ---------------------------------------------------------------------------------------

Inputs = tuple[tuple[str, float, float], ...]
Outputs = tuple[tuple[str, float], ...]

RECIPES: tuple[tuple[str, str, Inputs, Outputs, str], ...] = (
    ("TM01", "HMS", (("FE_SCRAP_HMS", 0, 1.0), ("FE_SCRAP_IMP", 0, 1.0),
                     ("FE_HOME_SCRAP", 0, 0.30)),
     (("FE_BILLET", 0.88), ("FE_SLAG", 0.08)),
     "HMS charge: metallic yield 88 % [E], slag 8 %, rest oxidation losses [S 116]"),
    ("TM01", "BLEND", (("FE_SCRAP_MSW", 0.20, 0.20), ("FE_SCRAP_HMS", 0, 0.80),
                       ("FE_SCRAP_IMP", 0, 0.80)),
     (("FE_BILLET", 0.86), ("FE_SLAG", 0.10)),
     "20 % Balakhani scrap (tin, coatings, dirt) in HMS: yield 0.8 x 0.88 + 0.2 x 0.78 [D]; "
     "more would spoil the steel (Sn, Cu) [E]"),
    ("TM01", "RETURNS", (("FE_HOME_SCRAP", 1.0, 1.0),),
     (("FE_BILLET", 0.95), ("FE_SLAG", 0.03)),
     "clean home scrap: yield 95 % [E]"),
    ("TM02", "REBAR", (("FE_BILLET", 0, 1.0), ("FE_BILLET_IMP", 0, 1.0)),
     (("FE_REBAR", 0.955), ("FE_HOME_SCRAP", 0.025), ("FE_MILLSCALE", 0.015)),
     "rolling yield 95.5 %, crop ends 2.5 % back to a melt shop, scale 1.5 % [E]"),
    ("TM02", "WIREROD", (("FE_BILLET", 0, 1.0), ("FE_BILLET_IMP", 0, 1.0)),
     (("FE_WIREROD", 0.95), ("FE_HOME_SCRAP", 0.03), ("FE_MILLSCALE", 0.015)),
     "wire-rod campaign: yield 95 % [E]"),
    ("TM03", "main", (("FE_WIREROD", 0, 1.0), ("FE_WIREROD_IMP", 0, 1.0)),
     (("FE_WIRE", 0.97), ("FE_HOME_SCRAP", 0.02)), "drawing losses 1 %, ends 2 % [E]"),
    ("TM04", "main", (("FE_WIRE", 1.0, 1.0),), (("FE_NAILS", 0.96), ("FE_HOME_SCRAP", 0.03)),
     "nail heads and points: 3 % scrap [E]"),
    ("TM05", "main", (("FE_WIRE", 0.95, 0.95), ("ZN_INGOT", 0.05, 0.05)),
     (("FE_WIRE_GALV", 0.985), ("ZN_ASH", 0.012)),
     "zinc pick-up about 4 % of wire mass, zinc ash and dross 1.2 % [E]"),
    ("TM06", "PRIMARY", (("AL_PRIMARY", 0.30, 1.0), ("AL_SCRAP_IND", 0, 0.40),
                         ("AL_HOME_SCRAP", 0, 0.40)),
     (("AL_BILLET", 0.97), ("AL_DROSS", 0.025)),
     "clean charge, at least 30 % primary for 6063 chemistry; melt loss 3 % [E]"),
    ("TM06", "UBC", (("AL_SCRAP_UBC", 0.25, 0.25), ("AL_PRIMARY", 0.50, 0.75),
                     ("AL_SCRAP_IND", 0, 0.25)),
     (("AL_BILLET", 0.93), ("AL_DROSS", 0.06)),
     "cans (3004/5182 alloys, lacquered) diluted with primary: yield 93 % [E] [S 117]"),
    ("TM07", "main", (("AL_BILLET", 1.0, 1.0),),
     (("AL_PROFILE", 0.82), ("AL_HOME_SCRAP", 0.17)),
     "extrusion and finishing yield 82 %; butts and offcuts back to the cast house [E]"),
    ("TM08", "main", (("FE_TINPLATE", 1.0, 1.0),),
     (("FE_CANS", 0.88), ("FE_HOME_SCRAP", 0.10)),
     "skeleton scrap 10 % back to a melt shop [E]"),
    ("TM09", "main", (("AL_SCRAP_UBC", 1.0, 1.0),), (("AL_DEOX", 0.85), ("AL_DROSS", 0.10)),
     "rotary salt furnace on cans: yield 85 % [E] [S 117]"),
)

# ---------------------------------------------------------------------------------------
# Markets (metals brief §5.2, §6.3): price USD/t and most new-cluster sales t/yr
# ---------------------------------------------------------------------------------------

# material, market, price, sales_max, reference note
MARKETS: tuple[tuple[str, str, float, float, str], ...] = (
    ("FE_REBAR", "M_BAKU", 650, 30_000, "Türkiye ex-works 560-595 [S 111] + import freight"),
    ("FE_REBAR", "M_REG", 650, 15_000, "regions incl. reconstruction"),
    ("FE_REBAR", "M_GEO", 640, 10_000, "competes with Rustavi mills [S 118,119]"),
    ("FE_REBAR", "M_TUR", 565, 20_000, "Türkiye domestic ex-works [S 111]"),
    ("FE_WIREROD", "M_BAKU", 660, 5_000, "Türkiye wire rod + freight [S 111]"),
    ("FE_WIREROD", "M_GEO", 650, 5_000, ""),
    ("FE_WIREROD", "M_TUR", 575, 10_000, "Türkiye wire rod [S 111]"),
    ("FE_BILLET", "M_TUR", 500, 30_000, "billet import level Türkiye [E]"),
    ("FE_BILLET", "M_GEO", 510, 10_000, "Georgian rolling mills [E]"),
    ("FE_WIRE", "M_BAKU", 800, 3_000, ""),
    ("FE_WIRE", "M_REG", 800, 1_000, ""),
    ("FE_WIRE", "M_GEO", 790, 1_000, ""),
    ("FE_NAILS", "M_BAKU", 950, 3_000, ""),
    ("FE_NAILS", "M_REG", 950, 2_000, ""),
    ("FE_NAILS", "M_GEO", 930, 1_000, ""),
    ("FE_WIRE_GALV", "M_BAKU", 1_150, 2_000, ""),
    ("FE_WIRE_GALV", "M_REG", 1_150, 2_000, "vineyards and fencing"),
    ("FE_WIRE_GALV", "M_GEO", 1_130, 1_500, ""),
    ("FE_WIRE_GALV", "M_TUR", 1_050, 2_000, ""),
    ("FE_CANS", "M_BAKU", 2_000, 2_500, "food canning"),
    ("FE_CANS", "M_REG", 2_000, 1_500, "canneries in the regions"),
    ("FE_CANS", "M_GEO", 1_950, 500, ""),
    ("FE_HOME_SCRAP", "BSC", 240, 20_000, "Baku Steel buys domestic scrap [S 110] [E]"),
    ("FE_MILLSCALE", "M_BAKU", 40, 2_000, "cement plants (iron corrective) [E]"),
    ("AL_BILLET", "M_BAKU", 2_780, 3_000, "LME 2,630 [S 113] + billet premium [S 120]"),
    ("AL_BILLET", "M_TUR", 2_850, 5_000, "Türkiye extruders [E]"),
    ("AL_PROFILE", "M_BAKU", 4_200, 4_000, "building profiles, LME + conversion [E]"),
    ("AL_PROFILE", "M_REG", 4_200, 2_000, ""),
    ("AL_PROFILE", "M_GEO", 4_100, 1_500, ""),
    ("AL_PROFILE", "M_TUR", 3_800, 2_000, "deep, competitive market [E]"),
    ("AL_DEOX", "BSC", 2_000, 1_500, "deoxidation aluminium for steel melting [E]"),
    ("AL_DROSS", "M_TUR", 300, 2_000, "dross recyclers [E]"),
    ("ZN_ASH", "M_TUR", 1_300, 500, "zinc recyclers [E]"),
)

# ---------------------------------------------------------------------------------------
# Transport (metals brief §6.2): road km beyond the polymer brief's table
# ---------------------------------------------------------------------------------------

ROAD_KM_EXTRA: dict[tuple[str, str], float] = {
    ("GIP", "SCIP"): 395, ("GIP", "BIP"): 375, ("GIP", "ALAT"): 330,
    ("GIP", "M_BAKU"): 365, ("GIP", "M_REG"): 15, ("GIP", "M_GEO"): 200, ("GIP", "M_TUR"): 1_870,
    ("GANJA_AL", "GIP"): 10, ("GANJA_AL", "SCIP"): 400, ("GANJA_AL", "BIP"): 380,
    ("GANJA_AL", "ALAT"): 335,
    ("BSC", "SCIP"): 30, ("BSC", "BIP"): 20, ("BSC", "ALAT"): 60, ("BSC", "GIP"): 370,
    ("M_REG", "SCIP"): 390, ("M_REG", "BIP"): 375, ("M_REG", "ALAT"): 300, ("M_REG", "GIP"): 15,
}
RAIL_KM_EXTRA: dict[str, dict[str, float]] = {"GIP": {"M_GEO": 190, "M_TUR": 2_340}}

# ---------------------------------------------------------------------------------------
# Policy (metals brief §7)
# ---------------------------------------------------------------------------------------

# policy, value, active, description, reference
POLICY: tuple[tuple[str, float, bool, str, str], ...] = (
    ("lines_min", 10, False, "SME-cluster rule (10 unrelated MSMEs) applies to the whole "
     "cluster, not to the metals chain alone: kept here, switched off; see cluster.xlsx",
     "[S 54] Tax Code SME-cluster criteria, metals brief §7"),
    ("local_share_min", 0.5, True, "SME-cluster rule: at least 50 % of raw-material value "
     "from local producers (scrap, primary aluminium and Baku Steel billet are local)",
     "[S 54] Tax Code SME-cluster criteria, metals brief §7"),
    ("budget_total", 60_000_000, True, "Capex the metals lines may take (illustrative "
     "envelope of preferential loans and private capital)",
     "[E] metals brief §7: envelope, not a sourced figure"),
)

BRIEF_REF = "metals-brief"
BRIEF_CITATION = ("Domain brief: steel and aluminium from scrap and primary metal, Absheron and "
                  "Ganja (Azerbaijan), base year 2025 (docs/metals-brief.md); 'metals brief §' "
                  "in reference texts points into it")

# §9 entries: number, citation, url (numbers below 100 are the polymer brief's)
SOURCES_CITED: tuple[tuple[int, str, str], ...] = (
    (32, "Tamiz Shahar, Balakhany sorting facility", "https://tamizshahar.az/en/projects/1"),
    (45, "Resource-recovery.info case study 2024 (Baku 1.2 Mt; 16 %; half capacity)",
     "https://resource-recovery.info/en/toolbox?tool=110"),
    (65, "Trend 2025-01-02 (electricity tariffs; industry 10.6 qəpik/kWh)",
     "https://en.trend.az/business/3989385.html"),
    (66, "Trend 2024-08-14 (wages by sector, H1-2024)",
     "https://www.trend.az/business/3933640.html"),
    (101, "Baku Steel Company, Capital reconstruction (capacity 250 kt to 1 Mt)",
     "https://www.bakusteel.com/en/capital-reconstruction/"),
    (102, "The Business Year, 'The Steel Deal' (BSC nominal 770 kt/yr, rebar, 3,200 staff)",
     "https://thebusinessyear.com/interview/the-steel-deal/"),
    (103, "Meydan TV (BSC melting stopped for lack of ferrous scrap; capacity 1.1 Mt since "
          "2014)", "https://www.meydan.tv/az/article/baku-steel-company-mmc-polad-eritmeyi-"
          "dayandirib/"),
    (104, "AZERTAC 2017-12-15 (Sumgayit pipe-rolling plant of BSC reopened, 90 to 200 kt/yr)",
     "https://azertag.az/de/xeber/Staatsprasident_Ilham_Aliyev_weiht_Sumgait_Rohrwerk_von_"
     "Baku_Steel_Company_nach_Rekonstruktion_ein_VIDEO-1121443"),
    (105, "Trend 2020-09-25 (Azeraluminium, Ganja: primary aluminium capacity about 50 kt/yr)",
     "https://en.trend.az/business/3305392.html"),
    (106, "President.az 2012-01-21 (Ganja aluminium plant: 84 cells of 240 kA, 50 kt first "
          "phase, 74 ha, 640 jobs)", "https://president.az/en/articles/view/4118/print"),
    (107, "Trend 2019-02-13 (Ganja aluminium plant exports about 97 %)",
     "https://en.trend.az/business/economy/3018912.html"),
    (108, "Trend 2024-06-24 (decree on scrap export: 2001 suspension repealed, export duties)",
     "https://en.trend.az/azerbaijan/politics/3915850.html"),
    (109, "Azernews/MENAFN 2024-09-05 (export duties USD 7-500 per t of metal scrap)",
     "https://menafn.com/1108639530/Azerbaijan-Sets-New-Customs-Duties-On-Metal-Waste-And-"
     "Scrap"),
    (110, "Turan 2015-04-03 (scrap export ban since 2001; local price below USD 150; imports "
          "128.5 kt 2012-14 at USD 345-396; Kazakh scrap USD 344)",
     "https://turan.az/en/economics/how-much-is-scrap-iron-and-steel-in-azerbaijan"),
    (111, "SteelOrbis 2025 (ex-Türkiye rebar 535-590 FOB, domestic 530-595 ex-works, wire rod "
          "545-595)", "https://www.steelorbis.com/steel-prices/steel-prices-market-analyses/"
          "longs-and-billet/ex-turkey-longs-prices-rise-indicatively-international-buyers-on-"
          "hold-1384150.htm"),
    (112, "Metalbook 2025-10-07 and CRU Jan 2025 (HMS 80:20 CFR Türkiye USD 343-348)",
     "https://www.metalbook.com/blogs/turkish-hms-scrap-hits-market-remains-rangebound"),
    (113, "Reuters poll, Jan 2026 (LME aluminium averaged USD 2,630/t in 2025)",
     "https://aspirehk.ltd/en/real-time-quotes-and-news/1048342"),
    (114, "Azernews/Trend 2020-04-23 (2019: 61.3 kt steel, 62 kt rebar, 7.3 kt unwrought "
          "aluminium)", "https://www.azernews.az/business/164382.html"),
    (115, "Trend via newsgrabb, Q1 2022 metallurgy output (cast steel 96.4 kt, rebar 119.8 kt, "
          "unwrought aluminium 5.1 kt)", "https://newsgrabb.com/en/business/economy/30.html"),
    (116, "Chaabet and Dötsch, Steelmaking based on inductive melting (yield, no electrodes)",
     "https://vi.scribd.com/document/398075987/ABP-Steelmaking-based-on-inductive-melting-M-"
     "Chaabet-E-Doetsch-pdf"),
    (117, "Capuzzi and Timelli, Preparation and melting of scrap in aluminum recycling, "
          "Metals 2018, 8(4), 249", "https://www2.mdpi.com/2075-4701/8/4/249"),
    (118, "bne IntelliNews 2010 (GeoSteel, Rustavi: USD 60 M scrap mini-mill, 175 kt rebar, "
          "500 jobs)", "http://www.intellinews.com/constructing-steel-in-georgia-500014983/"
          "?archive=bne"),
    (119, "Global Energy Monitor, Rustavi Metallurgical Plant (induction and arc furnaces, "
          "120-220 kt)", "https://www.gem.wiki/Rustavi_Metallurgical_Plant"),
    (120, "Fastmarkets (6063 extrusion billet premium USD 140-155/t over LME)",
     "https://www.fastmarkets.com/insights/pricing-notice-delayed-publication-of-6063-"
     "extrusion-billet-premium-japan"),
    (121, "Turan 2015 (Azerbaijan imported 212.5 kt of rebar in 9 months for USD 100.5 M)",
     "https://turan.az/en/economics/iron-and-steel-industry-losing-ground"),
)

# ---------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------


def settings_rows() -> list[Row]:
    return [{"setting": name, "value": value} for name, value in SETTINGS]


def period_rows() -> list[Row]:
    return [{"period": p, "years": y, "description": d} for p, y, d in PERIODS]


def material_rows() -> list[Row]:
    rows: list[Row] = []
    for material, name, ref in FEEDSTOCKS:
        rows.append({"material": material, "name": name, "kind": "feedstock",
                     "volume_factor": 1.0, "recovered": material in RECOVERED,
                     "reference": ref})
    for material, name in INTERMEDIATES:
        rows.append({"material": material, "name": name, "kind": "intermediate",
                     "volume_factor": 1.0,
                     "reference": "[E] metals brief §5.2; dense goods (factor 1)"})
    for material, name, factor in PRODUCTS:
        rows.append({"material": material, "name": name, "kind": "product",
                     "volume_factor": factor,
                     "reference": "[E] metals brief §5.2 volumetric freight factor"})
    for material, name, cost, ref in RESIDUES:
        rows.append({"material": material, "name": name, "kind": "residue",
                     "disposal_cost": cost, "reference": ref})
    return rows


def location_rows() -> list[Row]:
    polymer = {r["location"]: r for r in poly.location_rows()}
    rows = [dict(polymer[m]) for m in MARKET_PLACES]
    rows += [{"location": loc, "name": n, "latitude": lat, "longitude": lon, "reference": ref}
             for loc, n, lat, lon, ref in LOCATIONS]
    return rows


def site_rows() -> list[Row]:
    polymer = {r["site"]: r for r in poly.site_rows()}
    rows = [dict(polymer[s]) for s in SHARED_SITES]
    rows += [{"site": s, "name": n, "latitude": lat, "longitude": lon, "reference": ref}
             for s, n, lat, lon, ref in NEW_SITES]
    for row in rows:
        row["lines_max"] = SITE_ROOM[str(row["site"])][0]
    return rows


def resource_rows() -> list[Row]:
    rows: list[Row] = []
    for site, (_n, power, land) in SITE_ROOM.items():
        rows.append({"site": site, "resource": "power", "unit": "MW", "available": power,
                     "reference": "[E] metals brief §6.1: spare connected load for new lines"})
        rows.append({"site": site, "resource": "land", "unit": "ha", "available": land,
                     "reference": "[E] metals brief §6.1: free plots for new lines"})
    return rows


def resource_use_rows() -> list[Row]:
    rows: list[Row] = []
    for line, *_, power, land, _note in LINES:
        rows.append({"line": line, "resource": "power", "amount": power})
        rows.append({"line": line, "resource": "land", "amount": land})
    return rows


def source_rows() -> list[Row]:
    return [{"source": s, "material": m, "location": loc, "availability": avail,
             "price": price, "local": local, "reference": ref}
            for s, m, loc, avail, price, local, ref in SUPPLY]


def line_rows() -> list[Row]:
    rows: list[Row] = []
    for (line, site, tech, cap, capex_m, var, util, jobs, group, power, land,
         note) in LINES:
        rows.append({
            "line": line, "site": site, "technology": tech, "capacity": cap,
            "cost_fixed": round(capex_m * 1_000_000 * CRF_OM + jobs * LABOUR),
            "capex": round(capex_m * 1_000_000), "cost_variable": var,
            "utilisation_min": util, "jobs": jobs, "status": "candidate",
            "group": group or None, "description": note,
            "reference": f"[E] metals brief §4.3 ({tech}; {power:g} MW, {land:g} ha); fixed = "
                         "capex x (CRF 0.177 + 4 % O&M) + jobs x USD 8,000 [S 66]; variable "
                         "incl. electricity at USD 0.0624/kWh [S 65]",
        })
    return rows


def recipe_rows() -> list[Row]:
    rows: list[Row] = []
    for tech, mode, inputs, outputs, rule in RECIPES:
        ref = f"[E] metals brief §4.4 {tech} {mode}; {rule}"
        for material, share_min, share_max in inputs:
            rows.append({"applies_to": tech, "recipe": mode, "material": material,
                         "role": "input", "share_min": share_min, "share_max": share_max,
                         "reference": ref})
        for material, yield_ in outputs:
            rows.append({"applies_to": tech, "recipe": mode, "material": material,
                         "role": "output", "yield": yield_, "reference": ref})
    return rows


def market_rows() -> list[Row]:
    return [{"market": market, "material": material, "price": price, "sales_min": 0,
             "sales_max": most,
             "reference": "[E] metals brief §5.2/§6.3 price and most sales"
                          + (f"; {note}" if note else "")}
            for material, market, price, most, note in MARKETS]


def _road_km(origin: str, destination: str) -> float:
    if (origin, destination) in ROAD_KM_EXTRA:
        return ROAD_KM_EXTRA[origin, destination]
    if (destination, origin) in ROAD_KM_EXTRA:
        return ROAD_KM_EXTRA[destination, origin]
    return poly.ROAD_KM[origin][destination]


def lane_rows() -> list[Row]:
    """Lanes in the polymer case's style: the same ID always means the same lane and cost,
    so the cluster workbook can share them (tools/cluster_case.py checks it)."""
    polymer = {str(r["lane"]): r for r in poly.lane_rows()}
    sites = [*SHARED_SITES, *(s for s, *_ in NEW_SITES)]
    wanted: list[tuple[str, str, str]] = []
    for origin in sites:
        wanted += [(origin, d, "road") for d in sites if d != origin]
        wanted += [(origin, m, "road") for m in MARKET_PLACES]
        wanted.append((origin, "BSC", "road"))
    for supplier in ("M_BAKU", "M_REG", "BSC", "GANJA_AL"):
        wanted += [(supplier, s, "road") for s in sites]
    rows: list[Row] = []
    for origin, destination, mode in wanted:
        lane_id = f"{origin}>{destination}:{mode}"
        if lane_id in polymer:
            rows.append(dict(polymer[lane_id]))
            continue
        rows.append(poly._lane(origin, destination, mode,
                               f"[E] metals brief §6.2 km, polymer brief §6.3 road"
                               f"{poly._border(destination)}",
                               distance=_road_km(origin, destination),
                               surcharge=poly.BORDER.get(destination)))
    # rail: the polymer case's rail lanes from the shared sites, plus Ganja
    for lane_id, row in polymer.items():
        if (lane_id.endswith(":rail") and row["origin"] in SHARED_SITES
                and row["destination"] in MARKET_PLACES):
            rows.append(dict(row))
    for site, targets in RAIL_KM_EXTRA.items():
        for market, km in targets.items():
            rows.append(poly._lane(site, market, "rail",
                                   f"[E] metals brief §6.2 rail km, polymer brief §6.3 rail"
                                   f"{poly._border(market)}", distance=km,
                                   surcharge=poly.BORDER.get(market)))
    return rows


def mode_rows() -> list[Row]:
    return [r for r in poly.mode_rows() if r["mode"] in ("road", "rail")]


def policy_rows() -> list[Row]:
    return [{"policy": p, "value": v, "active": active, "period": None, "description": d,
             "reference": ref} for p, v, active, d, ref in POLICY]


def reference_rows(cited: set[int]) -> list[Row]:
    # the polymer case's own entries first, so that a shared number reads the same
    by_number = {n: (c, u) for n, c, u in (*poly.SOURCES_CITED, *SOURCES_CITED)}
    missing = sorted(cited - by_number.keys())
    if missing:
        raise KeyError(f"sources cited without a References entry: {missing}")
    rows: list[Row] = [{"ref": BRIEF_REF, "citation": BRIEF_CITATION}]
    rows += [{"ref": tag, "citation": text} for tag, text in poly.TAGS]
    rows += [{"ref": f"S{n}", "citation": by_number[n][0], "url": by_number[n][1]}
             for n in sorted(cited)]
    return rows


def metals_tables() -> Tables:
    """The whole metals case, sheet name -> rows, in the input workbook format."""
    tables: Tables = {
        "Settings": settings_rows(),
        "Periods": period_rows(),
        "Materials": material_rows(),
        "Locations": location_rows(),
        "Sites": site_rows(),
        "Lines": line_rows(),
        "Resources": resource_rows(),
        "ResourceUse": resource_use_rows(),
        "Sources": source_rows(),
        "Recipes": recipe_rows(),
        "Markets": market_rows(),
        "Modes": mode_rows(),
        "Lanes": lane_rows(),
        "Policy": policy_rows(),
    }
    cited = cited_sources(row for rows in tables.values() for row in rows)
    tables["References"] = reference_rows(cited)
    return tables
