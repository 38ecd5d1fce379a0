"""Saved queries -> results.

In: ``queries/*.rq`` with their headers, typed parameters, and a store the caller opened
(``kg.store.embedded.open_store``) or an endpoint URL.
Out: ``Results`` rendered as a table, CSV, TSV, JSON, Markdown or RDF.

Modules, each importing only those before it: ``text`` (the lexer: form, prefixes, VALUES
blocks), ``header`` (the leading ``#`` lines, typed parameters), ``results``, ``saved``
(reading, binding, running on a store), ``endpoint`` (running on a remote endpoint).
"""
