"""Data-entry pages: choose a form, fill it cell by cell, check it, submit and
approve it; Excel/CSV templates and uploads; import batches.

Every write goes through `services` (scope, validation, audit, locks are the
services' business); these views shape input and show results. An HTMX request
gets the page's partial, any other request the whole page, so every URL also
works without JavaScript: the entry grid is a plain form whose Save button
writes every changed cell at once.
"""

from vandong.collect.views.batches import batch, batches, import_progress
from vandong.collect.views.checks import violations
from vandong.collect.views.entry import entry, entry_approval, entry_cell, home
from vandong.collect.views.files import excel_page, excel_template

__all__ = [
    "batch",
    "batches",
    "entry",
    "entry_approval",
    "entry_cell",
    "excel_page",
    "excel_template",
    "home",
    "import_progress",
    "violations",
]
