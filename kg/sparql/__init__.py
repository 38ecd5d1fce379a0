"""Saved queries -> results.

In: ``queries/*.rq`` with their headers, typed parameters, a store or an endpoint.
Out: ``Results`` rendered as a table, CSV, TSV, JSON, Markdown or RDF.
"""
