"""The store -> a static HTML site (``kg report``).

In: the built store, the ontology, the shapes, the validation report and the saved queries.
Out: pages of people, topics and papers, the query gallery and the reference pages.
"""
