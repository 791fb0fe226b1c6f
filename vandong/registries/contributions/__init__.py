"""Contributions mobilized (đóng góp): services, totals, import, sync to the
CONTRIB_* data elements, pages, API and XLSX export."""
