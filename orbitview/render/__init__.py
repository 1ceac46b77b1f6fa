"""vispy visuals, the adapters that bind them to the core model, and offscreen rendering.

Imports vispy and core; never a Qt widget module.
"""
