"""The embedded Oxigraph store and ``kg serve``.

In: the build's N-Quads and N-Triples files. Out: a store on disk, opened read-only by the
other commands, and a local SPARQL endpoint over it.
"""
