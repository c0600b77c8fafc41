"""The insights service's model and rules: open vacancies and what may be disclosed about them (pure)."""
