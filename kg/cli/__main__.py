"""``python -m kg.cli``: the ``jalin`` command."""

from kg.cli import main

main()
