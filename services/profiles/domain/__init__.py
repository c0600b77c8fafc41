"""The profiles domain: rules on plain objects, no framework imports."""
