"""Record -> the graph as sorted N-Triples text.

In: records and the reference data in ``ontology/``. Out: ``Mapped`` (each quad once as a
(graph, head) pair, and the union), merged identities, and the statistics graph.
"""
