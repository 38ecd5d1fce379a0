"""The built graph's papers -> citations (issue #18).

In: the embedded store (``kg.store.embedded.open_store``) and a ``Selection`` (a person, a
topic, a date, the papers of a saved query, or one paper).
Out: ``Cited``, the selected papers as frozen ``Citation`` records sorted by their citation
key (``read``; keys in ``keys``), and notes to tell the user (skipped untitled papers,
inferred years); and the writers that stream them as BibTeX (``bibtex``), CSL-JSON
(``csl``) and RIS (``ris``), one text chunk per entry, byte-identical for the same graph.
``kg.export.formats`` names the three writers next to the RDF formats.
"""
