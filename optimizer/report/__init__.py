"""The results report: translations, sentences, figures and PDF export.

optimizer/excel/write.py lays the workbook out; this package supplies what it says
(``i18n``, ``story``), the pictures (``figures``) and the optional PDF (``pdf``).
"""

from optimizer.lean_imports import unhook_pyomo_import_finalizers

# before figures.py imports matplotlib: Pyomo's hook would import pyplot too (~0.5 s)
unhook_pyomo_import_finalizers()
