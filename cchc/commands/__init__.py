"""One module per command group of the `cchc` CLI."""
