"""The credentials domain: credentials, recognition rules as data, assessments and the status workflow."""
