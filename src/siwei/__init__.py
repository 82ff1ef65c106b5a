"""Siwei (四位一体): dealer management for Chinese 4S car dealerships."""

__version__ = "0.1.0"
