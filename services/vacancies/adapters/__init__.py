"""Adapters of the vacancies service: SQL, in-memory fakes and the occupation matcher."""
