"""The store -> a static HTML site (``kg report``).

In: the built store (and the build's graph.nq), the ontology, the shapes, the validation
report and the saved queries.
Out: pages of people, topics and papers (long lists in parts), the query gallery, the search
and the reference pages, and ``.bib`` files beside the paper, person and topic pages.

``site.write_report`` reads the graph once into a working catalogue (``catalogue``: the
facts into SQLite, read by ``facts`` from graph.nq when it is the store's content, else
from the store; ``from_store``: the few small things into the values of ``data``;
``citations``: the BibTeX entries, as ``kg.cite`` makes them), then writes page by page:
papers (``views``), people and topics (``entities``), the lists in parts (``lists``,
``parts``), the index, the gallery and the reference pages (``inputs`` reads what they
show), each rendered by a pure function (``index``, ``pages``, ``person`` with ``history``,
``gallery``, ``docs``, ``search``, built from ``html`` and ``svg``), through a writer that
keeps unchanged files and publishes the folder in one step (``output``).
"""
