"""Synthetic, realistic data for demonstrations, benchmarks and national-scale tests.

Everything here is generated: no real child is described. The sizes and mixes are calibrated to
published DfE statistics for January 2025 (``seeds/demo/calibration.yaml``, derived from the
DfE files by ``scripts/derive_seed_data.py``), and every record passes the app's own validation.

The pipeline runs in phases, each timed (``pipeline.populate_authority``):

1. ``calibration``: targets (how many EHC plans and SEN support) and distributions;
2. ``plan``: children (need, placement, age, dates, names), settings, caseworkers, needs
   profiles, in memory, from one seeded random generator (``generator.plan_authority``);
3. ``rows``: the plan as table rows with database ids (``generator.build_rows``), one
   ``rows.Table`` per model, its columns taken from the model's ``_meta``;
4. ``write``: one transaction per authority: COPY on PostgreSQL, executemany elsewhere
   (``writers``), table by table in the order the tables were declared;
5. after the writes, in the same transaction, ``pipeline.AFTER_WRITE`` steps (the stored
   recommendations, written with the same tables and writers).

The same seed and reference date give the same rows (``Dataset.digest``).

Adding a table (panel cases, say):

1. decide its contents in ``plan_authority`` (a ``plan_<thing>`` function with its own random
   stream in ``STREAMS``, appended at the end so the other streams keep their draws, and the
   same seed keeps giving the same data for the tables already there);
2. in ``build_rows``, declare it after the tables its rows point to,
   ``cases = dataset.table("panel_cases", "panels.PanelCase")``, and add one row per record
   by field name: ``cases.add(child_id=..., kind=..., received_on=clock.day(...), ...)``.
   Leave out what takes the model's fixed default; give every timestamp (``clock.moment``).
   A required field left out, or a field the model does not have, fails on the first row;
   a field added to the model later needs nothing here unless it is required;
3. if other generated rows must point at its rows before they are written, give it
   ``own_ids=True``, a field in ``IdBases`` and a line in ``pipeline.populate_authority``'s
   ``reserve``; otherwise the database numbers them;
4. if it depends on rows already written (as recommendations depend on the profiles), make it
   an ``AFTER_WRITE`` step instead, writing its ``rows.Table`` with the same writer;
5. say what it is calibrated to, or assumes, in ``seeds/demo/README.md``, and check its
   invariants in ``tests/demo_data/`` and ``validation.py``.
"""
