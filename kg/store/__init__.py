"""The embedded Oxigraph store and ``kg serve``.

In: the build's N-Quads and N-Triples files. Out: a store on disk (``embedded``), opened
read-only by the other commands (for writing only by ``kg query --allow-update``), and a
local SPARQL endpoint over it (``serve``, behind the SERVICE-refusing proxy of ``guard``).
"""
