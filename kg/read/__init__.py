"""Files -> Page -> Record: the only stage that reads input.

In: paths of text pages. Out: ``Page`` values (decoded lines and their diagnostics, from
``pages``) and ``Parsed`` (``PaperRecord`` and ``ProfileRecord`` values from ``model``, with
FILE:LINE diagnostics for what was skipped), read by ``records.parse_pages`` or, on every
core, ``parallel.parse_pages_in_parallel``.
"""
