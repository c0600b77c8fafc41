"""The insights service's adapters: its SQL projection and the in-memory fake beside it."""
