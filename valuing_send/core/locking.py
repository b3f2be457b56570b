"""Optimistic locking: records two people may edit carry a ``version`` that every save checks.

A save names the version the user started from; if someone else saved in between, the update
matches no row and ``ConflictError`` carries the record as it is now, so the view can show both
the other person's values and the user's own (nothing is silently overwritten or lost).
"""


class ConflictError(Exception):
    def __init__(self, current):
        super().__init__("The record was changed by someone else")
        self.current = current
