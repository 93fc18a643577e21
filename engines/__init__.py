"""Throwaway search-engine nodes for the tests (make test-es); see run_engine.py."""
