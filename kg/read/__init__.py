"""Files -> Page -> Record: the only stage that reads input.

In: paths of text pages. Out: ``Page`` values (decoded lines and their diagnostics) and
``Record`` values (papers and headers, with FILE:LINE diagnostics for what was skipped).
"""
