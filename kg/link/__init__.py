"""Papers -> links to arXiv records, from a metadata snapshot (issue #19).

In: our papers as the matcher sees them (``model.Wanted``: printed title, authors, date,
abstract) and the path of an arXiv metadata snapshot (JSON lines, plain or ``.gz``). Out:
``model.Linking``: a ``Link`` per paper matched beyond doubt (identifier, DOI, the full
author list reconciled with the printed names, exact categories, the v1 date), the papers
not found, ambiguous or contradicted, and FILE:LINE diagnostics. The file is streamed once;
memory follows our papers, not the file.
"""
