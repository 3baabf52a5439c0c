"""``python -m app.cli``: the same as the ``chainatlas`` command."""

import sys

from app.cli.main import main

sys.exit(main())
