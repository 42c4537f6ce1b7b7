"""The results report: translations, sentences, figures and PDF export.

optimizer/excel/write.py lays the workbook out; this package supplies what it says
(``i18n``, ``story``), the pictures (``figures``) and the optional PDF (``pdf``).
"""
