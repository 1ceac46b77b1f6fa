"""Adapters: one per model type, connecting the core model to vispy visuals.
"""
