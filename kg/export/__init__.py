"""The graph's text -> files, one writer per format family.

In: sorted (graph, head) pairs and the union. Out: Turtle, TriG, N-Triples, N-Quads and
JSON-LD, streamed and byte-identical for the same graph, written atomically.
"""
