"""Puente's services; each package has one composition root and an app factory."""
