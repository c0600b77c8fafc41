"""The insights service: aggregated statistics, a read-only projection of the topics it reads."""
