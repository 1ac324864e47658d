"""Layer 1: schema of the eight Home Credit files, loader and synthetic generator."""

from .errors import DataError
from .loader import load_tables, LoadReport, Tables, find_table_files
