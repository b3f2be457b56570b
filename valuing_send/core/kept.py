"""Values kept in one process under a key that names the version of what they were made from:
a change makes a new version and so a new key, and nothing ever needs forgetting. For reads
that pages repeat and that change rarely (published statistics, a setting's capabilities),
never for anything a request may not see: the key carries all that the value depends on."""


class KeptInProcess:
    """A dictionary of made values, emptied when it holds ``limit`` entries (old versions are
    never asked for again, so they are simply dropped with the rest)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._values: dict = {}

    def get(self, key, make):
        """The value kept under ``key``, made by ``make()`` the first time."""
        found = self._values.get(key)
        if found is None:
            if len(self._values) >= self.limit:
                self._values.clear()
            found = self._values[key] = make()
        return found
