"""``python -m orbitview`` is the ``orbitview`` command."""

import sys

try:
    from orbitview.cli import command
except KeyboardInterrupt:  # Ctrl-C before the command could install its own handling
    print("orbitview: interrupted by SIGINT", file=sys.stderr)
    sys.exit(130)

command()
