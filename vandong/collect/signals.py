"""Signals of the collect app.

`values_changed` is sent once a write of data values has committed, with the
ids of the units, periods and data elements it touched, so that what is
computed from values (criteria evaluations) follows them.
"""

from django.dispatch import Signal

# kwargs: unit_ids: list[int], period_ids: list[int], element_ids: list[int]
values_changed = Signal()
