"""CAPER-only questions (q22)."""
