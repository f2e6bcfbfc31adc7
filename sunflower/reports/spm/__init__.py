"""System Performance Measures FY2026 (Measures 1–7), CoC-wide."""
