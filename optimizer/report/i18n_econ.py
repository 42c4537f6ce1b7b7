"""Words of the Economics sheet and the Summary rows of the optional economics (ramp-up,
price tiers, process losses, carbon), in English, Azerbaijani and Russian. Merged into
optimizer.report.i18n.T, so tests/test_report_i18n.py checks them with every other key.
"""

from __future__ import annotations

ECON_T: dict[str, tuple[str, str, str]] = {
    "sheet.economics": ("Economics", "İqtisadi şərtlər", "Экономика"),
    "econ.intro": (
        "What the optional economics of the workbook did to the plan, per year of each "
        "period: ramp-up limits of new lines (RampUp sheet), price tiers reached "
        "(PriceTiers sheet), process losses (recipe yields adding up to less than 1, "
        "disposed of at the site's loss cost) and CO2 emissions (emission factors of "
        "recipes and lanes, priced at the carbon price on Settings), working capital (stock "
        "and receivables financed at the financing rate), import duty and per-tonne "
        "incentives, the profit tax and its relief (rate x each period's "
        "margin when positive), and the SME-cluster rules "
        "of each cluster (Clusters sheet).",
        "İş kitabının əlavə iqtisadi şərtlərinin plana təsiri, hər dövrün bir ili üçün: "
        "yeni xətlərin işəsalma limitləri (RampUp vərəqi), çatılan qiymət pillələri "
        "(PriceTiers vərəqi), emal itkiləri (reseptin çıxım əmsallarının cəmi 1-dən az "
        "olduqda, meydançanın itki xərci ilə utilizasiya) və CO2 emissiyaları (resept və "
        "marşrutların emissiya əmsalları, Settings vərəqindəki karbon qiyməti ilə), dövriyyə "
        "kapitalı (maliyyələşdirmə dərəcəsi ilə ehtiyat və debitor borcları), idxal rüsumu "
        "və hər tona güzəştlər, mənfəət vergisi və onun güzəşti (dərəcə x "
        "müsbət olduqda hər dövrün marjası), və hər "
        "klasterin KOS klaster qaydaları (Clusters vərəqi).",
        "Как дополнительные экономические условия книги повлияли на план, за год каждого "
        "периода: ограничения освоения мощности новых линий (лист RampUp), достигнутые "
        "ценовые ступени (лист PriceTiers), технологические потери (сумма выходов рецепта "
        "меньше 1, утилизация по тарифу площадки) и выбросы CO2 (коэффициенты выбросов "
        "рецептов и маршрутов по цене углерода с листа Settings), оборотный капитал (запасы "
        "и дебиторская задолженность по ставке финансирования), ввозная пошлина и потонные "
        "стимулы, налог на прибыль и льгота по нему (ставка x маржа "
        "периода, если она положительна), а также правила МСП-кластера "
        "для каждого кластера (лист Clusters).",
    ),
    "econ.ramp": ("Ramp-up of new lines", "Yeni xətlərin işəsalınması",
                  "Освоение мощности новых линий"),
    "econ.tiers": ("Price tiers", "Qiymət pillələri", "Ценовые ступени"),
    "econ.losses": ("Process losses", "Emal itkiləri", "Технологические потери"),
    "econ.emissions": ("CO2 emissions", "CO2 emissiyaları", "Выбросы CO2"),
    "col.utilisation_max": ("Most utilisation allowed", "İcazə verilən ən çox yüklənmə",
                            "Допустимая загрузка"),
    "col.tier": ("Tier reached (0 = Markets price)", "Çatılan pillə (0 = Markets qiyməti)",
                 "Достигнутая ступень (0 = цена Markets)"),
    "col.price_last_tonne": ("Price of the last tonne", "Son tonun qiyməti",
                             "Цена последней тонны"),
    "col.revenue_given_up": ("Revenue given up to the tiers", "Pillələr üzündən itirilən gəlir",
                             "Выручка, потерянная на ступенях"),
    "col.loss_name": ("Loss", "İtki", "Потери"),
    "col.source_of_co2": ("From", "Mənbə", "Источник"),
    "col.line_or_lane": ("Line or lane", "Xətt və ya marşrut", "Линия или маршрут"),
    "col.co2": ("t CO2", "t CO2", "т CO2"),
    "col.co2_per_t": ("t CO2 per t", "1 t üçün t CO2", "т CO2 на 1 т"),
    "econ.clusters": ("SME-cluster rules per cluster", "Klaster üzrə KOS klaster qaydaları",
                      "Правила МСП-кластера по кластерам"),
    "col.cluster": ("Cluster", "Klaster", "Кластер"),
    "col.cluster_lines": ("Lines operating", "İşləyən xətlər", "Работающие линии"),
    "col.cluster_jobs": ("Jobs", "İş yerləri", "Рабочие места"),
    "col.cluster_recovered": ("Recovered waste processed", "Emal olunan bərpa edilmiş "
                              "tullantı", "Переработано вторичного сырья"),
    "econ.working_capital": ("Working capital", "Dövriyyə kapitalı", "Оборотный капитал"),
    "col.wc_stock": ("Stock (value held)", "Ehtiyat (dəyəri)", "Запасы (стоимость)"),
    "col.wc_receivables": ("Receivables", "Debitor borcları", "Дебиторская задолженность"),
    "col.wc_capital": ("Capital tied up", "Bağlanmış kapital", "Связанный капитал"),
    "kpi.cost_working_capital": ("Financing of working capital", "Dövriyyə kapitalının "
                                 "maliyyələşdirilməsi", "Финансирование оборотного капитала"),
    "econ.taxes": ("Import duty, profit tax and per-tonne incentives", "İdxal rüsumu, "
                   "mənfəət vergisi və hər tona güzəştlər", "Ввозная пошлина, налог на "
                   "прибыль и потонные стимулы"),
    "econ.kind.profit_tax": ("profit tax (rate x margin)", "mənfəət vergisi (dərəcə x "
                             "marja)", "налог на прибыль (ставка x маржа)"),
    "econ.kind.profit_tax_relief": ("profit-tax relief (share exempt)", "mənfəət vergisi "
                                    "güzəşti (azad pay)", "льгота по налогу на прибыль "
                                    "(освобождённая доля)"),
    "col.tax_base": ("Taxed margin per year (profit tax)", "İllik vergiyə cəlb olunan "
                     "marja (mənfəət vergisi)", "Облагаемая маржа в год (налог на "
                     "прибыль)"),
    "kpi.cost_profit_tax": ("Profit tax, after relief",
                            "Mənfəət vergisi, güzəştdən sonra",
                            "Налог на прибыль после льготы"),
    "kpi.profit_tax_relief": ("Profit tax relieved (tax holiday)", "Mənfəət vergisindən "
                              "güzəşt (vergi tətili)", "Льгота по налогу на прибыль "
                              "(налоговые каникулы)"),
    "econ.kind.duty": ("import duty", "idxal rüsumu", "ввозная пошлина"),
    "econ.kind.incentive": ("incentive or fee", "güzəşt və ya rüsum", "субсидия или сбор"),
    "col.tax_kind": ("What", "Nə", "Что"),
    "col.offer_or_material": ("Offer or material", "Təklif və ya material",
                              "Предложение или материал"),
    "col.tax_rate": ("Rate (share of price, or per t)", "Dərəcə (qiymətin payı və ya 1 t "
                     "üçün)", "Ставка (доля цены или за 1 т)"),
    "col.tax_amount": ("Paid (negative: received)", "Ödənilib (mənfi: alınıb)",
                       "Уплачено (минус: получено)"),
    "kpi.cost_import_duty": ("Import duty", "İdxal rüsumu", "Ввозная пошлина"),
    "kpi.cost_incentives": ("Per-tonne fees less subsidies", "Hər tona rüsumlar çıxılsın "
                            "subsidiyalar", "Потонные сборы за вычетом субсидий"),
    "col.cluster_local_share": ("Local share of its offers (value)",
                                "Təkliflərində yerli pay (dəyərcə)",
                                "Доля местных предложений (по стоимости)"),
    "econ.kind.line": ("line", "xətt", "линия"),
    "econ.kind.lane": ("lane", "marşrut", "маршрут"),
    "kpi.cost_price_tiers": ("Revenue given up to price tiers",
                             "Qiymət pillələri üzündən itirilən gəlir",
                             "Выручка, потерянная на ценовых ступенях"),
    "kpi.cost_loss": ("Disposal of process losses", "Emal itkilərinin utilizasiyası",
                      "Утилизация технологических потерь"),
    "kpi.cost_carbon": ("Carbon cost", "Karbon xərci", "Плата за углерод"),
    "kpi.emissions": ("CO2 emitted (t per year, last period)",
                      "Atılan CO2 (ildə t, son dövr)", "Выбросы CO2 (т в год, последний период)"),
    "kpi.cost_economics": ("Tiers, losses, carbon, working capital, duty, incentives, "
                           "profit tax", "Pillələr, itkilər, karbon, dövriyyə kapitalı, "
                           "rüsum, güzəştlər, mənfəət vergisi", "Ступени, потери, углерод, "
                           "оборотный капитал, пошлина, стимулы, налог на прибыль"),
}
