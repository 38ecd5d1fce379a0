"""The graph's text -> files, one writer module per format family.

In: the graph as sorted N-Triples text, (graph, head) pairs and their union
(``kg.export.lines``). Out: N-Triples and N-Quads (``ntriples``), Turtle and TriG
(``turtle``), compact JSON-LD (``jsonld``), streamed as text chunks, byte-identical for the
same graph, and written atomically (``files``). ``formats`` is the registry that names them:
one frozen ``Format`` per format, looked up by name or by file suffix.
"""
