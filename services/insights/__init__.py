"""The insights service: aggregated statistics, a read-only projection of every topic."""
