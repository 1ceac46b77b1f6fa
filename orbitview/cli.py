"""The ``orbitview`` command: parses arguments and hands over to the window or a subcommand.

Each subcommand lives in ``orbitview/commands/<name>.py`` with ``add_arguments(parser)`` and
``run(args) -> int``; it is imported only when used, so ``orbitview --version`` stays instant.
A user mistake (``OrbitviewError``) prints one line to stderr and exits 2, never a traceback;
SIGINT, SIGTERM and SIGHUP stop a subcommand cleanly with one line and exit 130, 143 and 129
(``orbitview.core.interrupts``).
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys

from orbitview import __version__
from orbitview.core.errors import OrbitviewError
from orbitview.core.interrupts import STOP_SIGNALS, Interrupted, stop_on_signals

#: name -> one-line help. The module ``orbitview.commands.<name>`` implements it.
SUBCOMMANDS = {
    "render": "render the 3D view headless: a PNG, or an MP4/GIF of a scenario (no display needed)",
    "inspect": "summarise what element-set files would load, and what is wrong with them",
    "fetch": "download CelesTrak groups into the local cache",
    "precompute": "propagate catalogues over a time span into an HDF5 trajectory file",
    "breakup": "model a breakup (NASA standard breakup model) into fragment element sets",
    "screen": "screen element sets for close approaches (conjunctions) over a time span",
    "plot": "draw a Gabbard diagram, altitude histogram or range plot as PNG, SVG or PDF",
}


def _window_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orbitview",
        description="Show the Earth, tracked satellites and debris in 3D. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (orbitview SUBCOMMAND --help).",
    )
    parser.add_argument("--version", action="version", version=f"orbitview {__version__}")
    parser.add_argument("files", nargs="*", metavar="FILE", help="TLE/3LE element-set files to open")
    parser.add_argument("--time", metavar="ISO8601", help="displayed time, UTC (default: now)")
    parser.add_argument(
        "--screenshot",
        metavar="PATH.png",
        help="open the window, save a screenshot of it once the first frame is drawn, and exit",
    )
    return parser


def _subcommand_parser(name: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"orbitview {name}", description=SUBCOMMANDS[name])
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            with stop_on_signals(STOP_SIGNALS, Interrupted):
                return _run_subcommand(argv[0], argv[1:])
        args = _window_parser().parse_args(argv)
        from orbitview.commands import window

        return window.run(args)
    except OrbitviewError as exc:
        print(f"orbitview: error: {exc}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(f"orbitview: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("orbitview: interrupted", file=sys.stderr)
        return 130


def command() -> None:
    """The ``orbitview`` executable: ``main``, then exit with its status. A stop signal that
    comes once the command is done (while Python shuts down, which can take a while after
    GL and the worker pool) no longer turns a finished run into one killed by the signal."""
    code = main()
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    sys.exit(code)


def _run_subcommand(name: str, argv: list[str]) -> int:
    module = importlib.import_module(f"orbitview.commands.{name}")
    parser = _subcommand_parser(name)
    module.add_arguments(parser)
    return module.run(parser.parse_args(argv))
