"""The vacancies service: employers, vacancies and the decent-work gate."""
