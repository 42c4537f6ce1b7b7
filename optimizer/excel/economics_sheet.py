"""The results workbook's Economics sheet and Summary rows for the optional economics.

Written only when the workbook uses ramp-up, price tiers, a loss cost, emission factors or
a carbon price, so a case without them gets exactly the workbook it got before.
"""

from __future__ import annotations

from typing import Any

from models.chain.data import ChainData

ECON_PARTS = ("cost_price_tiers", "cost_loss", "cost_carbon", "cost_working_capital",
              "cost_import_duty", "cost_incentives", "cost_profit_tax")


def uses_economics(d: ChainData) -> bool:
    return bool(d.ramp_tables or d.price_tiers or d.site_loss_cost or d.co2_input
                or d.lane_co2 or d.carbon_price or d.cluster_sites
                or (d.financing_rate and (d.stock_days or d.receivable_days))
                or d.duty or d.incentive or d.profit_tax_rate)


def summary_rows(d: ChainData, kpis: dict[str, Any]) -> list[tuple[str, object, str]]:
    """Rows for the Summary's key figures (after the fixed cost), or none."""
    if not uses_economics(d):
        return []
    rows: list[tuple[str, object, str]] = [
        (f"kpi.{name}", kpis.get(name, 0.0), "money") for name in ECON_PARTS]
    if d.profit_tax_rate:  # what the relief saved, after the tax it leaves
        rows.append(("kpi.profit_tax_relief", kpis.get("profit_tax_relief", 0.0), "money"))
    rows.append(("kpi.emissions", kpis.get("emissions_t", 0.0), "t"))
    return rows


def annual_economics(res: Any, period: str) -> float:
    """Tier revenue given up, loss disposal and carbon cost in one period, per year."""
    def total(df: Any, col: str) -> float:
        return float(df[df.period == period][col].sum()) if len(df) and col in df else 0.0
    return (total(res.sales, "tier_revenue_given_up") + total(res.losses, "cost")
            + total(res.emissions, "cost") + total(res.working_capital, "cost")
            + total(res.taxes, "amount"))


def write_economics(w: Any, outcome: Any) -> None:
    """One sheet, seven sections: ramp-up, price tiers, process losses, emissions, working
    capital, taxes and incentives, clusters."""
    from optimizer.excel.write import Col  # write.py imports this module

    data, res = outcome.data, outcome.results
    if not uses_economics(data):
        return
    ws = w.sheet("sheet.economics", stream=True)  # written in row order
    ws.set_column(0, 7, 16)
    w.intro(ws, w.tr("econ.intro"), 7, height=75)
    row = 2
    lp = res.line_periods
    ramp = lp[lp.open & lp.line.isin(list(data.ramp_lines))] if len(lp) else lp
    row = _section(w, ws, row, "econ.ramp", ramp.to_dict("records"), [
        Col("line", w.tr("col.line"), width=14), Col("period", w.tr("col.period"), width=10),
        Col("throughput", w.tr("col.tonnes"), "t", 12),
        Col("utilisation", w.tr("col.utilisation"), "pct", 12),
        Col("utilisation_max", w.tr("col.utilisation_max"), "pct", 14)])
    tiers = res.sales[[key in data.price_tiers for key in zip(
        res.sales.market, res.sales.material, res.sales.period, strict=True)]]
    row = _section(w, ws, row, "econ.tiers", tiers.to_dict("records"), [
        Col("market", w.tr("col.market"), width=14),
        Col("material", w.tr("col.material"), width=10),
        Col("period", w.tr("col.period"), width=12), Col("tonnes", w.tr("col.sold"), "t", 12),
        Col("price", w.tr("col.price"), "price", 12),
        Col("tier", w.tr("col.tier"), "int", 14),
        Col("price_last_tonne", w.tr("col.price_last_tonne"), "price", 14),
        Col("tier_revenue_given_up", w.tr("col.revenue_given_up"), "money", 16)])
    row = _section(w, ws, row, "econ.losses", res.losses.to_dict("records"), [
        Col("line", w.tr("col.line"), width=14), Col("loss", w.tr("col.loss_name"), width=10),
        Col("period", w.tr("col.period"), width=12),
        Col("tonnes", w.tr("col.tonnes"), "t", 12),
        Col("cost_per_t", w.tr("col.cost_per_t"), "price", 12),
        Col("cost", w.tr("col.cost"), "money", 14)])
    emissions = [{**rec, "kind": w.tr(f"econ.kind.{rec['kind']}")}
                 for rec in res.emissions.to_dict("records")]
    row = _section(w, ws, row, "econ.emissions", emissions, [
        Col("kind", w.tr("col.source_of_co2"), width=14),
        Col("item", w.tr("col.line_or_lane"), width=10),
        Col("period", w.tr("col.period"), width=12),
        Col("tonnes", w.tr("col.tonnes"), "t", 12),
        Col("co2_per_t", w.tr("col.co2_per_t"), "num", 12),
        Col("co2", w.tr("col.co2"), "t", 14), Col("cost", w.tr("col.cost"), "money", 16)])
    row = _section(w, ws, row, "econ.working_capital",
                   res.working_capital.to_dict("records"), [
        Col("material", w.tr("col.material"), width=14),
        Col("period", w.tr("col.period"), width=10),
        Col("stock_value", w.tr("col.wc_stock"), "money", 12),
        Col("receivables", w.tr("col.wc_receivables"), "money", 12),
        Col("capital", w.tr("col.wc_capital"), "money", 12),
        Col("cost", w.tr("col.cost"), "money", 14)])
    taxes = [{**rec, "kind": w.tr(f"econ.kind.{rec['kind']}")}
             for rec in res.taxes.to_dict("records")]
    row = _section(w, ws, row, "econ.taxes", taxes, [
        Col("kind", w.tr("col.tax_kind"), width=14),
        Col("item", w.tr("col.offer_or_material"), width=10),
        Col("period", w.tr("col.period"), width=12),
        Col("tonnes", w.tr("col.tonnes"), "t", 12),
        Col("rate", w.tr("col.tax_rate"), "num", 12),
        Col("amount", w.tr("col.tax_amount"), "money", 14),
        Col("base", w.tr("col.tax_base"), "money", 14)])
    _section(w, ws, row, "econ.clusters", res.clusters.to_dict("records"), [
        Col("cluster", w.tr("col.cluster"), width=14),
        Col("period", w.tr("col.period"), width=10),
        Col("lines", w.tr("col.cluster_lines"), "int", 12),
        Col("lines_min", w.tr("col.minimum"), "int", 12),
        Col("jobs", w.tr("col.cluster_jobs"), "int", 12),
        Col("jobs_min", w.tr("col.minimum"), "int", 14),
        Col("recovered_tonnes", w.tr("col.cluster_recovered"), "t", 14),
        Col("recovered_min", w.tr("col.minimum"), "t", 16),
        Col("local_share", w.tr("col.cluster_local_share"), "pct", 14),
        Col("local_share_min", w.tr("col.minimum"), "pct", 12)])


def _section(w: Any, ws: Any, row: int, title: str, records: list[dict[str, object]],
             cols: list[Any]) -> int:
    """A titled table; sections without rows are left out. Returns the next free row."""
    if not records:
        return row
    w.text(ws, row, 0, w.tr(title), "section")
    w.header(ws, row + 1, cols, widths=False)
    return int(w.rows(ws, row + 2, records, cols)) + 1
