"""The profiles service: migrant skill profiles."""
