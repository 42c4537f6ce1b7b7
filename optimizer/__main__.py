"""`python -m optimizer` is the same as the `chainopt` command."""

from optimizer.cli import main

main()
