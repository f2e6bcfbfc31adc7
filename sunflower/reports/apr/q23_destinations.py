"""APR questions (q23_destinations)."""
