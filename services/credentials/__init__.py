"""The credentials service: foreign-credential recognition, as guidance a counsellor can act on."""
