"""CAPER-only questions (q24a)."""
