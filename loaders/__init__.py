"""Ingestion: the plan's reference data, product maps, demo data and users' own files."""
