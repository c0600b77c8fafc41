"""Local infrastructure helpers for development and integration tests."""
