"""orbitview: the Earth, tracked satellites and debris fields in 3D, for briefings.

The public face of the package. Shapes and units follow one convention everywhere:
``position_km : (T, N, 3)``, times as float64 seconds since 1970-01-01T00:00:00 UTC (POSIX).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
