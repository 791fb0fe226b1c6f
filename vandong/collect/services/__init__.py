"""Writes of data collection: values (`write`), approval (`approval`).

Every channel (web form, Excel, CSV, DHIS2, API, command line) calls these.
"""

from vandong.collect.services.approval import (
    approval_approve,
    approval_reopen,
    approval_submit,
    may_approve,
)
from vandong.collect.services.write import (
    WriteResult,
    data_values_import,
    data_values_write,
)

__all__ = [
    "WriteResult",
    "approval_approve",
    "approval_reopen",
    "approval_submit",
    "data_values_import",
    "data_values_write",
    "may_approve",
]
