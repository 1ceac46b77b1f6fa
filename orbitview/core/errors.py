"""The error a user can cause and fix: printed as one line, never as a traceback."""


class OrbitviewError(Exception):
    """A problem with the user's input (a file, a time, an option), worded for the user."""
