"""Shapes -> validation report.

In: a store or RDF files and the shapes in ``shapes/``. Out: a ``Report`` (conforms, results
with their source page and line) as text, Turtle or JSON.
"""
