"""The queryset every tracked model's manager uses, so that writes which send no signal
(``update()``, ``bulk_create()``) are recorded too."""

from django.db import models

from . import context
from .registry import spec_for

# Bookkeeping that every versioned update touches: not worth listing as "what changed".
_BOOKKEEPING = {"version", "row_version", "updated_at"}
# Updates touching only these are not changes to the record: an invitation link's last
# opening is written on every page of the journey, whose reads are recorded as reads.
_NOT_CHANGES = {"last_opened_at"}


class AuditedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        spec = spec_for(self.model)
        if spec is None or context.current().suppressed or set(kwargs) <= _NOT_CHANGES:
            return super().update(**kwargs)
        before = self._clone()
        before.query.select_for_update = False  # reading ids needs no lock (update takes it)
        rows = list(before.values_list("pk", *spec.lookups()))
        count = super().update(**kwargs)
        if rows:
            from .models import Action
            from .recorder import record_rows

            fields = set(kwargs) - _BOOKKEEPING or set(kwargs)
            record_rows(Action.UPDATE, self.model, rows, fields=fields)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        spec = spec_for(self.model)
        if spec is not None and not context.current().suppressed:
            from .models import Action
            from .recorder import record_rows

            record_rows(
                Action.CREATE,
                self.model,
                [(o.pk, spec.child_of(o), spec.authority_of(o)) for o in created if o.pk],
            )
        return created

    bulk_create.alters_data = True
