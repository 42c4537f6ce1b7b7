"""Words for the limits added beside optimizer/report/story.py's: supply-group caps and
what the shared limits cost each chain (optimizer/shared_limits.py), in English,
Azerbaijani and Russian. Merged into optimizer.report.i18n.T, so tests/test_report_i18n.py
checks them with every other key.
"""

from __future__ import annotations

LIMITS_T: dict[str, tuple[str, str, str]] = {
    "kind.supply_group": ("Supply group cap", "Təchizat qrupunun həddi",
                          "Предел группы поставок"),
    "limit.supply_group": (
        "Purchases from supply group {group} ({offers}) are at its cap of {limit}; one more "
        "tonne of the cap would add {value}.",
        "{group} təchizat qrupundan ({offers}) alışlar öz həddindədir ({limit}); həddin bir "
        "ton artırılması {value} qazandırardı.",
        "Закупки по группе поставок {group} ({offers}) достигли предела {limit}; ещё одна "
        "тонна предела добавила бы {value}.",
    ),
}

LIMITS_T.update({
    "sheet.shared_limits": ("Shared limits", "Ortaq hədlər", "Общие ограничения"),
    "shared.intro": (
        "The chains of this workbook (lines and materials linked by recipes) and what each "
        "binding limit they share costs each of them: the chain's net value when the limit "
        "is lifted (the edit in the first column) and the whole plan solved again, minus "
        "its net value in this plan. Make the edit, re-run, and this sheet of the new "
        "results gives the lifted values, within the MIP gap. Full supply-group caps are "
        "lifted the same way.",
        "Bu iş kitabının zəncirləri (reseptlərlə bağlı xətlər və materiallar) və onların "
        "ortaq olan hər məhdudlaşdırıcı həddinin hər birinə dəyəri: hədd götürüldükdə (ilk "
        "sütundakı dəyişiklik) və bütün plan yenidən həll edildikdə zəncirin xalis gəliri, "
        "bu plandakı xalis gəlirindən çıxılmaqla. Dəyişikliyi edin, yenidən hesablayın: yeni "
        "nəticələrin bu vərəqi MIP boşluğu daxilində eyni dəyərləri verir. Dolu təchizat "
        "qrupu hədləri də eyni qaydada götürülür.",
        "Цепочки этой книги (линии и материалы, связанные рецептами) и во что каждой из них "
        "обходится каждое общее действующее ограничение: чистый доход цепочки, если "
        "ограничение снять (правка в первом столбце) и заново решить весь план, минус её "
        "чистый доход в этом плане. Сделайте правку и пересчитайте: этот лист новых "
        "результатов даст те же значения в пределах зазора MIP. Заполненные пределы групп "
        "поставок снимаются так же.",
    ),
    "shared.chains_title": ("Chains", "Zəncirlər", "Цепочки"),
    "shared.costs_title": ("What lifting each limit changes, by chain",
                           "Hər həddin götürülməsi zəncirlər üzrə nəyi dəyişir",
                           "Что меняет снятие каждого ограничения, по цепочкам"),
    "col.chain": ("Chain", "Zəncir", "Цепочка"),
    "col.chain_name": ("Main products", "Əsas məhsullar", "Основные продукты"),
    "col.lines_in_chain": ("Lines", "Xətlər", "Линии"),
    "col.lines_built": ("Lines built", "Qurulan xətlər", "Построено линий"),
    "col.lifted_limit": ("Limit lifted (edit)", "Götürülən hədd (dəyişiklik)",
                         "Снятое ограничение (правка)"),
    "col.value_in_plan": ("Net value in this plan", "Bu planda xalis gəlir",
                          "Чистый доход в этом плане"),
    "col.value_lifted": ("Net value with the limit lifted", "Hədd götürüldükdə xalis gəlir",
                         "Чистый доход без ограничения"),
    "col.change": ("Change", "Dəyişiklik", "Изменение"),
    "col.change_plan": ("Change of the whole plan", "Bütün planın dəyişikliyi",
                        "Изменение всего плана"),
    "shared.outside": ("outside any chain", "heç bir zəncirə aid deyil", "вне цепочек"),
    "shared.what.budget_total": (
        "the investment budget (Policy: budget_total set to active = no){item}",
        "investisiya büdcəsi (Policy: budget_total, active = no){item}",
        "инвестиционный бюджет (Policy: budget_total, active = no){item}"),
    "shared.what.budget_period": (
        "the investment budgets per period (Policy: budget_period rows set to active = "
        "no){item}",
        "dövr üzrə investisiya büdcələri (Policy: budget_period sətirləri, active = no){item}",
        "инвестиционные бюджеты периодов (Policy: строки budget_period, active = no){item}"),
    "shared.what.site_lines": (
        "the line slots at {item} (Sites: lines_max of {item} cleared)",
        "{item} meydançasında xətt yerləri (Sites: {item} üçün lines_max silinir)",
        "места для линий на площадке {item} (Sites: очистить lines_max у {item})"),
    "shared.what.resource": (
        "the site resource {item} (Resources: the row of {item} removed)",
        "{item} meydança resursu (Resources: {item} sətri silinir)",
        "ресурс площадки {item} (Resources: удалить строку {item})"),
    "shared.what.lines_min": (
        "the SME-cluster rule on operating lines (Policy: lines_min set to active = no){item}",
        "işləyən xətlər üzrə KOS klaster qaydası (Policy: lines_min, active = no){item}",
        "правило МСП-кластера о числе линий (Policy: lines_min, active = no){item}"),
    "shared.what.jobs_min": (
        "the minimum jobs (Policy: jobs_min set to active = no){item}",
        "minimum iş yerləri (Policy: jobs_min, active = no){item}",
        "минимум рабочих мест (Policy: jobs_min, active = no){item}"),
    "shared.what.local_share": (
        "the SME-cluster rule on local feedstock (Policy: local_share_min set to active = "
        "no){item}",
        "yerli xammal üzrə KOS klaster qaydası (Policy: local_share_min, active = no){item}",
        "правило МСП-кластера о доле местного сырья (Policy: local_share_min, active = "
        "no){item}"),
    "shared.what.recovered_min": (
        "the minimum recovered waste (Policy: recovered_min set to active = no){item}",
        "minimum bərpa edilmiş tullantı (Policy: recovered_min, active = no){item}",
        "минимум переработанных отходов (Policy: recovered_min, active = no){item}"),
    "shared.what.lane_capacity": (
        "the capacity of lane {item} (Lanes: capacity of {item} cleared)",
        "{item} marşrutunun buraxılış qabiliyyəti (Lanes: {item} üçün capacity silinir)",
        "пропускная способность маршрута {item} (Lanes: очистить capacity у {item})"),
    "shared.what.supply_group": (
        "the cap of supply group {item} (SupplyGroups: purchases_max of {item} cleared)",
        "{item} təchizat qrupunun həddi (SupplyGroups: {item} üçün purchases_max silinir)",
        "предел группы поставок {item} (SupplyGroups: очистить purchases_max у {item})"),
    "shared.what.all": (
        "every binding shared limit at once (all the edits above){item}",
        "bütün məhdudlaşdırıcı ortaq hədlər birlikdə (yuxarıdakı bütün dəyişikliklər){item}",
        "все действующие общие ограничения сразу (все правки выше){item}"),
    "shared.sentence": (
        "Lifting {what} would change the net value by {total}: {parts}.",
        "{what} götürülsə, xalis gəlir {total} dəyişərdi: {parts}.",
        "Снятие ограничения — {what} — изменило бы чистый доход на {total}: {parts}.",
    ),
    "shared.sentence_one": (
        "Lifting {what} would change the net value by {total}.",
        "{what} götürülsə, xalis gəlir {total} dəyişərdi.",
        "Снятие ограничения — {what} — изменило бы чистый доход на {total}.",
    ),
    "shared.at_least": (
        " (at least: the re-solve stopped at the time limit)",
        " (ən azı: təkrar həll vaxt limitində dayandı)",
        " (не меньше: повторное решение остановлено по лимиту времени)",
    ),
    "shared.not_computed": (
        "What lifting {what} is worth was not computed within the time limit.",
        "{what} götürülməsinin dəyəri vaxt limiti daxilində hesablanmadı.",
        "Эффект снятия ограничения — {what} — не рассчитан в пределах лимита времени.",
    ),
    "shared.part": ("{name} {change}", "{name} {change}", "{name} {change}"),
})
