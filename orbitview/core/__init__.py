"""The model: catalogue arrays, time, frames, propagation and scene state.

Imports numpy, sgp4 and skyfield only; never Qt, vispy or OpenGL.
"""
