"""A fact or an entity of a built graph -> where it comes from (``kg why``).

In: a query (one IRI, or a triple ``S P O`` in N-Triples terms or prefixed names), the
built store and the parse cache beside it. Out: an ``Answer`` (``model``): for a fact, the
named graph that holds it and why: the pages and lines that printed it with their capture
dates, and for a merged value the named merge rule that chose it (MODEL.md, "Merge rules";
``kg.graph.identity.MERGE_RULES``) and whether the pages disagree; for a computed fact,
the taxonomy or the dataset description, that source. For an entity, the pages and lines
that introduce it. Rendered as text or json (``render``).

``query`` parses the terms, ``lookup`` reads the store, ``printed`` the parse cache,
``rules`` says what each record printed for each rule; ``explain`` answers (``why`` is the
entry point), with ``papers`` for merged paper values, ``arxiv`` for what a linked arXiv
record says (issue #19) and ``entities`` for the rest.
"""
