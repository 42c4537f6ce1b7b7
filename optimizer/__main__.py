"""`python -m optimizer` is the same as the `chainopt` command."""

from optimizer.cli import console_main

if __name__ == "__main__":  # not when a solver process re-imports the main module
    console_main()
