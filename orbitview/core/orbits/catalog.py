"""``Catalog``: a set of element sets as columns of numpy arrays, one row per object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from orbitview.core.orbits.sgp4_elements import ELEMENT_ATTRIBUTES, LazySatrecs, elements_from_columns
from orbitview.core.orbits.times import jd_to_posix

#: Columns and their dtypes. Angles in degrees, mean motion in revolutions per day
#: (Kozai, as in the TLE), epochs as a two-part UTC Julian date as SGP4 keeps them.
COLUMNS: dict[str, type | str] = {
    "norad_id": np.int64,
    "name": object,
    "intl_designator": object,
    "object_class": np.uint8,
    "epoch_jd": np.float64,
    "epoch_fr": np.float64,
    "mean_motion_rev_per_day": np.float64,
    "eccentricity": np.float64,
    "inclination_deg": np.float64,
    "raan_deg": np.float64,
    "arg_perigee_deg": np.float64,
    "mean_anomaly_deg": np.float64,
    "bstar": np.float64,
    "mean_motion_dot": np.float64,
    "mean_motion_ddot": np.float64,
    "element_set_no": np.int64,
    "rev_at_epoch": np.int64,
    "classification": object,
    "source": object,
}


@dataclass(frozen=True, eq=False)
class Catalog:
    """Element sets of N objects; every column is an ``(N,)`` array (see ``COLUMNS``).

    ``satrecs`` holds the initialised ``sgp4.api.Satrec`` of each row, the form propagation
    uses; the columns are what the user sees and what files are written from. Pass them when
    they exist already (fitted or stored elements); left out, they are made from the columns
    on first use (``LazySatrecs``), exactly as sgp4's parser would make them.
    """

    norad_id: np.ndarray
    name: np.ndarray
    intl_designator: np.ndarray
    object_class: np.ndarray
    epoch_jd: np.ndarray
    epoch_fr: np.ndarray
    mean_motion_rev_per_day: np.ndarray
    eccentricity: np.ndarray
    inclination_deg: np.ndarray
    raan_deg: np.ndarray
    arg_perigee_deg: np.ndarray
    mean_anomaly_deg: np.ndarray
    bstar: np.ndarray
    mean_motion_dot: np.ndarray
    mean_motion_ddot: np.ndarray
    element_set_no: np.ndarray
    rev_at_epoch: np.ndarray
    classification: np.ndarray
    source: np.ndarray
    satrecs: Sequence | None = None

    def __post_init__(self) -> None:
        n = len(self.norad_id)
        for name, dtype in COLUMNS.items():
            column = np.asarray(getattr(self, name), dtype=dtype)
            if column.shape != (n,):
                raise ValueError(f"column {name} has shape {column.shape}, expected ({n},)")
            object.__setattr__(self, name, column)
        if self.satrecs is None:
            object.__setattr__(self, "satrecs", LazySatrecs(self._elements_from_columns(), self.norad_id))
        elif len(self.satrecs) != n:
            raise ValueError(f"{len(self.satrecs)} satrecs for {n} rows")

    def __len__(self) -> int:
        return len(self.norad_id)

    @classmethod
    def empty(cls) -> "Catalog":
        return cls(**{name: np.empty(0, dtype) for name, dtype in COLUMNS.items()})

    @classmethod
    def concatenate(cls, catalogs: list["Catalog"]) -> "Catalog":
        if not catalogs:
            return cls.empty()
        if len(catalogs) == 1:
            return catalogs[0]
        columns = {name: np.concatenate([getattr(c, name) for c in catalogs]) for name in COLUMNS}
        return cls(**columns, satrecs=None if all(c._satrecs_from_columns for c in catalogs)
                   else tuple(s for c in catalogs for s in c.satrecs))

    def take(self, index: np.ndarray) -> "Catalog":
        """The rows at ``index`` (integer indices or a boolean mask), in that order."""
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        columns = {name: getattr(self, name)[index] for name in COLUMNS}
        if self._satrecs_from_columns and not self.satrecs.built:
            return Catalog(**columns)
        return Catalog(**columns, satrecs=tuple(self.satrecs[i] for i in index))

    @property
    def _satrecs_from_columns(self) -> bool:
        """Whether the satrecs are (to be) made from the columns, not given."""
        return isinstance(self.satrecs, LazySatrecs)

    def _elements_from_columns(self) -> dict[str, np.ndarray]:
        return elements_from_columns(
            self.epoch_jd, self.epoch_fr, self.mean_motion_rev_per_day, self.eccentricity,
            self.inclination_deg, self.raan_deg, self.arg_perigee_deg, self.mean_anomaly_deg,
            self.bstar, self.mean_motion_dot, self.mean_motion_ddot,
        )

    @cached_property
    def sgp4_elements(self) -> dict[str, np.ndarray]:
        """``ELEMENT_ATTRIBUTES`` columns, ``(N,) float64``, exactly as the satrecs hold them:
        what files store and worker processes rebuild the satrecs from."""
        if self._satrecs_from_columns:
            return self.satrecs.elements
        return {
            key: np.fromiter((getattr(s, attr) for s in self.satrecs), np.float64, len(self))
            for key, attr in ELEMENT_ATTRIBUTES.items()
        }

    @cached_property
    def epoch_s(self) -> np.ndarray:
        """``(N,) float64`` element epochs, POSIX seconds UTC."""
        return jd_to_posix(self.epoch_jd, self.epoch_fr)

    @cached_property
    def satrec_array(self):
        """``sgp4.api.SatrecArray`` over all rows, for vectorised propagation."""
        from sgp4.api import SatrecArray

        return SatrecArray(list(self.satrecs))

