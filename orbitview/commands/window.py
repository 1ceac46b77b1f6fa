"""``orbitview [FILES...] [--time T] [--screenshot PATH.png]``: the desktop window."""

from __future__ import annotations

from orbitview.commands.common import scene_from_files
from orbitview.core.errors import OrbitviewError
from orbitview.io.atomic import check_output_path


def run(args) -> int:
    if args.screenshot:
        check_output_path(args.screenshot, args.files)
        if not args.screenshot.lower().endswith(".png"):
            raise OrbitviewError(f"--screenshot {args.screenshot}: the name must end in .png")
    scene = scene_from_files(args.files, args.time)
    from orbitview.ui.app import run_window

    # Plain "orbitview" carries on where the last session stopped; files or a time start afresh.
    return run_window(scene, screenshot=args.screenshot, restore_session=not args.files and not args.time)
