"""HUD reports: one engine (``engine/``) and one package per report (``apr``, ``caper``).

See docs/reports.md.
"""
