"""Breakups: the NASA standard breakup model, event presets, fragment element
sets and drag calibration, and the layers a modelled breakup shows as.
"""
