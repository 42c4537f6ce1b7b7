"""Every word of the results report, in English, Azerbaijani (Latin script) and Russian.

One table: key -> (en, az, ru). Sheet names, column headers, notes, headline and
explanations all come from here, so a language is complete or a test fails
(tests/test_report_i18n.py checks that every key has every language and the same
{placeholders}). Terms follow the ministry's usage where one exists: xalis gəlir /
чистый доход (net value per year), emal xətti / линия переработки, meydança /
площадка (site in an industrial park), marjinal dəyər / предельная оценка.
"""

from __future__ import annotations

from optimizer.report.i18n_alternatives import ALTERNATIVES_T
from optimizer.report.i18n_econ import ECON_T
from optimizer.report.i18n_limits import LIMITS_T

LANGS = ("en", "az", "ru")
DEFAULT_LANG = "en"

T: dict[str, tuple[str, str, str]] = {
    # ---- sheet names (at most 31 characters, none of []:*?/\) -----------------------
    "sheet.summary": ("Summary", "Xülasə", "Сводка"),
    "sheet.lines": ("Lines", "Xətlər", "Линии"),
    "sheet.feedstock": ("Feedstock", "Xammal", "Сырьё"),
    "sheet.flows": ("Flows", "Daşımalar", "Перевозки"),
    "sheet.markets": ("Markets", "Bazarlar", "Рынки"),
    "sheet.sites": ("Sites", "Meydançalar", "Площадки"),
    "sheet.value_chain": ("Value chain", "Dəyər zənciri", "Цепочка стоимости"),
    "sheet.marginal": ("Marginal values", "Marjinal dəyərlər", "Предельные оценки"),
    "sheet.assumptions": ("Assumptions", "İlkin məlumatlar", "Исходные данные"),
    "sheet.run_info": ("Run info", "Hesablama haqqında", "О расчёте"),
    "sheet.issues": ("Issues", "Qeydlər", "Замечания"),
    "sheet.changes": ("Changes", "Dəyişikliklər", "Изменения"),
    # ---- common words ---------------------------------------------------------------
    "yes": ("yes", "bəli", "да"),
    "no": ("no", "xeyr", "нет"),
    "unlimited": ("unlimited", "limitsiz", "без ограничения"),
    "none": ("none", "yoxdur", "нет"),
    "total": ("Total", "Cəmi", "Итого"),
    "status.candidate": ("candidate", "namizəd", "кандидат"),
    "status.existing": ("existing", "mövcud", "существующая"),
    "status.excluded": ("excluded", "xaric edilib", "исключена"),
    "per_year": ("per year", "ildə", "в год"),
    "per_year_discounted": ("(discounted, all periods)", "(diskontlaşdırılmış, bütün dövrlər)",
                            "(дисконтировано, все периоды)"),
    "unit.t": ("t", "t", "т"),
    "unit.per_t": ("per t", "1 t üçün", "за 1 т"),
    "unit.per_point": ("per percentage point", "hər faiz bəndi üçün", "за процентный пункт"),
    "unit.lines": ("lines", "xətt", "линий"),
    "unit.jobs": ("jobs", "iş yeri", "рабочих мест"),
    "unit.share": ("share", "pay", "доля"),
    # ---- solver status in words -----------------------------------------------------
    "solver.optimal": ("optimal", "optimal", "оптимально"),
    "solver.feasible": ("feasible at the time limit", "vaxt limitində tapılmış plan",
                        "допустимый план к пределу времени"),
    "solver.other": ("{status}", "{status}", "{status}"),
    "status.words.optimal": (
        "Optimal: no better plan exists (within the gap tolerance of {tol}).",
        "Optimal: daha yaxşı plan yoxdur (icazə verilən {tol} fərq daxilində).",
        "Оптимально: лучшего плана нет (в пределах допуска {tol}).",
    ),
    "status.words.feasible": (
        "Best plan found in the time allowed, at most {gap} below the best possible.",
        "Ayrılmış vaxtda tapılan ən yaxşı plan: ən yaxşı mümkün plandan ən çoxu {gap} "
        "aşağıdır.",
        "Лучший план, найденный за отведённое время: не более чем на {gap} ниже наилучшего "
        "возможного.",
    ),
    "status.words.feasible_nogap": (
        "Best plan found in the time allowed; how far it is from the best possible is "
        "unknown.",
        "Ayrılmış vaxtda tapılan ən yaxşı plan; ən yaxşı mümkün plandan fərqi məlum deyil.",
        "Лучший план, найденный за отведённое время; отклонение от наилучшего возможного "
        "неизвестно.",
    ),
    "check.passed": ("passed", "keçdi", "пройдена"),
    "check.failed": ("FAILED: {n} violation(s), see Issues",
                     "UĞURSUZ: {n} pozuntu, Qeydlər vərəqinə baxın",
                     "НЕ ПРОЙДЕНА: нарушений: {n}, см. лист «Замечания»"),
    # ---- Summary ----------------------------------------------------------------------
    "summary.title": ("chainopt results: {case}", "chainopt nəticələri: {case}",
                      "Результаты chainopt: {case}"),
    "summary.headline.build": (
        "Build {built} of {candidates} {candidates_word} at {sites} {sites_word}.",
        "{candidates} namizəd xətdən {built} xətt {sites} meydançada tikilsin.",
        "Построить {built} из {candidates} {candidates_word} на {sites} {sites_word}.",
    ),
    "word.site_one": ("site", "meydança", "площадке"),
    "word.site_many": ("sites", "meydança", "площадках"),
    "word.candidates_one": ("candidate line", "namizəd xətt", "возможной линии"),
    "word.candidates_many": ("candidate lines", "namizəd xətt", "возможных линий"),
    "summary.headline.value": (
        "Net value {net} {per}, {jobs} jobs.",
        "Xalis gəlir {net} {per}, iş yerləri: {jobs}.",
        "Чистый доход {net} {per}, рабочих мест: {jobs}.",
    ),
    "summary.headline.feed": (
        "{feed} of feedstock processed: {parts}.",
        "Emal olunan xammal: {feed} ({parts}).",
        "Переработано сырья: {feed} ({parts}).",
    ),
    "summary.headline.feed_part": ("{tonnes} from {place}", "{place}: {tonnes}",
                                   "{place}: {tonnes}"),
    "summary.headline.recovered": (
        "{rec} of it is recovered waste, processed locally.",
        "Bunun {rec} hissəsi yerində emal olunan bərpa edilmiş tullantıdır.",
        "Из них {rec} — вторичное сырьё из отходов, переработанное на месте.",
    ),
    "summary.headline.no_lines": (
        "No line is worth building: net value {net} {per}.",
        "Heç bir xəttin tikilməsi sərfəli deyil: xalis gəlir {net} {per}.",
        "Ни одну линию строить невыгодно: чистый доход {net} {per}.",
    ),
    "summary.key_figures": ("Key figures", "Əsas göstəricilər", "Основные показатели"),
    "summary.value": ("Value", "Dəyər", "Значение"),
    "summary.limits_title": ("What limits the plan", "Planı nə məhdudlaşdırır",
                             "Что ограничивает план"),
    "summary.limits_intro": (
        "Binding limits, with the value of one more unit at this plan (from the LP with "
        "the build decisions held at the chosen plan). Every limit is on the Marginal "
        "values sheet.",
        "Məhdudlaşdıran hədlər və bu planda əlavə bir vahidin dəyəri (tikinti qərarları "
        "seçilmiş planda saxlanılmaqla xətti proqramdan). Bütün hədlər Marjinal dəyərlər "
        "vərəqindədir.",
        "Ограничения, которые сдерживают план, и ценность ещё одной единицы при этом "
        "плане (из ЛП-задачи с решениями о строительстве, зафиксированными на выбранном "
        "плане). Все ограничения — на листе «Предельные оценки».",
    ),
    "summary.no_limits": (
        "No limit binds with a measurable value at this plan.",
        "Bu planda ölçülə bilən dəyəri olan məhdudlaşdırıcı hədd yoxdur.",
        "При этом плане нет ограничений с измеримой ценностью.",
    ),
    "summary.no_explain": (
        "Marginal values are not available for this run (see Run info).",
        "Bu hesablama üçün marjinal dəyərlər yoxdur (Hesablama haqqında vərəqinə baxın).",
        "Предельные оценки для этого расчёта недоступны (см. «О расчёте»).",
    ),
    "summary.charts": ("Charts", "Diaqramlar", "Диаграммы"),
    "summary.chart_data": ("Numbers behind the charts", "Diaqramların rəqəmləri",
                           "Данные диаграмм"),
    "kpi.status": ("Solver status", "Həllin statusu", "Статус решения"),
    "kpi.status_words": ("Solver status in words", "Statusun izahı", "Статус словами"),
    "kpi.objective": ("Net value (objective)", "Xalis gəlir (məqsəd funksiyası)",
                      "Чистый доход (целевая функция)"),
    "kpi.bound": ("Best possible (bound)", "Ən yaxşı mümkün (sərhəd)",
                  "Наилучшее возможное (граница)"),
    "kpi.gap": ("Gap", "Fərq (gap)", "Разрыв (gap)"),
    "kpi.seconds": ("Solve time (s)", "Həll müddəti (san)", "Время решения (с)"),
    "kpi.revenue": ("Revenue", "Satış gəliri", "Выручка"),
    "kpi.cost_feedstock": ("Feedstock cost", "Xammal xərci", "Затраты на сырьё"),
    "kpi.cost_variable": ("Variable processing cost", "Dəyişən emal xərci",
                          "Переменные затраты на переработку"),
    "kpi.cost_transport": ("Transport cost", "Nəqliyyat xərci", "Транспортные расходы"),
    "kpi.cost_disposal": ("Disposal cost", "Utilizasiya xərci", "Затраты на утилизацию"),
    "kpi.cost_fixed": ("Fixed cost of lines", "Xətlərin sabit xərci",
                       "Постоянные затраты линий"),
    "kpi.net": ("Net value = revenue - costs", "Xalis gəlir = gəlir - xərclər",
                "Чистый доход = выручка - затраты"),
    "kpi.jobs": ("Jobs", "İş yerləri", "Рабочие места"),
    "kpi.lines_built": ("Lines built", "Tikilən xətlər", "Построено линий"),
    "kpi.candidates": ("Candidate lines", "Namizəd xətlər", "Возможные линии"),
    "kpi.sites_used": ("Sites used", "İstifadə olunan meydançalar", "Задействовано площадок"),
    "kpi.capex": ("Capex of lines built", "Tikilən xətlərə kapital qoyuluşu",
                  "Капвложения в построенные линии"),
    "kpi.feedstock": ("Feedstock processed", "Emal olunan xammal", "Переработано сырья"),
    "kpi.recovered": ("Recovered waste processed", "Emal olunan bərpa edilmiş tullantı",
                      "Переработано вторичного сырья"),
    "kpi.sales": ("Products sold", "Satılan məhsul", "Продано продукции"),
    "kpi.check": ("Independent check", "Müstəqil yoxlama", "Независимая проверка"),
    # ---- what limits the plan: one sentence per kind of limit -----------------------
    "limit.feedstock": (
        "{what} supply ({source}) is fully used ({limit}); one more tonne would add "
        "{value}.",
        "{what} təklifi ({source}) tam istifadə olunur ({limit}); əlavə bir ton {value} "
        "qazandırardı.",
        "Предложение «{what}» ({source}) использовано полностью ({limit}); ещё одна тонна "
        "добавила бы {value}.",
    ),
    "limit.offtake_min": (
        "The minimum purchase of {what} ({source}, {limit}) binds; each tonne less "
        "required would add {value}.",
        "{what} üçün minimum alış ({source}, {limit}) məhdudlaşdırır; tələb olunan hər ton "
        "az {value} qazandırardı.",
        "Минимальная закупка «{what}» ({source}, {limit}) ограничивает план; каждая тонна "
        "меньше добавила бы {value}.",
    ),
    "limit.demand_max": (
        "{market} demand for {product} is saturated ({limit}); one more tonne of demand "
        "would add {value}.",
        "{market} bazarında {product} tələbi doymuşdur ({limit}); əlavə bir ton tələb "
        "{value} qazandırardı.",
        "Спрос на «{product}» на рынке «{market}» насыщен ({limit}); ещё одна тонна спроса "
        "добавила бы {value}.",
    ),
    "limit.demand_min": (
        "The contracted minimum of {product} at {market} ({limit}) binds; each tonne less "
        "would add {value}.",
        "{market} bazarında {product} üzrə müqavilə minimumu ({limit}) məhdudlaşdırır; hər "
        "ton az {value} qazandırardı.",
        "Договорной минимум «{product}» на рынке «{market}» ({limit}) ограничивает план; "
        "каждая тонна меньше добавила бы {value}.",
    ),
    "limit.line_capacity": (
        "Line {line} ({tech} at {site}) runs at full capacity ({limit}); one more tonne of "
        "capacity would add {value}.",
        "{line} xətti ({site}, {tech}) tam gücü ilə işləyir ({limit}); əlavə bir ton güc "
        "{value} qazandırardı.",
        "Линия {line} ({tech}, {site}) работает на полную мощность ({limit}); ещё одна "
        "тонна мощности добавила бы {value}.",
    ),
    "limit.lane_capacity": (
        "Lane {lane} ({origin} to {destination}) is full ({limit}); one more tonne of lane "
        "capacity would add {value}.",
        "{lane} marşrutu ({origin} - {destination}) doludur ({limit}); əlavə bir ton "
        "buraxılış qabiliyyəti {value} qazandırardı.",
        "Маршрут {lane} ({origin} - {destination}) загружен полностью ({limit}); ещё одна "
        "тонна пропускной способности добавила бы {value}.",
    ),
    "limit.recovered_min": (
        "The minimum of {limit} of recovered waste binds; each tonne less required would "
        "add {value}.",
        "Bərpa edilmiş tullantı üzrə {limit} minimumu məhdudlaşdırır; tələb olunan hər ton "
        "az {value} qazandırardı.",
        "Минимум переработки вторичного сырья {limit} ограничивает план; каждая тонна "
        "меньше добавила бы {value}.",
    ),
    "limit.local_share": (
        "The local-feedstock share of at least {limit} binds; one percentage point less "
        "would add {value}.",
        "Yerli xammalın ən azı {limit} payı məhdudlaşdırır; bir faiz bəndi az {value} "
        "qazandırardı.",
        "Доля местного сырья не менее {limit} ограничивает план; на один процентный пункт "
        "меньше добавило бы {value}.",
    ),
    "limit.group": (
        "Only one line of group {group} may be built: {built} is built; not built: {lines}.",
        "{group} qrupundan yalnız bir xətt tikilə bilər: {built} tikilir; tikilməyənlər: "
        "{lines}.",
        "Из группы {group} можно построить только одну линию: построена {built}; не "
        "построены: {lines}.",
    ),
    "limit.site_lines": (
        "All {limit} line slots at {site} are used; kept out: {lines}.",
        "{site} meydançasında bütün {limit} xətt yeri doludur; kənarda qalan: {lines}.",
        "Все места для линий на площадке {site} ({limit}) заняты; не вошли: {lines}.",
    ),
    "limit.resource": (
        "{resource} at {site}: {used} of {limit} used; kept out: {lines}.",
        "{site} meydançasında {resource}: {limit} həcmindən {used} istifadə olunur; kənarda "
        "qalan: {lines}.",
        "{resource} на площадке {site}: использовано {used} из {limit}; не вошли: {lines}.",
    ),
    "limit.budget_total": (
        "The investment budget of {limit} is used up to {used}; kept out: {lines}.",
        "{limit} investisiya büdcəsindən {used} istifadə olunur; kənarda qalan: {lines}.",
        "Инвестиционный бюджет {limit} использован на {used}; не вошли: {lines}.",
    ),
    "limit.budget_period": (
        "The investment budget of {limit} in {period} is used up to {used}; kept out: "
        "{lines}.",
        "{period} dövründə {limit} investisiya büdcəsindən {used} istifadə olunur; kənarda "
        "qalan: {lines}.",
        "Инвестиционный бюджет {limit} в периоде {period} использован на {used}; не вошли: "
        "{lines}.",
    ),
    "limit.jobs_min": (
        "The minimum of {limit} jobs binds ({used} jobs): no built line can close.",
        "Minimum {limit} iş yeri tələbi məhdudlaşdırır ({used} iş yeri): tikilmiş heç bir "
        "xətt bağlana bilməz.",
        "Минимум {limit} рабочих мест ограничивает план ({used}): ни одну построенную линию "
        "нельзя закрыть.",
    ),
    "limit.lines_min": (
        "The minimum of {limit} operating lines binds ({used} lines).",
        "Minimum {limit} işləyən xətt tələbi məhdudlaşdırır ({used} xətt).",
        "Минимум {limit} работающих линий ограничивает план ({used}).",
    ),
    "limit.closest": (
        "Closest alternative: line {line} ({tech} at {site}) instead of {other} would lower "
        "net value by only {value} per year.",
        "Ən yaxın alternativ: {other} əvəzinə {line} xətti ({site}, {tech}) xalis gəliri "
        "ildə cəmi {value} azaldardı.",
        "Ближайшая альтернатива: линия {line} ({tech}, {site}) вместо {other} снизила бы "
        "чистый доход всего на {value} в год.",
    ),
    "limit.closest_add": (
        "Closest line not built: {line} ({tech} at {site}) would lower net value by "
        "{value} per year.",
        "Tikilməyən ən yaxın xətt: {line} ({site}, {tech}) xalis gəliri ildə {value} "
        "azaldardı.",
        "Ближайшая непостроенная линия: {line} ({tech}, {site}) снизила бы чистый доход на "
        "{value} в год.",
    ),
    "limit.not_binding": ("not binding", "məhdudlaşdırmır", "не ограничивает"),
    "limit.binding": ("binding", "məhdudlaşdırır", "ограничивает"),
    # kinds of limit, as a column value
    "kind.feedstock": ("Feedstock availability", "Xammal təklifi", "Доступность сырья"),
    "kind.offtake_min": ("Minimum purchase", "Minimum alış", "Минимальная закупка"),
    "kind.demand_max": ("Demand (maximum)", "Tələb (maksimum)", "Спрос (максимум)"),
    "kind.demand_min": ("Contracted minimum sales", "Müqavilə üzrə minimum satış",
                        "Договорной минимум продаж"),
    "kind.line_capacity": ("Line capacity", "Xəttin gücü", "Мощность линии"),
    "kind.lane_capacity": ("Lane capacity", "Marşrutun buraxılış qabiliyyəti",
                           "Пропускная способность маршрута"),
    "kind.recovered_min": ("Minimum recovered waste", "Minimum bərpa edilmiş tullantı",
                           "Минимум вторичного сырья"),
    "kind.local_share": ("Minimum local share", "Yerli payın minimumu",
                         "Минимальная доля местного сырья"),
    "kind.group": ("One line per group", "Qrupdan bir xətt", "Одна линия из группы"),
    "kind.site_lines": ("Line slots at site", "Meydançada xətt yerləri",
                        "Места для линий на площадке"),
    "kind.resource": ("Site resource", "Meydança resursu", "Ресурс площадки"),
    "kind.budget_total": ("Investment budget", "İnvestisiya büdcəsi",
                          "Инвестиционный бюджет"),
    "kind.budget_period": ("Investment budget in period", "Dövr üzrə investisiya büdcəsi",
                           "Инвестиционный бюджет периода"),
    "kind.jobs_min": ("Minimum jobs", "Minimum iş yerləri", "Минимум рабочих мест"),
    "kind.lines_min": ("Minimum operating lines", "Minimum işləyən xətlər",
                       "Минимум работающих линий"),
    # ---- Lines ----------------------------------------------------------------------
    "lines.intro": (
        "Every candidate line, built or not. Money and tonnes per year in {period}. Each "
        "line's revenue and costs follow its own tonnes through the chain (feedstock at "
        "the offer's price, products at the market's price, transport shared by tonnes); "
        "intermediates passed between lines are valued at their marginal value. The lines' "
        "net values plus {other} that no line can be charged with add up to the net value "
        "of {period}, {net}.",
        "Tikilən və tikilməyən bütün namizəd xətlər. Pul və tonlar {period} üzrə ildə. "
        "Hər xəttin gəlir və xərcləri öz tonlarının zəncir boyu hərəkətinə görə "
        "hesablanır (xammal təklifin qiyməti ilə, məhsul bazar qiyməti ilə, nəqliyyat "
        "tonlara görə bölünür); xətlər arasında ötürülən aralıq məhsullar marjinal "
        "dəyərlə qiymətləndirilir. Xətlərin xalis gəliri və heç bir xəttə aid edilməyən "
        "{other} birlikdə {period} dövrünün xalis gəlirinə, {net}, bərabərdir.",
        "Все возможные линии, построенные и нет. Деньги и тонны в год за {period}. "
        "Выручка и затраты каждой линии следуют за её собственными тоннами по цепочке "
        "(сырьё по цене предложения, продукция по цене рынка, транспорт пропорционально "
        "тоннам); промежуточные продукты между линиями оцениваются по предельной оценке. "
        "Чистый доход линий плюс {other}, не относимые ни к одной линии, в сумме дают "
        "чистый доход периода {period}, {net}.",
    ),
    "col.line": ("Line", "Xətt", "Линия"),
    "col.site": ("Site", "Meydança", "Площадка"),
    "col.site_name": ("Site name", "Meydançanın adı", "Название площадки"),
    "col.technology": ("Technology", "Texnologiya", "Технология"),
    "col.status": ("Status", "Status", "Статус"),
    "col.built": ("Built", "Tikilir", "Строится"),
    "col.build_period": ("Built in", "Tikilmə dövrü", "Период строительства"),
    "col.capacity": ("Capacity", "Güc", "Мощность"),
    "col.throughput": ("Throughput", "Emal həcmi", "Объём переработки"),
    "col.utilisation": ("Utilisation", "Yüklənmə", "Загрузка"),
    "col.sales_revenue": ("Sales revenue", "Satış gəliri", "Выручка от продаж"),
    "col.transfers_out": ("Sold to other lines", "Digər xətlərə ötürülən",
                          "Передано другим линиям"),
    "col.feedstock_cost": ("Feedstock cost", "Xammal xərci", "Затраты на сырьё"),
    "col.transfers_in": ("Bought from other lines", "Digər xətlərdən alınan",
                         "Получено от других линий"),
    "col.transport": ("Transport", "Nəqliyyat", "Транспорт"),
    "col.disposal": ("Disposal", "Utilizasiya", "Утилизация"),
    "col.cost_variable": ("Variable cost", "Dəyişən xərc", "Переменные затраты"),
    "col.cost_fixed": ("Fixed cost", "Sabit xərc", "Постоянные затраты"),
    "col.net_value": ("Net value", "Xalis gəlir", "Чистый доход"),
    "col.jobs": ("Jobs", "İş yerləri", "Рабочие места"),
    "col.capex": ("Capex", "Kapital qoyuluşu", "Капвложения"),
    "col.capacity_value": ("Value of 1 t more capacity", "1 t əlavə gücün dəyəri",
                           "Ценность 1 т доп. мощности"),
    "col.change": ("Change in net value at this plan", "Bu planda xalis gəlirin dəyişməsi",
                   "Изменение чистого дохода при этом плане"),
    "col.what_it_takes": ("What it would take", "Nə tələb olunur", "Что для этого нужно"),
    "note.capacity": ("Most input per year", "İldə ən çox giriş", "Наибольший вход в год"),
    "note.throughput": ("Input processed in {period}", "{period} dövründə emal olunan giriş",
                        "Переработано в периоде {period}"),
    "note.utilisation": ("Throughput / capacity", "Emal həcmi / güc",
                         "Объём переработки / мощность"),
    "note.net_value": (
        "Sales revenue + sold to other lines - feedstock - bought from other lines - "
        "transport - disposal - variable and fixed cost.",
        "Satış gəliri + digər xətlərə ötürülən - xammal - digər xətlərdən alınan - "
        "nəqliyyat - utilizasiya - dəyişən və sabit xərc.",
        "Выручка + передано другим линиям - сырьё - получено от других линий - транспорт - "
        "утилизация - переменные и постоянные затраты.",
    ),
    "note.change": (
        "Built lines: how much net value would fall per year if the line were closed, "
        "every other line kept as planned. Lines not built: the change if it were built "
        "(or swapped for the line that blocks it). Exact re-solves of the plan's LP.",
        "Tikilən xətlər: xətt bağlansa, digər xətlər plandakı kimi qalmaqla xalis gəlir "
        "ildə nə qədər azalardı. Tikilməyən xətlər: tikilsə (və ya ona mane olan xətlə "
        "əvəzlənsə) dəyişiklik. Planın xətti proqramının dəqiq yenidən həlli.",
        "Построенные линии: насколько упал бы чистый доход в год, если закрыть линию, "
        "оставив остальные как в плане. Непостроенные: изменение, если её построить (или "
        "заменить ею мешающую линию). Точный пересчёт ЛП-задачи плана.",
    ),
    "note.capacity_value": (
        "Value of one more tonne per year of capacity at this plan (0 when the line is "
        "not full).",
        "Bu planda ildə bir ton əlavə gücün dəyəri (xətt tam yüklənməyibsə 0).",
        "Ценность ещё одной тонны мощности в год при этом плане (0, если линия не "
        "загружена полностью).",
    ),
    "entry.closed": (
        "Built. Closing it would lower net value by {value} per year at this plan.",
        "Tikilir. Bağlansa, bu planda xalis gəlir ildə {value} azalardı.",
        "Строится. Её закрытие снизило бы чистый доход на {value} в год при этом плане.",
    ),
    "entry.closed_gain": (
        "Built. Closing it alone would raise net value by {value} per year at this plan; "
        "it is kept for the plan as a whole (within the solver's gap tolerance).",
        "Tikilir. Yalnız onu bağlamaq bu planda xalis gəliri ildə {value} artırardı; plan "
        "bütövlükdə onu saxlayır (həllin icazə verilən fərqi daxilində).",
        "Строится. Закрытие только её повысило бы чистый доход на {value} в год при этом "
        "плане; план в целом её сохраняет (в пределах допуска решателя).",
    ),
    "entry.required": (
        "Built, and needed: without it the plan's other limits (minimum use of lines it "
        "supplies, minimum sales, policy floors) cannot all be met.",
        "Tikilir və zəruridir: onsuz planın digər hədləri (təchiz etdiyi xətlərin minimum "
        "yüklənməsi, minimum satış, siyasət hədləri) ödənə bilməz.",
        "Строится и необходима: без неё остальные ограничения плана (минимальная загрузка "
        "снабжаемых ею линий, минимальные продажи, политические нормы) не выполнить.",
    ),
    "entry.added_loss": (
        "Not built: at this plan it would lower net value by {value} per year. Its fixed "
        "cost would need to fall by {value} per year (from {fixed} to {newfixed}) for it "
        "to enter the plan.",
        "Tikilmir: bu planda xalis gəliri ildə {value} azaldardı. Plana daxil olması üçün "
        "sabit xərci ildə {value} azalmalıdır ({fixed} əvəzinə {newfixed}).",
        "Не строится: при этом плане снизила бы чистый доход на {value} в год. Чтобы войти "
        "в план, её постоянные затраты должны снизиться на {value} в год (с {fixed} до "
        "{newfixed}).",
    ),
    "entry.added_loss_margin": (
        "Not built: at this plan it would lower net value by {value} per year, more than "
        "its fixed cost of {fixed}. Even without fixed cost it would lose money: its "
        "outputs would need to be worth {gap} more per tonne of input (or its inputs cost "
        "that much less).",
        "Tikilmir: bu planda xalis gəliri ildə {value} azaldardı, bu onun {fixed} sabit "
        "xərcindən çoxdur. Sabit xərc olmasa belə zərər verərdi: məhsulları hər ton giriş "
        "üçün {gap} baha olmalı (və ya xammalı o qədər ucuz) olmalıdır.",
        "Не строится: при этом плане снизила бы чистый доход на {value} в год, больше её "
        "постоянных затрат {fixed}. Даже без постоянных затрат она убыточна: её продукция "
        "должна стоить на {gap} дороже на тонну входа (или сырьё настолько дешевле).",
    ),
    "entry.added_gain": (
        "Not built, although at this plan it would add {value} per year: a difference "
        "within the solver's gap tolerance.",
        "Tikilmir, baxmayaraq ki, bu planda ildə {value} əlavə edərdi: fərq həllin icazə "
        "verilən dəqiqliyi daxilindədir.",
        "Не строится, хотя при этом плане добавила бы {value} в год: разница в пределах "
        "допуска решателя.",
    ),
    "entry.swapped_loss": (
        "Not built: it competes with {other} ({why}). Replacing {other} by it would lower "
        "net value by {value} per year; its fixed cost would need to fall by {value} per "
        "year (from {fixed} to {newfixed}).",
        "Tikilmir: {other} ilə rəqabət aparır ({why}). {other} əvəzinə onu tikmək xalis "
        "gəliri ildə {value} azaldardı; sabit xərci ildə {value} azalmalıdır ({fixed} "
        "əvəzinə {newfixed}).",
        "Не строится: конкурирует с {other} ({why}). Замена {other} на неё снизила бы "
        "чистый доход на {value} в год; её постоянные затраты должны снизиться на {value} "
        "в год (с {fixed} до {newfixed}).",
    ),
    "entry.swapped_loss_margin": (
        "Not built: it competes with {other} ({why}). Replacing {other} by it would lower "
        "net value by {value} per year, more than its fixed cost of {fixed}: it would need "
        "better prices, not just lower fixed cost.",
        "Tikilmir: {other} ilə rəqabət aparır ({why}). {other} əvəzinə onu tikmək xalis "
        "gəliri ildə {value} azaldardı, bu onun {fixed} sabit xərcindən çoxdur: yalnız "
        "sabit xərcin azalması deyil, daha yaxşı qiymətlər lazımdır.",
        "Не строится: конкурирует с {other} ({why}). Замена {other} на неё снизила бы "
        "чистый доход на {value} в год, больше её постоянных затрат {fixed}: нужны лучшие "
        "цены, а не только меньшие постоянные затраты.",
    ),
    "entry.swapped_gain": (
        "Not built: it competes with {other} ({why}). Replacing {other} by it would add "
        "{value} per year at this plan: a difference within the solver's gap tolerance.",
        "Tikilmir: {other} ilə rəqabət aparır ({why}). {other} əvəzinə onu tikmək bu "
        "planda ildə {value} əlavə edərdi: fərq həllin dəqiqliyi daxilindədir.",
        "Не строится: конкурирует с {other} ({why}). Замена {other} на неё добавила бы "
        "{value} в год при этом плане: разница в пределах допуска решателя.",
    ),
    "entry.blocked": (
        "Not built: there is no room ({why}), and giving up one built line does not make "
        "room.",
        "Tikilmir: yer yoxdur ({why}) və tikilmiş bir xəttdən imtina yer açmır.",
        "Не строится: места нет ({why}), и отказ от одной построенной линии места не "
        "освобождает.",
    ),
    "entry.infeasible": (
        "Not built: at this plan it could not run at its minimum utilisation with the "
        "inputs available.",
        "Tikilmir: bu planda mövcud xammalla minimum yüklənmə ilə işləyə bilməz.",
        "Не строится: при этом плане не может работать с минимальной загрузкой на "
        "доступном сырье.",
    ),
    "entry.infeasible_replan": (
        "Not built: no plan can include it. With it built, the other limits (its minimum "
        "utilisation, the budgets, site slots, policy floors) cannot all be met.",
        "Tikilmir: onu daxil edən heç bir plan yoxdur. O tikilsə, digər hədlər (onun "
        "minimum yüklənməsi, büdcələr, meydança yerləri, siyasət hədləri) birlikdə ödənə "
        "bilməz.",
        "Не строится: ни один план не может её включать. Если её построить, остальные "
        "ограничения (её минимальная загрузка, бюджеты, места на площадках, политические "
        "нормы) не выполнить одновременно.",
    ),
    "entry.not_analysed": (
        "Not analysed: the time for explanations ran out (see Run info).",
        "Təhlil edilməyib: izahlar üçün ayrılmış vaxt bitdi (Hesablama haqqında vərəqinə "
        "baxın).",
        "Не проанализирована: время на пояснения исчерпано (см. «О расчёте»).",
    ),
    "entry.excluded": ("Excluded in the input workbook.", "Giriş faylında xaric edilib.",
                       "Исключена во входной книге."),
    "entry.existing": ("Existing line: always operating.", "Mövcud xətt: həmişə işləyir.",
                       "Существующая линия: работает всегда."),
    "why.group": ("only one line of group {group} may be built",
                  "{group} qrupundan yalnız bir xətt tikilə bilər",
                  "из группы {group} можно построить только одну линию"),
    "why.site_lines": ("the line slots at {site} are full", "{site} meydançasında xətt yerləri "
                       "doludur", "места для линий на площадке {site} заняты"),
    "why.resource": ("{resource} at {site} is used up", "{site} meydançasında {resource} "
                     "tükənib", "{resource} на площадке {site} исчерпан"),
    "why.budget_total": ("the investment budget is used up", "investisiya büdcəsi tükənib",
                         "инвестиционный бюджет исчерпан"),
    "why.budget_period": ("the investment budget of {period} is used up",
                          "{period} dövrünün investisiya büdcəsi tükənib",
                          "инвестиционный бюджет периода {period} исчерпан"),
    # ---- Feedstock ------------------------------------------------------------------
    "feed.intro": (
        "Feedstock use against availability, by offer and period, per year. Value of one "
        "more tonne: what one more tonne of the offer would add at this plan (0 when the "
        "offer is not fully used).",
        "Təklif və dövr üzrə xammalın istifadəsi və mövcudluğu, ildə. Əlavə bir tonun "
        "dəyəri: təklifin əlavə bir tonu bu planda nə qədər qazandırardı (təklif tam "
        "istifadə olunmursa 0).",
        "Использование сырья в сравнении с доступностью, по предложениям и периодам, в "
        "год. Ценность ещё одной тонны: сколько добавила бы ещё одна тонна предложения при "
        "этом плане (0, если предложение использовано не полностью).",
    ),
    "col.offer": ("Offer", "Təklif", "Предложение"),
    "col.material": ("Material", "Material", "Материал"),
    "col.material_name": ("Material name", "Materialın adı", "Название материала"),
    "col.location": ("Location", "Yer", "Место"),
    "col.period": ("Period", "Dövr", "Период"),
    "col.used": ("Used", "İstifadə olunub", "Использовано"),
    "col.available": ("Available", "Mövcuddur", "Доступно"),
    "col.share_used": ("Share used", "İstifadə payı", "Доля использования"),
    "col.offtake_min": ("Minimum purchase", "Minimum alış", "Минимальная закупка"),
    "col.price": ("Price", "Qiymət", "Цена"),
    "col.cost": ("Cost", "Xərc", "Затраты"),
    "col.local": ("Local", "Yerli", "Местное"),
    "col.recovered": ("Recovered waste", "Bərpa edilmiş tullantı", "Вторичное сырьё"),
    "col.value_more_t": ("Value of one more tonne", "Əlavə bir tonun dəyəri",
                         "Ценность ещё одной тонны"),
    "note.available": ("Blank = unlimited", "Boş = limitsiz", "Пусто = без ограничения"),
    "feed.matrix_title": (
        "Where the feedstock went: tonnes from each offer to each line, {period}",
        "Xammal hara getdi: hər təklifdən hər xəttə ton, {period}",
        "Куда пошло сырьё: тонны от каждого предложения к каждой линии, {period}",
    ),
    "feed.matrix_note": (
        "Traced through the lanes in proportion to tonnes. The total of each offer equals "
        "the tonnes used in the table above.",
        "Marşrutlar üzrə tonlara mütənasib izlənib. Hər təklifin cəmi yuxarıdakı cədvəldə "
        "istifadə olunan tonlara bərabərdir.",
        "Прослежено по маршрутам пропорционально тоннам. Итог по каждому предложению равен "
        "использованным тоннам в таблице выше.",
    ),
    "feed.unprocessed": ("Sold or disposed of unprocessed", "Emalsız satılıb və ya "
                         "utilizasiya olunub", "Продано или утилизировано без переработки"),
    "feed.chart": ("Feedstock use against availability, {period}",
                   "Xammalın istifadəsi və mövcudluğu, {period}",
                   "Использование и доступность сырья, {period}"),
    # ---- Flows ----------------------------------------------------------------------
    "flows.intro": (
        "Every transport lane used, with material, tonnes per year and cost. Lanes with a "
        "capacity show how full they are (all materials together) and what one more tonne "
        "of capacity would add at this plan.",
        "İstifadə olunan bütün nəqliyyat marşrutları: material, ildə ton və xərc. "
        "Buraxılış qabiliyyəti olan marşrutlarda doluluq (bütün materiallar birlikdə) və "
        "əlavə bir ton qabiliyyətin bu planda dəyəri göstərilir.",
        "Все используемые транспортные маршруты: материал, тонны в год и затраты. Для "
        "маршрутов с ограниченной пропускной способностью показаны загрузка (все "
        "материалы вместе) и ценность ещё одной тонны при этом плане.",
    ),
    "col.lane": ("Lane", "Marşrut", "Маршрут"),
    "col.from": ("From", "Haradan", "Откуда"),
    "col.to": ("To", "Haraya", "Куда"),
    "col.mode": ("Mode", "Nəqliyyat növü", "Вид транспорта"),
    "col.tonnes": ("Tonnes", "Ton", "Тонны"),
    "col.cost_per_t": ("Cost per t", "1 t üçün xərc", "Затраты на 1 т"),
    "col.lane_capacity": ("Lane capacity", "Buraxılış qabiliyyəti", "Пропускная способность"),
    "col.lane_utilisation": ("Lane utilisation", "Marşrutun doluluğu", "Загрузка маршрута"),
    "col.lane_value": ("Value of 1 t more lane capacity", "1 t əlavə qabiliyyətin dəyəri",
                       "Ценность 1 т доп. пропускной способности"),
    "note.cost_per_t": ("Freight x volume factor + surcharge",
                        "Fraxt x həcm əmsalı + əlavə ödəniş",
                        "Фрахт x объёмный коэффициент + надбавка"),
    "flows.none": ("No lane is used.", "Heç bir marşrut istifadə olunmur.",
                   "Ни один маршрут не используется."),
    # ---- Markets --------------------------------------------------------------------
    "markets.intro": (
        "Sales against minimum and maximum demand by product, market and period, with "
        "price and revenue per year. Value of one more tonne of demand: what it would add "
        "at this plan (0 unless the market is saturated).",
        "Məhsul, bazar və dövr üzrə satışlar minimum və maksimum tələblə müqayisədə, "
        "qiymət və illik gəlirlə. Əlavə bir ton tələbin dəyəri: bu planda nə qədər "
        "qazandırardı (bazar doymayıbsa 0).",
        "Продажи в сравнении с минимальным и максимальным спросом по продуктам, рынкам и "
        "периодам, с ценой и выручкой в год. Ценность ещё одной тонны спроса: сколько она "
        "добавила бы при этом плане (0, если рынок не насыщен).",
    ),
    "col.market": ("Market", "Bazar", "Рынок"),
    "col.market_name": ("Market name", "Bazarın adı", "Название рынка"),
    "col.product": ("Product", "Məhsul", "Продукт"),
    "col.sold": ("Sold", "Satılıb", "Продано"),
    "col.minimum": ("Minimum", "Minimum", "Минимум"),
    "col.maximum": ("Maximum", "Maksimum", "Максимум"),
    "col.share_of_max": ("Share of maximum", "Maksimumdan pay", "Доля от максимума"),
    "col.revenue": ("Revenue", "Gəlir", "Выручка"),
    "col.demand_value": ("Value of one more tonne of demand", "Əlavə bir ton tələbin dəyəri",
                         "Ценность ещё одной тонны спроса"),
    "col.market_state": ("Demand", "Tələb", "Спрос"),
    "market.saturated": ("saturated", "doymuşdur", "насыщен"),
    "market.at_min": ("at contracted minimum", "müqavilə minimumundadır",
                      "на договорном минимуме"),
    "market.not_served": ("not served", "təchiz edilmir", "не обслуживается"),
    "market.open": ("room left", "yer var", "есть резерв"),
    "note.maximum": ("Absorptive maximum; blank = unlimited", "Udma maksimumu; boş = limitsiz",
                     "Ёмкость рынка; пусто = без ограничения"),
    "markets.chart": ("Revenue by market, {period}", "Bazarlar üzrə gəlir, {period}",
                      "Выручка по рынкам, {period}"),
    # ---- Sites ----------------------------------------------------------------------
    "sites.intro": (
        "Lines built at each site, and the use of each shared limit (line slots, "
        "resources) against what the site has, per period.",
        "Hər meydançada tikilən xətlər və hər ortaq həddin (xətt yerləri, resurslar) dövr "
        "üzrə istifadəsi.",
        "Линии, построенные на каждой площадке, и использование общих ограничений (места "
        "для линий, ресурсы) по периодам.",
    ),
    "col.lines_built": ("Lines built", "Tikilən xətlər", "Построено линий"),
    "col.lines_candidates": ("Candidate lines", "Namizəd xətlər", "Возможные линии"),
    "col.lines_max": ("Line limit", "Xətt limiti", "Лимит линий"),
    "col.resource": ("Resource", "Resurs", "Ресурс"),
    "col.unit": ("Unit", "Vahid", "Единица"),
    "col.binding": ("Binding", "Məhdudlaşdırır", "Ограничивает"),
    "col.built_lines": ("Which lines", "Hansı xətlər", "Какие линии"),
    "sites.resources_title": ("Shared limits at each site", "Meydançaların ortaq hədləri",
                              "Общие ограничения площадок"),
    "sites.line_slots": ("line slots", "xətt yerləri", "места для линий"),
    "sites.no_limits": ("No site has a line limit or a shared resource.",
                        "Heç bir meydançanın xətt limiti və ya ortaq resursu yoxdur.",
                        "Ни у одной площадки нет лимита линий или общего ресурса."),
    # ---- Value chain ----------------------------------------------------------------
    "chain.intro": (
        "The plan as pictures, for {period}. Top: tonnes per year from feedstock offers "
        "through lines and products to markets (band widths in proportion to tonnes). "
        "Below: sources, sites and markets at their coordinates with the lanes used, line "
        "width in proportion to tonnes. Both are also saved as PNG files next to this "
        "workbook. The tables below hold every number drawn; they match the Flows and "
        "Markets sheets.",
        "Plan şəkillərdə, {period}. Yuxarıda: xammal təkliflərindən xətlər və məhsullar "
        "vasitəsilə bazarlara ildə ton (zolaqların eni tonlara mütənasibdir). Aşağıda: "
        "mənbələr, meydançalar və bazarlar öz koordinatlarında, istifadə olunan "
        "marşrutlarla, xəttin qalınlığı tonlara mütənasibdir. Hər ikisi bu faylın yanında "
        "PNG kimi saxlanılıb. Aşağıdakı cədvəllərdə çəkilən bütün rəqəmlər var; onlar "
        "Daşımalar və Bazarlar vərəqlərinə uyğundur.",
        "План в картинках, {period}. Вверху: тонны в год от предложений сырья через линии "
        "и продукты к рынкам (ширина потоков пропорциональна тоннам). Ниже: источники, "
        "площадки и рынки по координатам с используемыми маршрутами, толщина линий "
        "пропорциональна тоннам. Оба рисунка также сохранены как PNG рядом с книгой. В "
        "таблицах ниже — все нарисованные числа; они совпадают с листами «Перевозки» и "
        "«Рынки».",
    ),
    "chain.sankey_table": ("Sankey bands (t/yr)", "Sankey zolaqları (t/il)",
                           "Потоки диаграммы Санки (т/год)"),
    "chain.map_table": ("Map lines (t/yr)", "Xəritə xətləri (t/il)", "Линии карты (т/год)"),
    "chain.kind": ("Stage", "Mərhələ", "Этап"),
    "chain.stage.feed": ("feedstock to line", "xammal - xətt", "сырьё - линия"),
    "chain.stage.internal": ("between lines", "xətlər arası", "между линиями"),
    "chain.stage.make": ("line to product", "xətt - məhsul", "линия - продукт"),
    "chain.stage.sell": ("product to market", "məhsul - bazar", "продукт - рынок"),
    "chain.stage.direct": ("sold unprocessed", "emalsız satılıb", "продано без переработки"),
    "chain.stage.dispose": ("disposed of", "utilizasiya", "утилизация"),
    "chain.stage.other": ("to other lines", "digər xətlərə", "другим линиям"),
    "chain.map_missing": (
        "The map is left out: no coordinates for {places}. Add latitude and longitude on "
        "the Sites and Locations sheets of the input workbook.",
        "Xəritə verilmir: {places} üçün koordinat yoxdur. Giriş faylının Sites və "
        "Locations vərəqlərində enlik və uzunluq əlavə edin.",
        "Карта не построена: нет координат для {places}. Добавьте широту и долготу на "
        "листах Sites и Locations входной книги.",
    ),
    "chain.no_flows": ("Nothing flows in this plan.", "Bu planda heç bir axın yoxdur.",
                       "В этом плане нет потоков."),
    "fig.sankey_title": ("From feedstock to markets, {period} (t/yr)",
                         "Xammaldan bazarlara, {period} (t/il)",
                         "От сырья к рынкам, {period} (т/год)"),
    "fig.col_feed": ("Feedstock offers", "Xammal təklifləri", "Предложения сырья"),
    "fig.col_lines": ("Lines", "Xətlər", "Линии"),
    "fig.col_products": ("Products", "Məhsullar", "Продукты"),
    "fig.col_markets": ("Markets and other uses", "Bazarlar və digər istifadə",
                        "Рынки и другое использование"),
    "fig.made_here": ("{material} (made in the cluster)", "{material} (klasterdə istehsal)",
                      "{material} (сделано в кластере)"),
    "fig.to_lines": ("Used by other lines", "Digər xətlərdə istifadə",
                     "Используется другими линиями"),
    "fig.disposed": ("Disposed of", "Utilizasiya", "Утилизация"),
    "fig.offers": ("{material} ({n} offers)", "{material} ({n} təklif)",
                   "{material} (предложений: {n})"),
    "fig.site_lines": ("{site}: {n} lines", "{site}: {n} xətt", "{site}: линий {n}"),
    "fig.other_0": ("{n} other feedstocks", "{n} digər xammal", "Другое сырьё: {n}"),
    "fig.other_1": ("{n} other lines or sites", "{n} digər xətt və ya meydança",
                    "Другие линии или площадки: {n}"),
    "fig.other_2": ("{n} other products", "{n} digər məhsul", "Другие продукты: {n}"),
    "fig.other_3": ("{n} other markets", "{n} digər bazar", "Другие рынки: {n}"),
    "fig.map_title": ("Sources, sites, markets and flows, {period} (t/yr)",
                      "Mənbələr, meydançalar, bazarlar və axınlar, {period} (t/il)",
                      "Источники, площадки, рынки и потоки, {period} (т/год)"),
    "fig.legend_source": ("Feedstock source", "Xammal mənbəyi", "Источник сырья"),
    "fig.legend_site": ("Industrial site", "Sənaye meydançası", "Промышленная площадка"),
    "fig.legend_market": ("Market", "Bazar", "Рынок"),
    "fig.legend_flow": ("Flow, width in proportion to t/yr", "Axın, eni t/il ilə mütənasib",
                        "Поток, толщина пропорциональна т/год"),
    "fig.map_note": ("Positions from the workbook's coordinates; coastlines and borders: "
                     "Natural Earth (public domain).",
                     "Mövqelər faylın koordinatlarından; sahil xətləri və sərhədlər: "
                     "Natural Earth (ictimai mülkiyyət).",
                     "Положения по координатам книги; береговые линии и границы: "
                     "Natural Earth (общественное достояние)."),
    "fig.map_note_none": ("Positions from the workbook's coordinates; no base map for this "
                          "region.",
                          "Mövqelər faylın koordinatlarından; bu region üçün əsas xəritə "
                          "yoxdur.",
                          "Положения по координатам книги; для этого региона подложки нет."),
    "fig.inset": ("Detail around the sites", "Meydançalar ətrafında ətraflı",
                  "Подробно вокруг площадок"),
    "fig.latitude": ("latitude", "enlik", "широта"),
    "fig.longitude": ("longitude", "uzunluq", "долгота"),
    # ---- Marginal values --------------------------------------------------------------
    "marginal.intro": (
        "Every limit of the plan, how full it is, and the value of one more unit at this "
        "plan: the change in net value per year if the limit were one unit looser (one "
        "more tonne of feedstock, capacity, demand or lane capacity; one tonne or one "
        "percentage point less required by a minimum), with every build decision held at "
        "the chosen plan. It comes from the linear program with the build decisions "
        "fixed, and holds for small changes. Limits on which lines may be built (groups, "
        "line slots, resources, budgets, minimum jobs or lines) have no value per unit at "
        "a fixed plan; their rows name the lines they keep out, and the Lines sheet says "
        "what each of those would change.",
        "Planın bütün hədləri, onların doluluğu və bu planda əlavə bir vahidin dəyəri: hədd "
        "bir vahid yumşaq olsaydı (bir ton əlavə xammal, güc, tələb və ya marşrut "
        "qabiliyyəti; minimum tələbdən bir ton və ya bir faiz bəndi az), bütün tikinti "
        "qərarları seçilmiş planda saxlanılmaqla xalis gəlirin illik dəyişməsi. Tikinti "
        "qərarları sabitlənmiş xətti proqramdan alınır və kiçik dəyişikliklər üçün "
        "doğrudur. Hansı xətlərin tikilə biləcəyinə dair hədlərin (qruplar, xətt yerləri, "
        "resurslar, büdcələr, minimum iş yeri və ya xətt) sabit planda vahid dəyəri yoxdur; "
        "onların sətirlərində kənarda qalan xətlər göstərilir, Xətlər vərəqi isə onların "
        "hər birinin nəyi dəyişəcəyini deyir.",
        "Все ограничения плана, их заполнение и ценность ещё одной единицы при этом плане: "
        "изменение чистого дохода в год, если ограничение ослабить на одну единицу (ещё "
        "тонна сырья, мощности, спроса или пропускной способности; на тонну или "
        "процентный пункт меньше по минимуму), при всех решениях о строительстве, "
        "зафиксированных на выбранном плане. Получено из линейной задачи с "
        "зафиксированными решениями о строительстве и верно для малых изменений. "
        "Ограничения на то, какие линии строить (группы, места, ресурсы, бюджеты, минимум "
        "рабочих мест или линий), не имеют ценности за единицу при фиксированном плане; в "
        "их строках названы линии, которые они не пускают, а лист «Линии» показывает, что "
        "изменила бы каждая из них.",
    ),
    "col.limit_kind": ("Limit", "Hədd", "Ограничение"),
    "col.item": ("Item", "Obyekt", "Объект"),
    "col.limit": ("Limit value", "Həddin qiyməti", "Значение ограничения"),
    "col.value_unit": ("Value of one more unit at this plan",
                       "Bu planda əlavə bir vahidin dəyəri",
                       "Ценность ещё одной единицы при этом плане"),
    "col.per": ("Per", "Vahid", "За"),
    "col.explanation": ("Explanation", "İzah", "Пояснение"),
    "marginal.per_build": ("(build limit: see Lines)", "(tikinti həddi: Xətlər vərəqinə "
                           "baxın)", "(ограничение на строительство: см. «Линии»)"),
    "marginal.slack": ("{used} of {limit} used; not binding.",
                       "{limit} həddindən {used} istifadə olunur; məhdudlaşdırmır.",
                       "использовано {used} из {limit}; не ограничивает."),
    "marginal.slack_min": ("{used} against a minimum of {limit}; not binding.",
                           "{limit} minimumuna qarşı {used}; məhdudlaşdırmır.",
                           "{used} при минимуме {limit}; не ограничивает."),
    "marginal.group_free": ("Group {group}: {used} of 1 line built.",
                            "{group} qrupu: 1 xətdən {used} tikilir.",
                            "Группа {group}: построено {used} из 1."),
    # ---- Assumptions ----------------------------------------------------------------
    "assume.intro": (
        "The key inputs of this run, echoed from the input workbook so that these results "
        "stand alone. The full input is the workbook named on Run info (its SHA-256 "
        "identifies it).",
        "Bu hesablamanın əsas giriş məlumatları giriş faylından təkrarlanır ki, nəticələr "
        "müstəqil oxunsun. Tam giriş məlumatı Hesablama haqqında vərəqində adı çəkilən "
        "fayldır (SHA-256 onu müəyyən edir).",
        "Основные входные данные этого расчёта, повторённые из входной книги, чтобы "
        "результаты читались самостоятельно. Полные данные — в книге, указанной на листе "
        "«О расчёте» (её определяет SHA-256).",
    ),
    "assume.settings": ("Settings", "Parametrlər", "Параметры"),
    "assume.periods": ("Periods", "Dövrlər", "Периоды"),
    "assume.offers": ("Feedstock offers", "Xammal təklifləri", "Предложения сырья"),
    "assume.lines": ("Candidate lines", "Namizəd xətlər", "Возможные линии"),
    "assume.markets": ("Markets", "Bazarlar", "Рынки"),
    "assume.lanes": ("Transport lanes", "Nəqliyyat marşrutları", "Транспортные маршруты"),
    "assume.only_used": (
        "{title}: the {shown} the plan uses, of {total} (all are in the input workbook)",
        "{title}: planın istifadə etdiyi {shown}, cəmi {total} (hamısı giriş faylındadır)",
        "{title}: {shown}, используемые планом, из {total} (все есть во входной книге)"),
    "assume.policy": ("Budget and policy limits", "Büdcə və siyasət hədləri",
                      "Бюджетные и политические ограничения"),
    "assume.resources": ("Site limits", "Meydança hədləri", "Ограничения площадок"),
    "assume.no_policy": ("No budget or policy limit is active.",
                         "Heç bir büdcə və ya siyasət həddi aktiv deyil.",
                         "Нет активных бюджетных или политических ограничений."),
    "col.setting": ("Setting", "Parametr", "Параметр"),
    "col.years": ("Years", "İllər", "Годы"),
    "col.weight": ("Discount weight", "Diskont çəkisi", "Вес дисконтирования"),
    "col.capex_line": ("Capex", "Kapital qoyuluşu", "Капвложения"),
    "col.util_min": ("Minimum utilisation", "Minimum yüklənmə", "Минимальная загрузка"),
    "col.group": ("Group", "Qrup", "Группа"),
    "col.name": ("Name", "Ad", "Название"),
    "col.distance": ("Cost per t (pellets)", "1 t üçün xərc (qranul)",
                     "Затраты на 1 т (гранулы)"),
    "col.policy": ("Limit", "Hədd", "Ограничение"),
    "setting.case_name": ("Case", "Ssenari", "Сценарий"),
    "setting.currency": ("Currency", "Valyuta", "Валюта"),
    "setting.discount_rate": ("Discount rate", "Diskont dərəcəsi", "Ставка дисконтирования"),
    "setting.time_limit": ("Time limit (s)", "Vaxt limiti (san)", "Предел времени (с)"),
    "setting.mip_gap": ("Relative gap tolerance", "Nisbi fərq dözümlülüyü",
                        "Допустимый относительный разрыв"),
    "setting.threads": ("Threads (0 = solver's choice)", "Axınlar (0 = həlledicinin seçimi)",
                        "Потоки (0 = выбор решателя)"),
    # ---- Run info -------------------------------------------------------------------
    "run.item": ("Item", "Göstərici", "Показатель"),
    "run.value": ("Value", "Dəyər", "Значение"),
    "run.input_file": ("Input file", "Giriş faylı", "Входной файл"),
    "run.sha": ("Input SHA-256", "Giriş faylının SHA-256", "SHA-256 входного файла"),
    "run.started": ("Started", "Başlanğıc", "Начало"),
    "run.finished": ("Finished", "Son", "Окончание"),
    "run.solver": ("Solver", "Həlledici", "Решатель"),
    "run.termination": ("Solver termination", "Həllin bitmə səbəbi",
                        "Причина остановки решателя"),
    "run.status": ("Status", "Status", "Статус"),
    "run.status_words": ("Status in words", "Statusun izahı", "Статус словами"),
    "run.time_limit": ("Time limit (s)", "Vaxt limiti (san)", "Предел времени (с)"),
    "run.gap_tol": ("Relative gap tolerance", "Nisbi fərq dözümlülüyü",
                    "Допустимый относительный разрыв"),
    "run.threads": ("Threads (0 = solver's choice)", "Axınlar (0 = həlledicinin seçimi)",
                    "Потоки (0 = выбор решателя)"),
    "run.objective": ("Objective", "Məqsəd funksiyası", "Целевая функция"),
    "run.bound": ("Bound", "Sərhəd", "Граница"),
    "run.gap": ("Gap", "Fərq", "Разрыв"),
    "run.phase": ("Time: {phase} (s)", "Vaxt: {phase} (san)", "Время: {phase} (с)"),
    "run.version": ("Version: {name}", "Versiya: {name}", "Версия: {name}"),
    "run.language": ("Language", "Dil", "Язык"),
    "run.explain": ("Explanations", "İzahlar", "Пояснения"),
    "run.explain_ok": ("marginal values and line analysis complete",
                       "marjinal dəyərlər və xətt təhlili tamamlanıb",
                       "предельные оценки и анализ линий выполнены"),
    "run.explain_skipped": ("{n} line(s) not analysed: time for explanations ran out",
                            "{n} xətt təhlil edilməyib: izahlar üçün vaxt bitdi",
                            "не проанализировано линий: {n} — время на пояснения исчерпано"),
    "run.explain_cut": (
        "Explanations were cut short by the time limit: {n} line(s) have no 'what it would "
        "take' analysis (the plan itself is complete). Rerun with a longer --time-limit "
        "for the full analysis.",
        "İzahlar vaxt limiti ilə yarımçıq qaldı: {n} xətt üçün 'nə lazımdır' təhlili yoxdur "
        "(planın özü tamdır). Tam təhlil üçün daha uzun --time-limit ilə yenidən işə salın.",
        "Пояснения прерваны лимитом времени: для {n} линий нет анализа «что для этого "
        "нужно» (сам план полный). Для полного анализа запустите с большим --time-limit."),
    "run.replan_skipped": (
        "{n} line(s) state a bound ('at most') instead of a re-planned figure: the time "
        "aimed at for re-plans ran out",
        "{n} xətt yenidən planlaşdırılmış rəqəm əvəzinə hədd ('ən çoxu') göstərir: "
        "yenidən planlaşdırma üçün ayrılan vaxt bitdi",
        "линий с границей («не более») вместо пересчитанного плана: {n} — время, "
        "отведённое на пересчёт, исчерпано"),
    "run.explain_failed": ("marginal values unavailable: the LP at the plan did not solve",
                           "marjinal dəyərlər yoxdur: planın xətti proqramı həll olunmadı",
                           "предельные оценки недоступны: ЛП-задача плана не решена"),
    "run.warm_start": ("Warm start", "İlkin plan", "Начальный план"),
    # ---- Issues ---------------------------------------------------------------------
    "issues.severity": ("Severity", "Ciddilik", "Важность"),
    "issues.sheet": ("Sheet", "Vərəq", "Лист"),
    "issues.cell": ("Cell", "Xana", "Ячейка"),
    "issues.column": ("Column", "Sütun", "Столбец"),
    "issues.value": ("Value", "Dəyər", "Значение"),
    "issues.message": ("Message", "Məlumat", "Сообщение"),
    "issues.none": ("No validation warnings; the independent check passed.",
                    "Yoxlama xəbərdarlığı yoxdur; müstəqil yoxlama keçdi.",
                    "Предупреждений проверки нет; независимая проверка пройдена."),
    "issues.result_check": ("(result check)", "(nəticənin yoxlanması)",
                            "(проверка результата)"),
    "issues.report": ("(results report)", "(nəticə hesabatı)", "(отчёт о результатах)"),
    "severity.error": ("error", "xəta", "ошибка"),
    "severity.warning": ("warning", "xəbərdarlıq", "предупреждение"),
    "severity.info": ("info", "məlumat", "информация"),
    # ---- Changes (nightly runs) -------------------------------------------------------
    "changes.intro": ("What changed in the input since the previous run.",
                      "Əvvəlki hesablamadan sonra giriş məlumatlarında nə dəyişib.",
                      "Что изменилось во входных данных с предыдущего расчёта."),
    "changes.kind": ("Change", "Dəyişiklik", "Изменение"),
    "changes.row": ("Row", "Sətir", "Строка"),
    "changes.old": ("Before", "Əvvəl", "Было"),
    "changes.new": ("Now", "İndi", "Стало"),
    "changes.none": ("No change.", "Dəyişiklik yoxdur.", "Изменений нет."),
    # ---- charts ---------------------------------------------------------------------
    "chart.net_by_line": ("Net value by line, {period}", "Xətlər üzrə xalis gəlir, {period}",
                          "Чистый доход по линиям, {period}"),
    "chart.costs": ("Revenue and costs by kind, {period}",
                    "Gəlir və növlər üzrə xərclər, {period}",
                    "Выручка и затраты по видам, {period}"),
    "chart.costs_revenue": ("Revenue", "Gəlir", "Выручка"),
    "chart.costs_costs": ("Costs", "Xərclər", "Затраты"),
    "chart.costs_net": ("Net value", "Xalis gəlir", "Чистый доход"),
    "chart.sales": ("Sales by market, {period}", "Bazarlar üzrə satış, {period}",
                    "Продажи по рынкам, {period}"),
    "chart.used": ("Used", "İstifadə olunub", "Использовано"),
    "chart.available": ("Available", "Mövcuddur", "Доступно"),
    "chart.other_lines": ("{n} other lines", "digər {n} xətt", "другие линии ({n})"),
    "chart.other": ("Not attributable to a line", "Xəttə aid edilməyən",
                    "Не относится к линиям"),
    # ---- issue 9: figures from re-planning (MILP re-solves) -----------------------------
    "col.replan": ("Change in net value, re-planned", "Xalis gəlirin dəyişməsi, yenidən "
                   "planlaşdırılmış", "Изменение чистого дохода, с пересчётом плана"),
    "note.replan": (
        "Built lines: the change in net value per year if the line is closed and the rest "
        "of the plan is re-optimised (a full re-solve). Lines not built: the change if it "
        "must be built, everything else re-optimised. Blank: not computed in time (the "
        "sentence then gives a bound).",
        "Tikilən xətlər: xətt bağlanıb planın qalanı yenidən optimallaşdırılsa xalis "
        "gəlirin illik dəyişməsi (tam yenidən həll). Tikilməyən xətlər: tikilməsi məcburi "
        "olsa dəyişiklik. Boş: vaxtında hesablanmayıb (cümlə onda həddi göstərir).",
        "Построенные линии: изменение чистого дохода в год, если линию закрыть и "
        "пересчитать остальной план (полное решение заново). Непостроенные: изменение, "
        "если её обязательно построить. Пусто: не рассчитано вовремя (тогда в тексте "
        "дана оценка).",
    ),
    "note.transfers": (
        "Sales to and purchases from other lines are valued at internal (marginal) prices, "
        "so a line that supplies others can show a negative net value while closing it "
        "lowers the total: read the column 'Change in net value, re-planned' before "
        "closing a line.",
        "Digər xətlərə satış və onlardan alış daxili (marjinal) qiymətlərlə "
        "qiymətləndirilir; ona görə digərlərini təchiz edən xəttin xalis gəliri mənfi "
        "görünə bilər, halbuki onu bağlamaq ümumi gəliri azaldır: xətti bağlamazdan əvvəl "
        "'Xalis gəlirin dəyişməsi, yenidən planlaşdırılmış' sütununa baxın.",
        "Поставки другим линиям и закупки у них оценены по внутренним (маржинальным) ценам, "
        "поэтому линия, снабжающая другие, может показывать отрицательный чистый доход, "
        "хотя её закрытие снижает итог: перед закрытием линии смотрите столбец "
        "«Изменение чистого дохода, с пересчётом плана».",
    ),
    "entry.closed_replan": (
        "Built. Closing it would lower net value by {value} per year, with the rest of the "
        "plan re-optimised without it.",
        "Tikilir. Bağlansa, planın qalanı onsuz yenidən optimallaşdırılmaqla xalis gəlir "
        "ildə {value} azalardı.",
        "Строится. Её закрытие снизило бы чистый доход на {value} в год, с пересчётом "
        "остального плана без неё.",
    ),
    "entry.closed_replan_bound": (
        "Built. Closing it would lower net value by at most {value} per year: the re-solve "
        "without it stopped at the time limit, so a better plan without it may exist.",
        "Tikilir. Bağlansa, xalis gəlir ildə ən çoxu {value} azalardı: onsuz yenidən həll "
        "vaxt həddində dayandı, daha yaxşı plan ola bilər.",
        "Строится. Её закрытие снизило бы чистый доход не более чем на {value} в год: "
        "пересчёт без неё остановлен по времени, лучший план без неё возможен.",
    ),
    "entry.closed_held_bound": (
        "Built. Closing it would lower net value by at most {value} per year (the figure "
        "with every other line held; re-planning without it was not computed in time and "
        "can only lose less).",
        "Tikilir. Bağlansa, xalis gəlir ildə ən çoxu {value} azalardı (digər xətlər "
        "saxlanılmaqla; onsuz yenidən planlaşdırma vaxtında hesablanmadı və yalnız daha az "
        "itki verə bilər).",
        "Строится. Её закрытие снизило бы чистый доход не более чем на {value} в год (при "
        "неизменных остальных линиях; пересчёт плана без неё не успел и может дать только "
        "меньшую потерю).",
    ),
    "entry.closed_replan_gain": (
        "Built. Closing it and re-planning would raise net value by {value} per year, "
        "within the solver's gap tolerance.",
        "Tikilir. Bağlayıb yenidən planlaşdırmaq xalis gəliri ildə {value} artırardı, həllin "
        "icazə verilən fərqi daxilində.",
        "Строится. Закрытие с пересчётом плана повысило бы чистый доход на {value} в год, "
        "в пределах допуска решателя.",
    ),
    "entry.required_held": (
        "Built. With every other line held, the plan cannot do without it; whether a "
        "re-planned set of lines could was not computed in time.",
        "Tikilir. Digər xətlər saxlanılsa, plan onsuz keçinə bilməz; yenidən "
        "planlaşdırılmış xətlər dəstinin keçinə biləcəyi vaxtında hesablanmadı.",
        "Строится. При неизменных остальных линиях план без неё невозможен; может ли "
        "обойтись пересчитанный набор линий, не успели рассчитать.",
    ),
    "entry.added_replan": (
        "Not built: the best plan that includes it is worth {value} per year less (the "
        "rest of the plan re-optimised{swap}). Its fixed cost would need to fall by more "
        "than {value} per year (from {fixed} to below {newfixed}) for it to enter.",
        "Tikilmir: onu daxil edən ən yaxşı plan ildə {value} az gəlir verir (planın qalanı "
        "yenidən optimallaşdırılıb{swap}). Plana daxil olması üçün sabit xərci ildə {value} "
        "məbləğindən çox azalmalıdır ({fixed} əvəzinə {newfixed} məbləğindən aşağı).",
        "Не строится: лучший план с ней дает на {value} в год меньше (остальной план "
        "пересчитан{swap}). Чтобы она вошла в план, её постоянные затраты должны снизиться "
        "более чем на {value} в год (с {fixed} до менее {newfixed}).",
    ),
    "entry.added_replan_margin": (
        "Not built: the best plan that includes it is worth {value} per year less (the "
        "rest of the plan re-optimised{swap}), more than its fixed cost of {fixed}: it "
        "would need better prices, not just lower fixed cost.",
        "Tikilmir: onu daxil edən ən yaxşı plan ildə {value} az gəlir verir (planın qalanı "
        "yenidən optimallaşdırılıb{swap}), bu onun {fixed} sabit xərcindən çoxdur: daha "
        "yaxşı qiymətlər lazımdır.",
        "Не строится: лучший план с ней дает на {value} в год меньше (остальной план "
        "пересчитан{swap}), больше её постоянных затрат {fixed}: нужны лучшие цены, а не "
        "только меньшие постоянные затраты.",
    ),
    "entry.added_bound": (
        "Not built: a plan that includes it is worth at most {value} per year less{swap}; "
        "the best such plan was not found in the time allowed, so its fixed cost would need "
        "to fall by at most {value} per year for it to enter.",
        "Tikilmir: onu daxil edən plan ildə ən çoxu {value} az gəlir verir{swap}; ən yaxşı "
        "belə plan ayrılmış vaxtda tapılmadı, ona görə sabit xərci ildə ən çoxu {value} "
        "azalmalıdır.",
        "Не строится: план с ней дает не более чем на {value} в год меньше{swap}; лучший "
        "такой план не найден за отведённое время, поэтому её постоянные затраты должны "
        "снизиться не более чем на {value} в год.",
    ),
    "entry.swap_note": (", giving up {other}", ", {other} əvəzinə", ", вместо {other}"),
    "entry.no_outlet": (
        "Not built: it makes {materials}, which has no market, no line that takes it and "
        "no disposal cost, so it cannot run (see the warning on the Issues sheet).",
        "Tikilmir: {materials} istehsal edir, onun nə bazarı, nə onu alan xətti, nə də "
        "utilizasiya xərci var, ona görə işləyə bilməz (Problemlər vərəqindəki xəbərdarlığa "
        "baxın).",
        "Не строится: она производит {materials}, для которого нет ни рынка, ни линии-"
        "потребителя, ни стоимости утилизации, поэтому работать не может (см. "
        "предупреждение на листе «Замечания»).",
    ),
    "col.value_tighter": ("Loss for one unit tighter", "Bir vahid sərt olduqda itki",
                          "Потеря при ужесточении на единицу"),
    "note.value_looser": (
        "Change in net value per year if the limit is loosened by one unit, every line "
        "kept as planned (a re-solve).",
        "Hədd bir vahid yumşaldılsa, xətlər plandakı kimi qalmaqla xalis gəlirin illik "
        "dəyişməsi (yenidən həll).",
        "Изменение чистого дохода в год при ослаблении ограничения на единицу, линии как в "
        "плане (пересчёт).",
    ),
    "note.value_tighter": (
        "Loss of net value per year if the limit is tightened by one unit (a re-solve). "
        "When it differs from the value of one unit looser, another limit binds at the "
        "same point (a tie).",
        "Hədd bir vahid sərtləşdirilsə xalis gəlirin illik itkisi (yenidən həll). Bir "
        "vahid yumşaldılmanın dəyərindən fərqlidirsə, eyni nöqtədə başqa hədd də "
        "məhdudlaşdırır.",
        "Потеря чистого дохода в год при ужесточении ограничения на единицу (пересчёт). "
        "Если отличается от ценности ослабления на единицу, в той же точке действует "
        "другое ограничение.",
    ),
    "twosided.same": (
        " A tonne tighter would lose the same; both hold for at least {looser} looser and "
        "{tighter} tighter.",
        " Bir ton sərt olsa eyni qədər itirərdi; hər ikisi ən azı {looser} yumşaltma və "
        "{tighter} sərtləşdirmə üçün keçərlidir.",
        " На тонну жёстче потеря та же; обе оценки верны как минимум для ослабления на "
        "{looser} и ужесточения на {tighter}.",
    ),
    "twosided.tie_zero": (
        " But that adds nothing unless another limit binding at the same point grows too; "
        "a tonne tighter would lose {value}.",
        " Lakin eyni nöqtədə məhdudlaşdıran digər hədd də artmasa, bu heç nə qazandırmır; "
        "bir ton sərt olsa {value} itirərdi.",
        " Но это ничего не даёт, если не растёт и другое ограничение, действующее в той же "
        "точке; на тонну жёстче потеря составила бы {value}.",
    ),
    "twosided.tie": (
        " A tonne tighter would lose {value}, more: another limit binds at the same point.",
        " Bir ton sərt olsa {value} itirərdi, daha çox: eyni nöqtədə başqa hədd də "
        "məhdudlaşdırır.",
        " На тонну жёстче потеря составила бы {value}, больше: в той же точке действует "
        "другое ограничение.",
    ),
    "twosided.unchecked": (
        " (The LP's dual value: not re-checked by re-solving in the time allowed, so it may "
        "hold only for an increase or only for a decrease of the limit.)",
        " (LP-nin ikili qiyməti: ayrılmış vaxtda yenidən həll ilə yoxlanılmayıb, ona görə "
        "yalnız həddin artımı və ya yalnız azalması üçün keçərli ola bilər.)",
        " (Двойственная оценка LP: не перепроверена пересчётом за отведённое время, поэтому "
        "может быть верна только для увеличения или только для уменьшения ограничения.)",
    ),
    "twosided.no_tighter": (
        " It cannot be tightened by a tonne without changing which lines are built.",
        " Tikilən xətləri dəyişmədən onu bir ton sərtləşdirmək mümkün deyil.",
        " Ужесточить его на тонну нельзя, не меняя состав строящихся линий.",
    ),
    "limit.next_closest": (
        "Next closest (change in net value per year of the best plan that includes each): "
        "{items}. chainopt alternatives lists whole plans.",
        "Sonrakı ən yaxın (hər birini daxil edən ən yaxşı planın xalis gəlirinin illik "
        "dəyişməsi): {items}. chainopt alternatives bütöv planları göstərir.",
        "Следующие ближайшие (изменение чистого дохода в год лучшего плана с каждой из "
        "них): {items}. chainopt alternatives показывает планы целиком.",
    ),
    "terminal.status": (
        "Net value {net} {cur}; {built} of {cand} lines built; {jobs} jobs.",
        "Xalis gəlir {net} {cur}; {cand} xəttdən {built} tikilir; {jobs} iş yeri.",
        "Чистый доход {net} {cur}; построено {built} из {cand} линий; {jobs} рабочих мест.",
    ),
    "terminal.results": ("Results: {path}", "Nəticələr: {path}", "Результаты: {path}"),
    # ---- web pages (chainopt serve) and the HTML export -------------------------------
    "web.title": ("chainopt: plans for the ministry", "chainopt: nazirlik üçün planlar",
                  "chainopt: планы для министерства"),
    "web.latest": ("Latest plan", "Son plan", "Последний план"),
    "web.history": ("Run history", "Hesablamaların tarixçəsi", "История расчётов"),
    "web.scenarios": ("Scenario comparisons", "Ssenari müqayisələri", "Сравнение сценариев"),
    "web.language": ("Language", "Dil", "Язык"),
    "web.login": ("Sign in", "Daxil olun", "Вход"),
    "web.logout": ("Sign out", "Çıxış", "Выйти"),
    "web.username": ("User name", "İstifadəçi adı", "Имя пользователя"),
    "web.password": ("Password", "Şifrə", "Пароль"),
    "web.login_failed": ("Wrong user name or password.", "İstifadəçi adı və ya şifrə yanlışdır.",
                         "Неверное имя пользователя или пароль."),
    "web.readonly": ("Read-only view of the nightly runs; the results workbook is the "
                     "document of record.",
                     "Gecə hesablamalarının yalnız oxunuş üçün görünüşü; rəsmi sənəd nəticələr "
                     "faylıdır.",
                     "Просмотр ночных расчётов только для чтения; официальный документ — "
                     "книга результатов."),
    "web.no_runs": ("No run has published a plan yet.", "Hələ heç bir hesablama plan dərc "
                    "etməyib.", "Ни один расчёт ещё не опубликовал план."),
    "web.case": ("Case", "Layihə", "Кейс"),
    "web.run_of": ("Run {run} of {date}", "{date} tarixli {run} hesablaması",
                   "Расчёт {run} от {date}"),
    "web.sankey": ("From feedstock to markets", "Xammaldan bazarlara", "От сырья к рынкам"),
    "web.map": ("Map", "Xəritə", "Карта"),
    "web.lines": ("Lines", "Xətlər", "Линии"),
    "web.flows": ("Flows", "Daşımalar", "Перевозки"),
    "web.click_hint": ("Hover for values; click a bar or a flow to see its row in the table "
                       "below.",
                       "Dəyərlər üçün üzərinə gətirin; cədvəldə sətrini görmək üçün sütuna və "
                       "ya axına klikləyin.",
                       "Наведите курсор, чтобы увидеть значения; щёлкните столбец или поток, "
                       "чтобы увидеть его строку в таблице ниже."),
    "web.downloads": ("Downloads", "Yükləmələr", "Файлы"),
    "web.download_workbook": ("Results workbook", "Nəticələr faylı", "Книга результатов"),
    "web.published": ("Published files (latest)", "Dərc olunmuş fayllar (son)",
                      "Опубликованные файлы (последние)"),
    "web.run_files": ("Files of this run", "Bu hesablamanın faylları", "Файлы этого расчёта"),
    "web.net_value": ("Net value", "Xalis gəlir", "Чистый доход"),
    "web.history_chart": ("Net value, jobs and lines built, night by night",
                          "Gecə-gecə xalis gəlir, iş yerləri və tikilən xətlər",
                          "Чистый доход, рабочие места и построенные линии по ночам"),
    "web.history_hint": ("Click a point to open that run.",
                         "Hesablamanı açmaq üçün nöqtəyə klikləyin.",
                         "Щёлкните точку, чтобы открыть расчёт."),
    "web.col_run": ("Run", "Hesablama", "Расчёт"),
    "web.col_started": ("Started", "Başlama", "Начало"),
    "web.col_status": ("Status", "Status", "Статус"),
    "web.col_gap": ("Gap", "Fərq (gap)", "Разрыв (gap)"),
    "web.col_duration": ("Duration", "Müddət", "Длительность"),
    "web.col_exit": ("Exit code", "Çıxış kodu", "Код завершения"),
    "web.col_reason": ("Reason", "Səbəb", "Причина"),
    "web.ok": ("ok", "uğurlu", "успешно"),
    "web.failed": ("failed", "uğursuz", "сбой"),
    "web.run_page": ("Run {run}", "{run} hesablaması", "Расчёт {run}"),
    "web.run_plan": ("Plan of this run", "Bu hesablamanın planı", "План этого расчёта"),
    "web.changes": ("What changed since the previous run", "Əvvəlki hesablamadan bəri nə "
                    "dəyişib", "Что изменилось с предыдущего расчёта"),
    "web.no_changes": ("No change report for this run (first run, or no result).",
                       "Bu hesablama üçün dəyişiklik hesabatı yoxdur (ilk hesablama və ya "
                       "nəticə yoxdur).",
                       "Отчёта об изменениях нет (первый расчёт или нет результата)."),
    "web.previous": ("Previous run", "Əvvəlki hesablama", "Предыдущий расчёт"),
    "web.kpi_change": ("Key figures against the previous run", "Əsas göstəricilər əvvəlki "
                       "hesablama ilə müqayisədə", "Основные показатели по сравнению с "
                       "предыдущим расчётом"),
    "web.before": ("Previous run", "Əvvəlki", "Предыдущий"),
    "web.now": ("This run", "Bu hesablama", "Этот расчёт"),
    "web.delta": ("Change", "Dəyişiklik", "Изменение"),
    "web.issues": ("Problems found", "Tapılan problemlər", "Найденные проблемы"),
    "web.no_page": ("This run has no page data (written by an older chainopt); download "
                    "the workbook.",
                    "Bu hesablamanın səhifə məlumatı yoxdur (köhnə chainopt); faylı yükləyin.",
                    "Для этого расчёта нет данных страницы (старая версия chainopt); "
                    "скачайте книгу."),
    "web.comparison_chart": ("Scenarios compared", "Ssenarilərin müqayisəsi",
                             "Сравнение сценариев"),
    "web.no_comparisons": ("No scenario comparison yet: `chainopt scenarios` writes "
                           "<name>-comparison.xlsx files into the output folder.",
                           "Hələ ssenari müqayisəsi yoxdur: `chainopt scenarios` "
                           "<name>-comparison.xlsx fayllarını çıxış qovluğuna yazır.",
                           "Сравнений сценариев пока нет: `chainopt scenarios` записывает "
                           "файлы <name>-comparison.xlsx в папку результатов."),
    "web.comparison_sheet": ("First sheet of the workbook: {sheet}",
                             "Faylın birinci vərəqi: {sheet}",
                             "Первый лист книги: {sheet}"),
    "web.truncated": ("Only the first {n} rows are shown; the workbook has them all.",
                      "Yalnız ilk {n} sətir göstərilir; faylda hamısı var.",
                      "Показаны только первые {n} строк; в книге есть все."),
    "web.unreadable": ("This workbook cannot be shown: {reason}",
                       "Bu fayl göstərilə bilməz: {reason}",
                       "Эту книгу нельзя показать: {reason}"),
    "web.not_found": ("Not found.", "Tapılmadı.", "Не найдено."),
    "web.made": ("Made by chainopt from {file} on {date}.",
                 "chainopt tərəfindən {file} faylından {date} tarixində hazırlanıb.",
                 "Подготовлено chainopt из {file}, {date}."),
    "web.check_failed": ("The independent check found problems:",
                         "Müstəqil yoxlama problemlər tapdı:",
                         "Независимая проверка нашла проблемы:"),
    "web.nights": ("{n} runs in the archive", "Arxivdə {n} hesablama", "Расчётов в архиве: {n}"),
    # ---- PDF ------------------------------------------------------------------------
    "pdf.written": ("PDF: {path}", "PDF: {path}", "PDF: {path}"),
}
T.update(ECON_T)  # the optional economics' words live beside their sheet
T.update(ALTERNATIVES_T)  # so do the Alternatives sheet's
T.update(LIMITS_T)  # supply-group caps and shared limits (i18n_limits.py)


def tr(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text of ``key`` in ``lang`` with {placeholders} filled."""
    text = T[key][LANGS.index(lang)]
    return text.format(**values) if values else text


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang
