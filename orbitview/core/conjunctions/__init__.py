"""Conjunction screening: close approaches between element sets, found with a guarantee."""

from orbitview.core.conjunctions.co_located import CoLocated
from orbitview.core.conjunctions.screen import Encounter, Screening, screen

__all__ = ["CoLocated", "Encounter", "Screening", "screen"]
