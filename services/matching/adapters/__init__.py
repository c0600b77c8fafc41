"""Matching's adapters: its database, and the in-memory fakes beside it."""
