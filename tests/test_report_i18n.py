"""The translation table is complete and safe to use in every language."""

from __future__ import annotations

import re
import string

import pytest

from optimizer.report import numbers as fmt
from optimizer.report.i18n import LANGS, T, check_lang, tr

FORMATTER = string.Formatter()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in FORMATTER.parse(text) if name}


def test_every_key_has_every_language() -> None:
    assert LANGS == ("en", "az", "ru")
    for key, texts in T.items():
        assert len(texts) == len(LANGS), key
        for lang, text in zip(LANGS, texts, strict=True):
            assert text.strip(), f"{key} is empty in {lang}"


def test_every_language_fills_the_same_values() -> None:
    """Numbers and names appear in every language; only grammar words (placeholders named
    *_word, chosen per language for plural agreement) may be left out."""
    for key, texts in T.items():
        en = placeholders(texts[0])
        for lang, text in zip(LANGS[1:], texts[1:], strict=True):
            mine = placeholders(text)
            assert mine <= en, f"{key} in {lang} uses {mine - en} that English does not"
            missing = {p for p in en - mine if not p.endswith("_word")}
            assert not missing, f"{key} in {lang} leaves out {missing}"


def test_translations_are_translated() -> None:
    """Azerbaijani in Latin script, Russian in Cyrillic: a sentence left in English (or a
    Russian one without Cyrillic) is caught."""
    cyrillic = re.compile("[а-яА-ЯёЁ]")
    for key, (en, az, ru) in T.items():
        words = re.sub(r"\{[^}]*\}", "", en)
        if len(words.split()) >= 4:  # sentences, not codes like "PDF: {path}"
            assert az != en, f"{key}: Azerbaijani is the English text"
            assert cyrillic.search(ru), f"{key}: Russian has no Cyrillic"
        assert not cyrillic.search(az), f"{key}: Azerbaijani must be in Latin script"


@pytest.mark.parametrize("lang", LANGS)
def test_sheet_names_are_valid_in_excel(lang: str) -> None:
    names = [tr(key, lang) for key in T if key.startswith("sheet.")]
    assert len(set(names)) == len(names)
    for name in names:
        assert 0 < len(name) <= 31, name
        assert not set(name) & set("[]:*?/\\"), name


def test_tr_fills_placeholders_and_rejects_unknown_languages() -> None:
    assert tr("summary.title", "az", case="x") == "chainopt nəticələri: x"
    assert check_lang("ru") == "ru"
    with pytest.raises(ValueError, match="choose one of"):
        check_lang("de")


def test_numbers_are_written_the_local_way() -> None:
    assert fmt.money(14_597_906, "USD", "en") == "14.60\u00a0M USD"
    assert fmt.money(14_597_906, "USD", "az") == "14,60\u00a0mln USD"
    assert fmt.money(14_597_906, "USD", "ru") == "14,60\u00a0млн USD"
    assert fmt.money(120_400, "USD", "en") == "120\u00a0k USD"
    assert fmt.money(312.4, "USD", "ru") == "312 USD"
    assert fmt.tonnes(41_400, "en") == "41.4\u00a0kt"
    assert fmt.tonnes(41_400, "ru") == "41,4\u00a0тыс. т"
    assert fmt.tonnes(500, "az") == "500\u00a0t"
    assert fmt.number(1234.5, 1, "az") == "1\u00a0234,5"
    assert fmt.percent(0.008, "en") == "0.8\u00a0%"
