"""ISCO-08 occupations and labour-market skills in es/pt/en/fr (and ht where known), validated on load."""

from shared.taxonomy.loader import (
    DATA_DIR,
    KNOWN_LANGS,
    REQUIRED_LANGS,
    Concept,
    Taxonomy,
    TaxonomyError,
    load_taxonomy,
)

__all__ = [
    "DATA_DIR",
    "KNOWN_LANGS",
    "REQUIRED_LANGS",
    "Concept",
    "Taxonomy",
    "TaxonomyError",
    "load_taxonomy",
]
