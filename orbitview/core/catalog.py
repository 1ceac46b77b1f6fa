"""``Catalog``: a set of element sets as columns of numpy arrays, one row per object."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from orbitview.core.times import jd_to_posix

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
    uses; the columns are what the user sees and what files are written from.
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
    satrecs: tuple

    def __post_init__(self) -> None:
        n = len(self.satrecs)
        for name, dtype in COLUMNS.items():
            column = np.asarray(getattr(self, name), dtype=dtype)
            if column.shape != (n,):
                raise ValueError(f"column {name} has shape {column.shape}, expected ({n},)")
            object.__setattr__(self, name, column)

    def __len__(self) -> int:
        return len(self.satrecs)

    @classmethod
    def empty(cls) -> "Catalog":
        return cls(**{name: np.empty(0, dtype) for name, dtype in COLUMNS.items()}, satrecs=())

    @classmethod
    def concatenate(cls, catalogs: list["Catalog"]) -> "Catalog":
        if not catalogs:
            return cls.empty()
        columns = {name: np.concatenate([getattr(c, name) for c in catalogs]) for name in COLUMNS}
        return cls(**columns, satrecs=tuple(s for c in catalogs for s in c.satrecs))

    def take(self, index: np.ndarray) -> "Catalog":
        """The rows at ``index`` (integer indices or a boolean mask), in that order."""
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        columns = {name: getattr(self, name)[index] for name in COLUMNS}
        return Catalog(**columns, satrecs=tuple(self.satrecs[i] for i in index))

    @cached_property
    def epoch_s(self) -> np.ndarray:
        """``(N,) float64`` element epochs, POSIX seconds UTC."""
        return jd_to_posix(self.epoch_jd, self.epoch_fr)

    @cached_property
    def satrec_array(self):
        """``sgp4.api.SatrecArray`` over all rows, for vectorised propagation."""
        from sgp4.api import SatrecArray

        return SatrecArray(list(self.satrecs))

