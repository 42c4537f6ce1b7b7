"""chainopt: production-chain optimisation engine (the engine; the math is in models/)."""

__version__ = "0.1.0"
