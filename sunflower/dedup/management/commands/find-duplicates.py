"""`sunflower find-duplicates`, the hyphenated name used in the docs (as export-hmis-csv);
`find_duplicates` is the same command."""

from sunflower.dedup.management.commands.find_duplicates import Command  # noqa: F401
