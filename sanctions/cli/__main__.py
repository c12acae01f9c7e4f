"""`python -m sanctions.cli`: the `sanctions` command."""

from . import main

main()
