"""The robust-plan workbook, in the style (and languages) of the comparison workbook:
the value of robustness (RP, WS, EEV, VSS, EVPI, each with one plain sentence), the lines
to build, what the robust plan adds or drops against the average-scenario plan, key
figures per scenario, the build matrix, the average scenario's inputs and the run
record. Written atomically (optimizer/fileio.py). Also the terminal summary.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import xlsxwriter

from optimizer.excel.cells import clean_text
from optimizer.excel.write import WORKBOOK_OPTIONS, Col, _print_setup, _Writer
from optimizer.fileio import atomic_write
from optimizer.report.i18n import check_lang
from optimizer.report.story import status_short, status_words
from optimizer.scenarios.robust import RobustResult

# Words of this workbook, en / az / ru.
WORDS: dict[str, tuple[str, str, str]] = {
    "title": ("Robust plan: {case}", "Dayanıqlı plan: {case}", "Устойчивый план: {case}"),
    "intro": ("One set of lines to build that gives the most expected net value over the "
              "scenarios of the Uncertainty sheet, weighted by their probabilities; the "
              "flows, purchases and sales adapt to each scenario.",
              "Uncertainty vərəqindəki ssenarilər üzrə, ehtimallarına görə çəkilmiş, ən böyük "
              "gözlənilən xalis dəyəri verən bir tikinti planı; axınlar, alışlar və satışlar "
              "hər ssenariyə uyğunlaşır.",
              "Один набор линий, дающий наибольшую ожидаемую чистую стоимость по сценариям "
              "листа Uncertainty с их вероятностями; потоки, закупки и продажи "
              "подстраиваются под каждый сценарий."),
    "written": ("Written {when}", "Yazılıb {when}", "Записано {when}"),
    "values": ("What robustness is worth", "Dayanıqlılığın dəyəri",
               "Чего стоит устойчивость"),
    "figure": ("Figure", "Göstərici", "Показатель"),
    "value": ("Value", "Dəyər", "Значение"),
    "meaning": ("In words", "Sözlə", "Словами"),
    "rp": ("Expected net value of the robust plan (RP)",
           "Dayanıqlı planın gözlənilən xalis dəyəri (RP)",
           "Ожидаемая чистая стоимость устойчивого плана (RP)"),
    "rp.say": ("Building these lines and running them as each scenario requires is worth "
               "this much on average over the scenarios.",
               "Bu xətləri tikib hər ssenaridə tələb olunduğu kimi işlətmək ssenarilər üzrə "
               "orta hesabla bu qədər dəyər verir.",
               "Построить эти линии и вести их так, как требует каждый сценарий, в среднем "
               "по сценариям стоит столько."),
    "ws": ("Wait and see (WS)", "Gözlə və gör (WS)", "Подождать и увидеть (WS)"),
    "ws.say": ("The average of each scenario's own best plan, as if we knew which scenario "
               "comes true before building.",
               "Hansı ssenarinin baş verəcəyini tikintidən əvvəl bilsəydik, hər ssenarinin öz "
               "ən yaxşı planının orta dəyəri.",
               "Среднее лучших планов каждого сценария, как если бы мы знали сценарий до "
               "строительства."),
    "eev": ("Average-scenario plan, expected (EEV)", "Orta ssenari planı, gözlənilən (EEV)",
            "План среднего сценария, ожидаемый (EEV)"),
    "eev.say": ("Building the lines of the plan for the average scenario instead, and "
                "running them as each scenario requires, is worth this much on average.",
                "Əvəzində orta ssenari üçün planın xətlərini tikib hər ssenaridə tələb "
                "olunduğu kimi işlətmək orta hesabla bu qədər dəyər verir.",
                "Если вместо этого построить линии плана для среднего сценария и вести их "
                "по каждому сценарию, в среднем это стоит столько."),
    "vss": ("Value of the stochastic solution (VSS = RP − EEV)",
            "Stoxastik həllin dəyəri (VSS = RP − EEV)",
            "Ценность стохастического решения (VSS = RP − EEV)"),
    "vss.say": ("Planning for every scenario at once, instead of for the average one, "
                "gains this much expected net value.",
                "Orta ssenari əvəzinə bütün ssenarilər üçün birlikdə planlaşdırmaq bu qədər "
                "gözlənilən xalis dəyər qazandırır.",
                "Планирование сразу под все сценарии, а не под средний, даёт столько "
                "ожидаемой чистой стоимости."),
    "evpi": ("Expected value of perfect information (EVPI = WS − RP)",
             "Tam məlumatın gözlənilən dəyəri (EVPI = WS − RP)",
             "Ожидаемая ценность полной информации (EVPI = WS − RP)"),
    "evpi.say": ("The most it is worth paying to learn which scenario comes true before "
                 "deciding what to build.",
                 "Nəyi tikəcəyimizə qərar verməzdən əvvəl hansı ssenarinin baş verəcəyini "
                 "öyrənmək üçün ödəməyə dəyən ən çox məbləğ.",
                 "Наибольшая сумма, которую стоит заплатить, чтобы узнать сценарий до "
                 "решения о строительстве."),
    "ev": ("Average scenario's own net value", "Orta ssenarinin öz xalis dəyəri",
           "Собственная чистая стоимость среднего сценария"),
    "ev.say": ("The net value the average-scenario plan promises in the average scenario "
               "itself (not a value any scenario gets).",
               "Orta ssenari planının orta ssenarinin özündə vəd etdiyi xalis dəyər (heç bir "
               "ssenarinin aldığı dəyər deyil).",
               "Чистая стоимость, которую план среднего сценария обещает в самом среднем "
               "сценарии (ни один сценарий её не получает)."),
    "not_defined": ("not defined: {why}", "müəyyən deyil: {why}", "не определено: {why}"),
    "build": ("Lines to build (the same in every scenario)",
              "Tikiləcək xətlər (hər ssenaridə eyni)",
              "Линии к строительству (одни и те же во всех сценариях)"),
    "changes": ("Lines the robust plan adds or drops against the average-scenario plan",
                "Dayanıqlı planın orta ssenari planına qarşı əlavə etdiyi və ya çıxardığı "
                "xətlər",
                "Линии, которые устойчивый план добавляет или убирает по сравнению с планом "
                "среднего сценария"),
    "no_changes": ("None: both plans build the same lines.",
                   "Yoxdur: hər iki plan eyni xətləri tikir.",
                   "Нет: оба плана строят одни и те же линии."),
    "added": ("added", "əlavə edilir", "добавлена"),
    "dropped": ("dropped", "çıxarılır", "убрана"),
    "line": ("Line", "Xətt", "Линия"),
    "site": ("Site", "Sahə", "Площадка"),
    "technology": ("Technology", "Texnologiya", "Технология"),
    "period": ("Build period", "Tikinti dövrü", "Период строительства"),
    "in_ev": ("In the average-scenario plan", "Orta ssenari planında",
              "В плане среднего сценария"),
    "change": ("Change", "Dəyişiklik", "Изменение"),
    "yes": ("yes", "bəli", "да"),
    "no": ("no", "xeyr", "нет"),
    "sheet.summary": ("Summary", "Xülasə", "Сводка"),
    "sheet.scenarios": ("Scenarios", "Ssenarilər", "Сценарии"),
    "sheet.matrix": ("Build matrix", "Tikinti matrisi", "Матрица строительства"),
    "sheet.mean": ("Average scenario", "Orta ssenari", "Средний сценарий"),
    "sheet.run": ("Run info", "İcra məlumatı", "Сведения о запуске"),
    "scenarios.intro": ("Each scenario with the robust plan's lines built: its net value "
                        "and key figures; its own best plan (wait and see); the "
                        "average-scenario plan's lines held built in it (EEV); and the "
                        "regret, what the robust plan gives up against the scenario's own "
                        "best plan.",
                        "Dayanıqlı planın xətləri tikilmiş hər ssenari: xalis dəyəri və əsas "
                        "göstəriciləri; öz ən yaxşı planı (gözlə və gör); orta ssenari "
                        "planının xətləri tikilmiş halda (EEV); və təəssüf: dayanıqlı planın "
                        "ssenarinin öz ən yaxşı planına qarşı itirdiyi.",
                        "Каждый сценарий с линиями устойчивого плана: чистая стоимость и "
                        "ключевые показатели; его собственный лучший план; линии плана "
                        "среднего сценария (EEV); и сожаление — что устойчивый план "
                        "теряет против лучшего плана сценария."),
    "scenario": ("Scenario", "Ssenari", "Сценарий"),
    "probability": ("Probability", "Ehtimal", "Вероятность"),
    "robust_value": ("Net value, robust plan", "Xalis dəyər, dayanıqlı plan",
                     "Чистая стоимость, устойчивый план"),
    "own_value": ("Net value, its own best plan", "Xalis dəyər, öz ən yaxşı planı",
                  "Чистая стоимость, свой лучший план"),
    "ev_value": ("Net value, average-scenario plan", "Xalis dəyər, orta ssenari planı",
                 "Чистая стоимость, план среднего сценария"),
    "regret": ("Regret (own best − robust)", "Təəssüf (öz ən yaxşı − dayanıqlı)",
               "Сожаление (свой лучший − устойчивый)"),
    "jobs": ("Jobs", "İş yerləri", "Рабочие места"),
    "lines_built": ("Lines built", "Tikilən xətlər", "Построено линий"),
    "recovered": ("Recovered waste", "Bərpa olunmuş tullantı", "Вторсырьё"),
    "check": ("Independent check", "Müstəqil yoxlama", "Независимая проверка"),
    "check_ok": ("passed", "keçdi", "пройдена"),
    "description": ("Description", "Təsvir", "Описание"),
    "matrix.intro": ("Which lines each plan builds: the robust plan, the average-scenario "
                     "plan, and each scenario's own best plan.",
                     "Hər planın hansı xətləri tikdiyi: dayanıqlı plan, orta ssenari planı və "
                     "hər ssenarinin öz ən yaxşı planı.",
                     "Какие линии строит каждый план: устойчивый, план среднего сценария и "
                     "лучший план каждого сценария."),
    "robust": ("Robust plan", "Dayanıqlı plan", "Устойчивый план"),
    "average": ("Average scenario", "Orta ssenari", "Средний сценарий"),
    "mean.intro": ("The average scenario: every input that some scenario changes, replaced "
                   "by its probability-weighted mean. A limit left blank (no limit) in some "
                   "scenario stays blank; a cell that is not a number takes its most "
                   "probable value.",
                   "Orta ssenari: hansısa ssenarinin dəyişdirdiyi hər giriş ehtimalla "
                   "çəkilmiş orta ilə əvəz olunur. Hansısa ssenaridə boş (limitsiz) qalan "
                   "limit boş qalır; rəqəm olmayan xana ən ehtimallı dəyərini alır.",
                   "Средний сценарий: каждый вход, который меняет какой-либо сценарий, "
                   "заменён средним, взвешенным по вероятностям. Пустой предел (без "
                   "ограничения) в каком-либо сценарии остаётся пустым; нечисловая ячейка "
                   "получает самое вероятное значение."),
    "cell": ("Cell", "Xana", "Ячейка"),
    "base": ("Base value", "Əsas dəyər", "Базовое значение"),
    "mean": ("Average-scenario value", "Orta ssenari dəyəri", "Значение среднего сценария"),
    "how": ("How", "Necə", "Как"),
    "how.mean": ("probability-weighted mean", "ehtimalla çəkilmiş orta",
                 "среднее по вероятностям"),
    "how.blank": ("blank (no limit) in some scenario", "hansısa ssenaridə boş (limitsiz)",
                  "пусто (без ограничения) в каком-либо сценарии"),
    "how.most probable": ("most probable value", "ən ehtimallı dəyər",
                          "самое вероятное значение"),
    "what": ("What", "Nə", "Что"),
    "status": ("Status", "Status", "Статус"),
    "ef_status": ("Extensive form: status", "Geniş forma: status",
                  "Расширенная форма: статус"),
    "ef_gap": ("Extensive form: gap", "Geniş forma: boşluq", "Расширенная форма: разрыв"),
    "ef_size": ("Extensive form: columns, rows, nonzeros, binaries",
                "Geniş forma: sütunlar, sətirlər, sıfırdan fərqlilər, ikiliklər",
                "Расширенная форма: столбцы, строки, ненули, бинарные"),
    "one_size": ("One scenario alone: columns, rows, nonzeros, binaries",
                 "Bir ssenari: sütunlar, sətirlər, sıfırdan fərqlilər, ikiliklər",
                 "Один сценарий: столбцы, строки, ненули, бинарные"),
    "seconds": ("Seconds: {what}", "Saniyə: {what}", "Секунды: {what}"),
    "row": ("row", "sətir", "строка"),
    "step.validate": ("validate the scenarios", "ssenariləri yoxlamaq", "проверка сценариев"),
    "step.build": ("build the extensive form", "geniş formanı qurmaq",
                   "построение расширенной формы"),
    "step.solve": ("solve the extensive form", "geniş formanı həll etmək",
                   "решение расширенной формы"),
    "step.check": ("results and independent check", "nəticələr və müstəqil yoxlama",
                   "результаты и независимая проверка"),
    "step.wait_and_see": ("each scenario alone (wait and see)",
                          "hər ssenari ayrıca (gözlə və gör)",
                          "каждый сценарий отдельно (подождать и увидеть)"),
    "step.average_scenario": ("average scenario and its plan in each scenario",
                              "orta ssenari və onun planı hər ssenaridə",
                              "средний сценарий и его план в каждом сценарии"),
    "gap_note": ("Solved to a relative gap of {gap}: VSS and EVPI are exact to about that "
                 "share of the net values.",
                 "{gap} nisbi boşluğa qədər həll edilib: VSS və EVPI təxminən bu paya qədər "
                 "dəqiqdir.",
                 "Решено до относительного разрыва {gap}: VSS и EVPI точны примерно до этой "
                 "доли чистых стоимостей."),
}


def word(key: str, lang: str, **values: object) -> str:
    return WORDS[key][("en", "az", "ru").index(lang)].format(**values)


def figure_rows(r: RobustResult, lang: str) -> list[dict[str, object]]:
    """RP, WS, EEV, VSS, EVPI (and the average scenario's own value), each in words."""
    def row(key: str, value: float | None, why: str = "") -> dict[str, object]:
        say = word(f"{key}.say", lang)
        if value is None:
            say = word("not_defined", lang, why=why or "-") + ". " + say
        return {"figure": word(key, lang), "value": value, "meaning": say}

    return [row("rp", r.rp, r.solve.describe()), row("ws", r.ws, r.ws_reason),
            row("eev", r.eev, r.eev_reason or r.ev_reason), row("vss", r.vss, r.eev_reason),
            row("evpi", r.evpi, r.ws_reason), row("ev", r.ev_value, r.ev_reason)]


def write_robust(path: Path, r: RobustResult, lang: str = "en") -> Path:
    """Write the robust-plan workbook atomically; returns where it landed."""
    lang = check_lang(lang)
    return atomic_write(path, lambda tmp: _write(tmp, r, lang))


def _write(path: Path, r: RobustResult, lang: str) -> None:
    book = xlsxwriter.Workbook(str(path), dict(WORKBOOK_OPTIONS))
    book.set_properties({"title": word("title", lang, case=r.case_name), "subject": "chainopt",
                         "author": "chainopt"})
    w = _Writer(book, r.currency, lang)
    summary = _summary(w, r)
    _scenarios(w, r)
    _matrix(w, r)
    _mean(w, r)
    _run_info(w, r)
    summary.activate()
    book.close()


def _sheet(w: _Writer, key: str) -> Any:
    return w.book.add_worksheet(word(key, w.lang)[:31])


def _summary(w: _Writer, r: RobustResult) -> Any:
    lang = w.lang
    ws = _sheet(w, "sheet.summary")
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 14)
    ws.set_column(3, 3, 18)
    ws.set_column(4, 4, 60)
    w.text(ws, 0, 0, word("title", lang, case=r.case_name), "title")
    ws.merge_range(1, 0, 1, 4, clean_text(word("intro", lang)), w.formats["note"])
    ws.set_row(1, 30)
    w.text(ws, 2, 0, word("written", lang, when=dt.datetime.now().astimezone()
                          .strftime("%Y-%m-%d %H:%M %Z")), "note1")
    w.text(ws, 3, 0, status_words(r.solve, SimpleNamespace(mip_gap=r.mip_gap), lang),
           "note1")
    row = 5
    w.text(ws, row, 0, word("values", lang), "section")
    cols = [Col("figure", word("figure", lang), "wrap", 46),
            Col("value", word("value", lang), "money", 18)]
    w.header(ws, row + 1, cols, widths=False)
    ws.merge_range(row + 1, 2, row + 1, 4, word("meaning", lang), w.formats["header"])
    row += 2
    for rec in figure_rows(r, lang):
        w.rows(ws, row, [rec], cols)
        ws.merge_range(row, 2, row, 4, clean_text(str(rec["meaning"])), w.formats["wrap"])
        ws.set_row(row, 42)
        row += 1
    gap = max(r.mip_gap, r.solve.gap or 0.0)  # a plan at the time limit: its own gap
    if gap > 0:
        w.text(ws, row, 0, word("gap_note", lang, gap=f"{gap:.2g}"), "note1")
        row += 1
    row += 1
    w.text(ws, row, 0, word("build", lang), "section")
    bcols = [Col("line", word("line", lang)), Col("site", word("site", lang)),
             Col("technology", word("technology", lang)), Col("period", word("period", lang)),
             Col("in_ev", word("in_ev", lang), "bool")]
    w.header(ws, row + 1, bcols, widths=False)
    records = [{"line": line, "site": r.line_info.get(line, ("", ""))[0],
                "technology": r.line_info.get(line, ("", ""))[1], "period": p,
                "in_ev": line in r.ev_built} for line, p in sorted(r.built.items())]
    row = w.rows(ws, row + 2, records, bcols) + 1
    w.text(ws, row, 0, word("changes", lang), "section")
    changes: list[dict[str, object]] = [{"line": line, "site": r.line_info.get(line, ("", ""))[0],
                "technology": r.line_info.get(line, ("", ""))[1],
                "period": r.built.get(line) or r.ev_built.get(line, ""),
                "change": word(kind, lang)}
               for kind, lines in (("added", r.added), ("dropped", r.dropped))
               for line in lines]
    if changes:
        ccols = [*bcols[:4], Col("change", word("change", lang))]
        w.header(ws, row + 1, ccols, widths=False)
        w.rows(ws, row + 2, changes, ccols)
    else:
        w.text(ws, row + 1, 0, word("no_changes", lang) if r.ev_status == "optimal" or
               r.ev_built else word("not_defined", lang, why=r.ev_reason or r.ev_status))
    _print_setup(ws)
    return ws


def _scenarios(w: _Writer, r: RobustResult) -> None:
    lang = w.lang
    cols = [Col("scenario", word("scenario", lang), width=20),
            Col("probability", word("probability", lang), "pct", 12),
            Col("robust_value", word("robust_value", lang), "money", 18),
            Col("own_value", word("own_value", lang), "money", 18),
            Col("ev_value", word("ev_value", lang), "money", 18),
            Col("regret", word("regret", lang), "money", 16),
            Col("jobs", word("jobs", lang), "int", 10),
            Col("lines_built", word("lines_built", lang), "int", 10),
            Col("recovered", word("recovered", lang), "t", 14),
            Col("check", word("check", lang), "wrap", 30),
            Col("description", word("description", lang), "wrap", 40)]
    records = [{"scenario": s.name, "probability": s.probability,
                "robust_value": s.robust_value, "own_value": s.own_value,
                "ev_value": s.ev_value,
                # within the solver's tolerance a scenario's own best can fall a hair
                # below the robust plan's value there: shown as 0, not as "-0"
                "regret": None if s.regret is None else s.regret if abs(s.regret) > 0.5
                else 0.0,
                "jobs": s.robust_kpis.get("jobs"), "lines_built": s.robust_kpis.get(
                    "lines_built"), "recovered": s.robust_kpis.get("recovered_tonnes"),
                "check": "; ".join(s.findings) or (word("check_ok", lang)
                                                   if s.robust_value is not None else ""),
                "description": s.description} for s in r.scenarios]
    _table(w, "sheet.scenarios", records, cols, word("scenarios.intro", lang))


def _table(w: _Writer, key: str, records: list[dict[str, object]], cols: list[Col],
           intro: str) -> None:
    ws = _sheet(w, key)
    w.intro(ws, intro, len(cols) - 1)
    w.header(ws, 1, cols)
    end = w.rows(ws, 2, records, cols)
    ws.autofilter(1, 0, max(end - 1, 2), len(cols) - 1)
    ws.freeze_panes(2, 1)
    _print_setup(ws, header_row=1)


def _matrix(w: _Writer, r: RobustResult) -> None:
    lang = w.lang
    plans: dict[str, set[str]] = {word("robust", lang): set(r.built),
                                  word("average", lang): set(r.ev_built)}
    for s in r.scenarios:
        plans[s.name] = set(s.own_built)
    cols = [Col("line", word("line", lang), width=10), Col("site", word("site", lang),
                                                           width=12)]
    cols += [Col(f"p{i}", name, "bool", max(10, min(24, len(name) + 2)))
             for i, name in enumerate(plans)]
    records: list[dict[str, object]] = []
    for line in sorted(r.line_info):
        rec: dict[str, object] = {"line": line, "site": r.line_info[line][0]}
        for i, built in enumerate(plans.values()):
            rec[f"p{i}"] = line in built
        records.append(rec)
    ws = _sheet(w, "sheet.matrix")
    w.intro(ws, word("matrix.intro", lang), len(cols) - 1, height=30)
    w.header(ws, 1, cols)
    end = w.rows(ws, 2, records, cols)
    ws.conditional_format(2, 2, max(end - 1, 2), len(cols) - 1, {
        "type": "cell", "criteria": "==", "value": f'"{w.tr("yes")}"',
        "format": w.book.add_format({"bg_color": "#C6EFCE"})})
    ws.freeze_panes(2, 2)
    _print_setup(ws, header_row=1)


def _mean(w: _Writer, r: RobustResult) -> None:
    lang = w.lang
    cols = [Col("cell", word("cell", lang), width=26), Col("base", word("base", lang),
                                                           "general", 18),
            Col("mean", word("mean", lang), "general", 22),
            Col("how", word("how", lang), "wrap", 36)]
    from optimizer.scenarios.robust import describe_key

    row = word("row", lang)
    records: list[dict[str, object]] = [{"cell": f"{describe_key(c.sheet, c.column)} ({row} "
                                                 f"{c.row})",
                "base": c.base, "mean": c.value, "how": word(f"how.{c.how}", lang)}
               for c in r.mean_cells]
    for rec in records:  # numbers as numbers, anything else as text
        for key in ("base", "mean"):
            if not isinstance(rec[key], int | float) and rec[key] is not None:
                rec[key] = str(rec[key])
    _table(w, "sheet.mean", records, cols, word("mean.intro", lang))


def _run_info(w: _Writer, r: RobustResult) -> None:
    lang = w.lang
    size = ", ".join(f"{r.size.get(k, 0):,}" for k in ("columns", "rows", "nonzeros",
                                                       "integers"))
    one = ", ".join(f"{r.single_size.get(k, 0):,}" for k in ("columns", "rows", "nonzeros",
                                                            "integers"))
    records: list[dict[str, object]] = [
        {"what": word("ef_status", lang), "value": status_short(r.solve, lang)},
        {"what": word("ef_gap", lang), "value": "" if r.solve.gap is None
         else f"{100 * r.solve.gap:.4f} %"},
        {"what": word("ef_size", lang), "value": size},
        {"what": word("one_size", lang), "value": one}]
    records += [{"what": word("seconds", lang, what=word(f"step.{k}", lang)
                              if f"step.{k}" in WORDS else k), "value": f"{v:.2f}"}
                for k, v in r.seconds.items()]
    cols = [Col("what", word("what", lang), width=50), Col("value", word("value", lang),
                                                           width=40)]
    _table(w, "sheet.run", records, cols, word("sheet.run", lang))


def summary_lines(r: RobustResult) -> list[str]:
    """The terminal summary: the figures and the plan, in plain lines."""
    cur = r.currency

    def money(value: float | None, why: str) -> str:
        return f"{value:,.0f} {cur}" if value is not None else f"not defined ({why})"

    out = [r.solve.describe()]
    if not r.has_plan:
        return out
    out += [f"Robust plan: {len(r.built)} lines built: {', '.join(sorted(r.built))}.",
            f"  RP   expected net value of the robust plan     {money(r.rp, '')}",
            f"  WS   wait and see (each scenario's own best)   {money(r.ws, r.ws_reason)}",
            f"  EEV  average-scenario plan, expected           "
            f"{money(r.eev, r.eev_reason or r.ev_reason)}",
            f"  VSS  = RP - EEV, gained by planning for every scenario  "
            f"{money(r.vss, r.eev_reason or r.ev_reason)}",
            f"  EVPI = WS - RP, worth paying to know the scenario first  "
            f"{money(r.evpi, r.ws_reason)}"]
    if r.ev_built or r.ev_status == "optimal":
        out.append("Against the average-scenario plan: adds "
                   f"{', '.join(r.added) or 'none'}; drops {', '.join(r.dropped) or 'none'}.")
    for s in r.scenarios:
        value = f"{s.robust_value:,.0f}" if s.robust_value is not None else "-"
        regret = f"{max(s.regret, 0.0):,.0f}" if s.regret is not None else "-"
        out.append(f"  {s.name} (p={s.probability:g}): net value {value} {cur}, regret "
                   f"{regret} {cur}" + (f"; CHECK FAILED: {s.findings[0]}" if s.findings
                                        else ""))
    return out
