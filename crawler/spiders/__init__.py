"""The crawler's spiders."""
