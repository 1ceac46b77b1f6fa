"""What an export makes of a scene: the video's frame rate and the image's size.

A scenario's ``[output]`` table holds these fields; the window's Export dialogs start from
them, and ``orbitview render`` uses them unless ``--fps`` or ``--size`` say otherwise.
"""

from __future__ import annotations

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.events import EventedModel, Field

#: The most frames per second a video may have.
MAX_FPS = 120
#: Image sides, pixels: the overlay's clock, legend and banner need at least 16; 8K UHD is what
#: GPU framebuffers and the video encoders reliably take.
MIN_IMAGE_SIDE, MAX_IMAGE_SIZE = 16, (7680, 4320)


def image_size_problem(width: int, height: int) -> str:
    """What is wrong with an image of ``width`` x ``height`` pixels; "" when nothing is."""
    (max_w, max_h), low = MAX_IMAGE_SIZE, MIN_IMAGE_SIDE
    if low <= width <= max_w and low <= height <= max_h:
        return ""
    return f"{width}x{height} is outside {low}x{low} .. {max_w}x{max_h} pixels"


def format_image_size(size: tuple[int, int]) -> str:
    """(1600, 900) -> ``1600x900``, as ``parse_image_size`` reads it."""
    width, height = size
    return f"{width}x{height}"


def parse_image_size(text: str) -> tuple[int, int]:
    """``1600x900`` -> (1600, 900), within the image size limits; a clear error otherwise."""
    try:
        width, height = (int(v) for v in text.strip().lower().split("x"))
    except ValueError:
        raise OrbitviewError(f"bad size {text!r}: expected WIDTHxHEIGHT such as 1600x900") from None
    if image_size_problem(width, height):
        raise OrbitviewError(f"bad size {text!r}: {image_size_problem(width, height)}")
    return width, height


def _fps(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_FPS:
        raise ValueError(f"frames per second must be an integer 1 .. {MAX_FPS}, not {value!r}")
    return value


def _image_size(value) -> tuple[int, int]:
    width, height = (int(v) for v in value)
    problem = image_size_problem(width, height)
    if problem:
        raise ValueError(problem)
    return width, height


class Output(EventedModel):
    """``fps``: video frames per second; ``size``: (width, height) pixels of images and videos."""

    fps = Field(24, _fps)
    size = Field((1920, 1080), _image_size)
