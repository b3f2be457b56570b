"""Synthetic, realistic data for demonstrations, benchmarks and national-scale tests.

Everything here is generated: no real child is described. The sizes and mixes are calibrated to
published DfE statistics for January 2025 (``seeds/demo/calibration.yaml``, derived from the
DfE files by ``scripts/derive_seed_data.py``), and every record passes the app's own validation.

The pipeline runs in phases, each timed (``pipeline.populate_authority``):

1. ``calibration``: targets (how many EHC plans and SEN support) and distributions;
2. ``plan``: children (need, placement, age, dates, names), settings, caseworkers, needs
   profiles, in memory, from one seeded random generator (``generator.plan_authority``);
3. ``rows``: the plan as table rows with database ids (``generator.build_rows``);
4. ``write``: one transaction per authority: COPY on PostgreSQL, executemany elsewhere
   (``writers``).

The same seed and reference date give the same rows (``Dataset.digest``).
"""
