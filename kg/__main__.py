"""``python -m kg``: the same as the ``kg`` console script."""

from kg.cli import main

main(prog_name="kg")
