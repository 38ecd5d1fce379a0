"""Shapes -> validation report.

In: a store or RDF files and the shapes in ``shapes/``. Out: a ``Report`` (conforms, results
with their source page and line) as text, Turtle or JSON.

``run.validate`` is the entry point. ``data`` puts the data in an Oxigraph store; ``plan``
loads the shapes and decides which run where; ``compile``, ``queries`` and ``check`` check
most core shapes set-at-a-time in SPARQL, ``constraints`` the SPARQL-based ones, ``core``
the rest with pySHACL (and everything, for the reference run); ``report`` renders the result.
"""
