"""``python -m bioeval``: the ``bioeval`` command (how shards start their runs)."""

import sys

from bioeval.cli import main

sys.exit(main())
