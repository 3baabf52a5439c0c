"""The version of the graph schema (labels, types, their properties) that this code writes.

Raise it whenever a change makes stored data mean something else or fail to validate (a property
renamed, a label added that older code would not understand). Backups record it, and a restore
refuses a file of another version (``stores/backup.py``).

>>> SCHEMA_VERSION >= 1
True
"""

from __future__ import annotations

SCHEMA_VERSION = 1
