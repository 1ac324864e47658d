"""Credit-scoring toolkit for Home Credit-shaped data (see README.md and DESIGN.md)."""

__version__ = "0.1.0"
