"""Signals of the criteria app.

`evaluations_changed` is sent after evaluations were stored, with the units
evaluated (None: every unit of the sets) and the years, so that what counts
them (the analytics store) follows.
"""

from django.dispatch import Signal

# kwargs: unit_ids: list[int] | None, years: list[int]
evaluations_changed = Signal()
