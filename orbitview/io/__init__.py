"""Files in and out: element sets, trajectories, scenarios, the CelesTrak cache.

Imports core, numpy, h5py and the standard library; never Qt, vispy or OpenGL.
"""
