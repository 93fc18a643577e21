"""The web app (Vietnamese): search, article, coverage and sources pages; label corrections after login."""
