"""The graph -> a remote SPARQL 1.1 store, graph by graph, verified.

In: the built store and an endpoint. Out: the graphs on the server (``remote``); also the
HTTP client (``http``) and the endpoint layouts and credentials (``endpoints``) that
``kg query --endpoint`` uses (credentials only to the endpoint's own origin).
"""
