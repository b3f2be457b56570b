"""Panels: cases on statutory clocks, views from families, settings and professionals,
meetings with evidence packs, decisions with reasons, and letters.

``clocks.py`` is pure (no Django): the statutory deadlines. ``codes.py`` and ``workflows.py``
hold the kinds, statuses and the one table of allowed moves; ``models.py`` the records;
``services.py`` every write.
"""
