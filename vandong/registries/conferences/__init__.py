"""Dialogue conferences and their commitments: services, queries, sync into
DIALOGUE_CONFERENCES, pages, API, XLSX."""
