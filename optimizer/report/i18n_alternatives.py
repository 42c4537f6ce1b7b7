"""Words of the Alternatives sheet (the closest other build sets of a normal run), in
English, Azerbaijani and Russian. Merged into optimizer.report.i18n.T, so
tests/test_report_i18n.py checks them with every other key.
"""

from __future__ import annotations

ALTERNATIVES_T: dict[str, tuple[str, str, str]] = {
    "sheet.alternatives": ("Alternatives", "Alternativlər", "Альтернативы"),
    "alt.intro": (
        "The closest other plans: each is the best plan that builds a different set of "
        "lines from every plan above it (found by re-solving with the earlier sets cut "
        "off), so the list is in order of net value. Rank 1 is the plan of this workbook. "
        "Net value is the objective (discounted over all periods); jobs and recovered "
        "waste are for the last period. chainopt alternatives WORKBOOK -n 5 --within 2% "
        "lists more.",
        "Ən yaxın digər planlar: hər biri yuxarıdakı bütün planlardan fərqli xətlər "
        "toplusu tikən ən yaxşı plandır (əvvəlki toplular kəsilərək yenidən həll "
        "olunub), ona görə siyahı xalis gəlirə görə sıralanıb. 1-ci yer bu faylın "
        "planıdır. Xalis gəlir məqsəd funksiyasıdır (bütün dövrlər üzrə diskontlaşdırılmış); "
        "iş yerləri və emal olunan tullantılar son dövr üçündür. Daha çoxu üçün: chainopt "
        "alternatives WORKBOOK -n 5 --within 2%.",
        "Ближайшие другие планы: каждый — лучший план, строящий набор линий, отличный от "
        "всех планов выше (найден повторным решением с отсечением прежних наборов), "
        "поэтому список упорядочен по чистому доходу. Место 1 — план этой книги. Чистый "
        "доход — целевая функция (дисконтированная за все периоды); рабочие места и "
        "переработанные отходы — за последний период. Больше: chainopt alternatives "
        "WORKBOOK -n 5 --within 2%.",
    ),
    "alt.intro.held": (
        "Other plans close to this one: the best plans of the sets of lines the "
        "explanations tried by closing, adding or swapping one line of this plan, best "
        "first (there was too little time to search every set: see the note under the "
        "table). Rank 1 is the plan of this workbook. Net value is the objective "
        "(discounted over all periods); jobs and recovered waste are for the last period. "
        "chainopt alternatives WORKBOOK -n 5 --within 2% searches every set.",
        "Bu plana yaxın digər planlar: izahların bu planın bir xəttini bağlamaqla, əlavə "
        "etməklə və ya əvəz etməklə yoxladığı xətlər toplularının ən yaxşı planları, ən "
        "yaxşısı birinci (bütün topluları axtarmağa vaxt çatmadı: cədvəlin altındakı "
        "qeydə baxın). 1-ci yer bu faylın planıdır. Xalis gəlir məqsəd funksiyasıdır "
        "(bütün dövrlər üzrə diskontlaşdırılmış); iş yerləri və emal olunan tullantılar "
        "son dövr üçündür. Bütün toplular üçün: chainopt alternatives WORKBOOK -n 5 "
        "--within 2%.",
        "Другие планы, близкие к этому: лучшие планы наборов линий, которые пояснения "
        "проверили, закрыв, добавив или заменив одну линию этого плана, лучший первым "
        "(на перебор всех наборов не хватило времени: см. примечание под таблицей). "
        "Место 1 — план этой книги. Чистый доход — целевая функция (дисконтированная за "
        "все периоды); рабочие места и переработанные отходы — за последний период. Все "
        "наборы: chainopt alternatives WORKBOOK -n 5 --within 2%.",
    ),
    "alt.col.rank": ("Rank", "Yer", "Место"),
    "alt.col.net_value": ("Net value", "Xalis gəlir", "Чистый доход"),
    "alt.col.difference": ("Difference from the best", "Ən yaxşıdan fərq",
                           "Отличие от лучшего"),
    "alt.col.jobs": ("Jobs", "İş yerləri", "Рабочие места"),
    "alt.col.recovered": ("Recovered waste", "Emal olunan tullantılar",
                          "Переработанные отходы"),
    "alt.col.added": ("Lines added", "Əlavə olunan xətlər", "Добавленные линии"),
    "alt.col.dropped": ("Lines dropped", "Çıxarılan xətlər", "Исключённые линии"),
    "alt.best": ("(this plan)", "(bu plan)", "(этот план)"),
    "alt.none": ("—", "—", "—"),
    "alt.note.none": (
        "No other set of lines gives a plan that meets every limit.",
        "Başqa heç bir xətlər toplusu bütün məhdudiyyətlərə cavab verən plan vermir.",
        "Никакой другой набор линий не даёт плана, выполняющего все ограничения.",
    ),
    "alt.note.time": (
        "The time for alternatives ran out after {n} plan(s): the list may be incomplete "
        "(chainopt alternatives with a longer --time-limit finds more).",
        "Alternativlər üçün vaxt {n} plandan sonra bitdi: siyahı natamam ola bilər (daha "
        "uzun --time-limit ilə chainopt alternatives daha çoxunu tapır).",
        "Время на альтернативы истекло после {n} план(ов): список может быть неполным "
        "(chainopt alternatives с большим --time-limit найдёт больше).",
    ),
    "alt.note.held": (
        "Too little time to search every set of lines (that takes about as long as the "
        "solve): listed are the best plans of the sets the explanations found by changing "
        "one or two lines of this plan ({n} plan(s)), each the best plan with its lines. "
        "Other sets may lie between them; chainopt alternatives WORKBOOK searches them all.",
        "Bütün xətlər toplularını axtarmağa vaxt çatmadı (bu, təxminən həll qədər vaxt "
        "aparır): izahların bu planın bir və ya iki xəttini dəyişməklə tapdığı topluların "
        "ən yaxşı planları göstərilib ({n} plan), hər biri öz xətləri ilə ən yaxşı "
        "plandır. Aralarında başqa toplular ola bilər; chainopt alternatives WORKBOOK "
        "hamısını axtarır.",
        "Не хватило времени перебрать все наборы линий (это занимает примерно столько же, "
        "сколько решение): показаны лучшие планы наборов, найденных в пояснениях заменой "
        "одной-двух линий этого плана ({n} план(ов)), каждый — лучший план со своими "
        "линиями. Между ними могут быть другие наборы; chainopt alternatives WORKBOOK "
        "переберёт все.",
    ),
    "alt.note.skipped": (
        "Not looked for: the run's time limit was used up by the solve and the "
        "explanations (chainopt alternatives lists them on its own).",
        "Axtarılmayıb: hesablamanın vaxt limiti həll və izahlara sərf olundu (chainopt "
        "alternatives onları ayrıca göstərir).",
        "Не искались: лимит времени расчёта израсходован на решение и пояснения (chainopt "
        "alternatives покажет их отдельно).",
    ),
    "alt.note.better": (
        "Rank {rank} gives {more} more net value than this workbook's plan: the solve "
        "stopped once its plan was within the MIP gap ({gap} of the best possible), and "
        "the search for alternatives closes that gap. With a smaller mip_gap on the Settings sheet "
        "(e.g. 0.0001) a re-run finds a plan at least as good as rank {rank}.",
        "{rank}-ci yer bu faylın planından {more} çox xalis gəlir verir: həll planı MIP "
        "fərqi daxilində olanda dayandı (mümkün ən yaxşıdan {gap}), alternativlərin "
        "axtarışı isə bu fərqi bağlayır. Settings vərəqində daha kiçik mip_gap ilə (məs. "
        "0.0001) yenidən hesablama ən azı {rank}-ci yer qədər yaxşı plan tapır.",
        "Место {rank} даёт на {more} больше чистого дохода, чем план этой книги: решение "
        "остановилось, когда план был в пределах MIP-зазора ({gap} от лучшего возможного), "
        "а поиск альтернатив этот зазор закрывает. С меньшим mip_gap на листе Settings "
        "(напр. 0.0001) повторный расчёт найдёт план не хуже места {rank}.",
    ),
}
