"""The sheltered Point-in-Time count and the Housing Inventory Count, by CoC, for one night
(the report's start date; the end date is the same night), in the shape of HUD's HDX
tables. See docs/reports.md, "PIT and HIC"."""

from . import hic, pit  # noqa: F401
