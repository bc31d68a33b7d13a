"""Parley: a verifiable ledger for mediated exchanges of detainees."""

__version__ = "0.1.0"
