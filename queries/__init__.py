"""Analyses: pure functions over NetworkX graphs projected from a store."""
