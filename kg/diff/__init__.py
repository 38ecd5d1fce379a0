"""Two build outputs -> what changed between them (``kg diff OLD NEW``).

In: the ``graph.nq`` of two ``kg build`` output folders, each sorted by graph, then subject
with rdf:type first (kg.graph.ntriples). Out: a ``Diff`` (kg.diff.model): per person the
papers their pages list that came or went and their latest metrics, per paper the fields
that changed, per named graph the triples removed and added; and, for ``--triples``, the
changed quads themselves.

    builds.compare_builds   the entry point: opens both files, runs the stages below
    files                   the I/O edge: batches of lines, lookups by binary search
    merge                   the two files merged graph by graph, a window at a time
    collect                 what the summary needs, kept during that single pass
    pages                   one page graph -> owners, listed papers, observations
    summary                 people and papers, with the few lookups they need
    render                  text, Markdown and JSON

The merge holds a window of lines and one page graph at a time, never either file; the
summary needs only the changed lines and a few lines more, found in the sorted files.
"""
