"""``python -m app.cli``: the same as the ``chainatlas`` command."""

from app.cli.main import main

main()
