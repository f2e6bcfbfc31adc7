"""CAPER-only questions."""
