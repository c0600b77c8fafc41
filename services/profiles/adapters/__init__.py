"""Adapters of the profiles ports: SQL, the outbox, the taxonomy, and in-memory fakes."""
