"""``python -m orbitview`` is the ``orbitview`` command."""

import sys

from orbitview.cli import main

sys.exit(main())
