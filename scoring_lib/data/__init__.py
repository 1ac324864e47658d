"""Layer 1: schema of the eight Home Credit files, loader and synthetic generator."""

from .errors import DataError
from .loader import LoadReport, Tables, find_table_files, load_tables

__all__ = ["DataError", "LoadReport", "Tables", "find_table_files", "load_tables"]
