"""Nightly re-optimisation that a scheduler can trust: one run at a time, validated
first, bounded in time, published atomically, recorded, compared with last night."""

from optimizer.nightly.config import NightlyConfig, load_config
from optimizer.nightly.run import run_nightly

__all__ = ["NightlyConfig", "load_config", "run_nightly"]
