"""Pieces the contributions, OCOP, models-and-teams and conference
registries share: error shapes and rule checks, audit snapshots, units read
by code, the writer of registry counts into data values, page and API
helpers, and the XLSX workbook."""
