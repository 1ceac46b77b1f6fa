"""The model of what is shown, as evented fields: scene, layers, clock, camera,
selection, overlay text, and the scenario they are written out as.
"""
