"""Panels: cases on statutory clocks, views from families and settings, meetings and decisions.

Not built yet: it is the next capability after needs profiles and the rules module (see
docs/architecture.md). The package exists so the layout matches the design from the start.
"""
