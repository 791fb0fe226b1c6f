"""OCOP products and their star ratings: bands (pure), services, queries,
sync into OCOP_3STAR/OCOP_4STAR, pages, API, XLSX."""
