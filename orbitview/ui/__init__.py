"""The PyQt6 desktop window: it drives the core model and hosts the render view."""
