"""The matching service: ranking vacancies and candidates, built from events only."""
