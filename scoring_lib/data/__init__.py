"""Layer 1: schema of the eight Home Credit files, loader and synthetic generator."""
