"""Adapters of the credentials service: SQL store and its in-memory fake."""
