"""The Elasticsearch backend: versioned index templates, query DSL, bulk ingest with a dead-letter file."""
