"""Record -> the graph as sorted N-Triples text.

In: records and the reference data in ``ontology/``. Out: merged identities (``identity``)
and ``Mapped`` (``mapping.map_records``): each quad once as a (graph, head) pair, and the
union, in the one order of ``ntriples``; with the statistics graph and the dataset
description counted from the same text.
"""
