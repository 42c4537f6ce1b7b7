"""The production-chain model: schema (Excel contract), typed data, formulation, results, checks."""
