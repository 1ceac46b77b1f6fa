"""``orbitview render FILES... --time ISO8601 --size WxH --out PATH.png``: the 3D view, headless."""

from __future__ import annotations

from orbitview.commands.common import parse_size, scene_from_files
from orbitview.core.errors import OrbitviewError


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="TLE/3LE element-set files")
    parser.add_argument("--time", metavar="ISO8601", help="displayed time, UTC (default: now)")
    parser.add_argument("--size", default="1920x1080", metavar="WxH", help="image size in pixels")
    parser.add_argument("--out", required=True, metavar="PATH.png", help="where to write the image")


def run(args) -> int:
    if not args.out.lower().endswith(".png"):
        raise OrbitviewError(f"--out {args.out}: only PNG images are written (name ending in .png)")
    size = parse_size(args.size)
    scene = scene_from_files(args.files, args.time)
    from orbitview.render.offscreen import render_image, scene_metadata, write_png

    image = render_image(scene, size)
    write_png(image, args.out, scene_metadata(scene))
    visible, _ = scene.object_count()
    print(f"wrote {args.out} ({size[0]}x{size[1]}, {visible:,} objects)")
    return 0
