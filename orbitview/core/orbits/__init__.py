"""Orbits: catalogue arrays, SGP4 element sets and propagation, frames, times,
keyframes, tracks, ephemerides and Gabbard data.
"""
