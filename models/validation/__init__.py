"""Validation: the issue type and the reusable, model-independent checks.

- issues.py   Issue (severity, sheet, A1 cell, value, expected, hint) and IssueList
- tables.py   raw tables -> typed rows from the schema: types, ranges, allowed words,
              required values, unique keys, references, headers and sheets as typed
- numbers.py  numbers as people type them (separators, decimal comma, percentages)
- hints.py    'did you mean' for near misses
- version.py  the template version stamp: too old, too new, migration

The model's own rules live with the model (models/chain/validate.py).
"""

from models.validation.issues import Issue, IssueList, Severity

__all__ = ["Issue", "IssueList", "Severity"]
