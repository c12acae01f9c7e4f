"""`python -m sanctions`: the `sanctions` command."""

from .cli import main

main()
