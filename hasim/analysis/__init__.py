"""Analyses built on studies: parameter sweeps (exact solutions and sensitivity later)."""
