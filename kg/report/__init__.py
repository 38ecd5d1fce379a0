"""The store -> a static HTML site (``kg report``).

In: the built store, the ontology, the shapes, the validation report and the saved queries.
Out: pages of people, topics and papers, the query gallery and the reference pages, and
``.bib`` files beside the paper, person and topic pages (``bib``, through ``kg.cite``).

``site.write_report`` reads the inputs (the store through ``from_store``, into the values of
``data``; the saved queries run through ``kg.sparql``), renders every page (``index``,
``pages``, ``person`` with ``history`` for the metrics and papers over captures, ``gallery``,
``docs``, built from ``html`` and ``svg``) and publishes the folder in one step.
"""
