"""Keep Pyomo from importing modules chainopt does not use.

Pyomo registers import hooks (``pyomo.common.dependencies``) that run a "finalizer" the
first time anyone imports scipy or matplotlib: for scipy it also imports scipy.stats,
scipy.integrate and scipy.spatial (1.5-2.5 s measured here), for matplotlib it imports
pyplot and pylab (about 0.5 s). chainopt uses only scipy.sparse (through the standard-form
compiler, see optimizer/solve.py) and matplotlib's object API (optimizer/report/figures.py),
so it unregisters those two finalizers before importing either. Pyomo's own deferred
indicators still work if something asks for them. If a later Pyomo renames these private
names, this does nothing and only the speed-up is lost (tests/test_startup.py notices).
"""

from __future__ import annotations

import sys

_FINALIZED_BY_PYOMO = ("scipy", "matplotlib")


def unhook_pyomo_import_finalizers() -> None:
    """Drop Pyomo's post-import callbacks for scipy and matplotlib while those modules are
    not imported yet (once imported, there is nothing left to save).

    Pyomo's hooks are registered here first if need be (about 0.15 s, paid by every solve
    anyway): were matplotlib imported before Pyomo, Pyomo would finalize it on import.
    """
    from pyomo.common import dependencies

    finder = getattr(dependencies, "DeferredImportCallbackFinder", None)
    callbacks = getattr(finder, "_callbacks", None)
    if not isinstance(callbacks, dict):
        return
    for name in _FINALIZED_BY_PYOMO:
        if name not in sys.modules:
            callbacks.pop(name, None)
