"""vispy visuals with orbitview's own GLSL, and the transforms they share.
"""
