"""`python -m cchc` runs the CLI."""

from cchc.cli import main

main()
