"""Validation issues and reusable checks."""

from optimizer.validation.issues import Issue, IssueList, Severity

__all__ = ["Issue", "IssueList", "Severity"]
