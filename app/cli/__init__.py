"""The ``chainatlas`` command line: ``main`` builds the Typer app from one Typer app per module
(data, analyses, tokens); ``context`` holds what they share (settings, the store, error reports)."""
