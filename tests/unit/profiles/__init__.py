"""Unit tests of the profiles service."""
