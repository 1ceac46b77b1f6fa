"""HDF5 trajectory files: precomputed states of N objects at T times (docs/trajectories.md).

``TrajectoryWriter`` writes one in time order under a temporary name and renames it into place
only when complete. ``Trajectories.open`` reads one lazily: it loads the times and the layout
at once and each keyframe pair on demand, and serves the renderer as ``LiveKeyframes`` does.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from orbitview import __version__
from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.classify import CLASS_LABELS, ObjectClass
from orbitview.core.orbits.keyframes import Keyframes, hermite
from orbitview.core.orbits.propagate import EARTH_ROTATION_RAD_S, FRAMES
from orbitview.core.orbits.sgp4_elements import ELEMENT_ATTRIBUTES, satrecs_from_elements
from orbitview.io.atomic import AtomicFile, write_error
from orbitview.io.element_columns import clean_text

SCHEMA = "orbitview.trajectories"
SCHEMA_VERSION = 1
TIME_UNITS = "s since 1970-01-01T00:00:00 UTC (POSIX, no leap seconds)"

#: Bytes of one storage chunk of positions (or velocities); a chunk spans all objects.
CHUNK_BYTES = 1 << 20

_LABEL_CODES = {label: int(code) for code, label in CLASS_LABELS.items()}


class TrajectoryFileError(OrbitviewError):
    """A trajectory file that cannot be used: missing, damaged, or of another schema."""


def chunk_times(n_objects: int) -> int:
    """Times per storage chunk: about ``CHUNK_BYTES`` of float32 (T, N, 3), at least one."""
    return max(1, CHUNK_BYTES // (max(1, n_objects) * 3 * 4))


def _h5py():
    import h5py

    return h5py


class TrajectoryWriter:
    """Writes a trajectory file; use as a context manager.

    The file grows at ``<out dir>/.<name>.partial-<pid>`` (``orbitview.io.atomic``) and is
    renamed to ``path`` when the ``with`` block ends normally and every time was written; on an
    exception (Ctrl-C included) the partial file is deleted, so ``path`` only ever holds a
    complete file. The whole file's space is reserved before the first block: HDF5 cannot
    recover from a failed write (it crashes the process on close), so a disk too small is
    refused up front with one line.
    """

    def __init__(self, path: str | Path, catalog: Catalog, times_s: np.ndarray, frame: str) -> None:
        if frame not in FRAMES:
            raise ValueError(f"frame must be one of {FRAMES}, not {frame!r}")
        self._target = AtomicFile(path)
        self.path = self._target.path
        self.partial_path = self._target.partial
        self.times_s = np.asarray(times_s, np.float64)
        self.catalog = catalog
        self.frame = frame
        self.chunk_times = chunk_times(len(catalog))
        #: ``catalog.sgp4_elements``: what is stored, and what workers propagate from.
        self.elements = catalog.sgp4_elements
        self._written = 0
        self._file = None

    def __enter__(self) -> "TrajectoryWriter":
        h5py = _h5py()
        self._target.__enter__()
        try:
            # The layout (attributes, object tables, empty chunked datasets) is made in memory
            # and written into the reserved file, which HDF5 then opens without truncating it.
            with h5py.File(f"layout-{id(self)}", "w", driver="core", backing_store=False) as layout:
                self._create_layout(layout)
                layout.flush()
                image = layout.id.get_file_image()
            self._target.reserve(len(image) + self.data_bytes())
            with open(self.partial_path, "r+b") as handle:
                handle.write(image)
            self._file = h5py.File(self.partial_path, "r+")
        except OSError as exc:
            self._target.discard()
            raise write_error(self.path, exc) from None
        except BaseException:
            # __exit__ does not run when __enter__ fails (Ctrl-C here included): clean up now.
            self._target.discard()
            raise
        return self

    def data_bytes(self) -> int:
        """An upper bound of what the chunked datasets take on disk: the states and status in
        whole chunks (the last one is stored whole too), each chunk's checksum, and the chunk
        index (at most a few hundred bytes a chunk)."""
        t, n = len(self.times_s), len(self.catalog)
        per_chunk = max(1, min(self.chunk_times, t))
        chunks = math.ceil(t / per_chunk)
        return chunks * per_chunk * n * (2 * 3 * 4 + 1) + 3 * chunks * 512 + (1 << 20)

    def _create_layout(self, f) -> None:
        h5py = _h5py()
        catalog = self.catalog
        t, n = len(self.times_s), len(catalog)
        f.attrs.update(
            schema=SCHEMA, schema_version=SCHEMA_VERSION, frame=self.frame, created_by=f"orbitview {__version__}"
        )
        times = f.create_dataset("times", data=self.times_s)
        times.attrs["units"] = TIME_UNITS
        tc = min(self.chunk_times, t)
        # fletcher32 makes damaged chunks fail loudly on read instead of drawing nonsense.
        for name, units in (("position_km", "km"), ("velocity_km_s", "km/s")):
            data = f.create_dataset(name, (t, n, 3), np.float32, chunks=(tc, n, 3), fletcher32=True)
            data.attrs.update(units=units, frame=self.frame)
        # Files of orbitview 0.1 hold SGP4's own velocities and lack this attribute.
        f["velocity_km_s"].attrs["derivative_of"] = "position_km"
        f.create_dataset("status", (t, n), np.uint8, chunks=(tc, n), fletcher32=True)
        objects = f.create_group("objects")
        text = h5py.string_dtype("utf-8")
        objects["norad_id"] = catalog.norad_id
        objects.create_dataset("name", data=catalog.name.astype(str).astype(object), dtype=text)
        objects.create_dataset("intl_designator", data=catalog.intl_designator.astype(str).astype(object), dtype=text)
        labels = np.array([CLASS_LABELS[code] for code in ObjectClass], dtype=object)
        objects.create_dataset("object_class", data=labels[catalog.object_class], dtype=text)
        for key, values in self.elements.items():
            objects[key] = values
        objects["element_set_no"] = catalog.element_set_no
        objects["rev_at_epoch"] = catalog.rev_at_epoch
        objects.create_dataset("classification", data=catalog.classification.astype(str).astype(object), dtype=text)

    def write(self, start: int, position_km: np.ndarray, velocity_km_s: np.ndarray, status: np.ndarray) -> None:
        """Store times ``start:start + len(position_km)``; blocks must come in time order.

        The velocities are the time derivative of the positions, as ``propagate_blocks`` gives
        them: what the Hermite interpolation of a reader needs (docs/trajectories.md).
        """
        if start != self._written:
            raise ValueError(f"block starts at time {start}, expected {self._written}")
        stop = start + len(position_km)
        self._file["position_km"][start:stop] = position_km
        self._file["velocity_km_s"][start:stop] = velocity_km_s
        self._file["status"][start:stop] = status
        self._written = stop

    def __exit__(self, exc_type, exc, tb) -> None:
        complete = exc_type is None and self._written == len(self.times_s)
        try:
            self._file.close()
            if complete:
                self._target.commit()
        finally:
            self._target.discard()
        if exc_type is None and not complete:
            raise RuntimeError(f"only {self._written} of {len(self.times_s)} times were written")


class Trajectories:
    """A trajectory file opened for reading; lazy, cheap to open whatever its size.

    ``times_s``: (T,) float64 POSIX seconds. ``frame``: the stored frame. ``len()`` is N.
    ``at(t_s)`` gives the renderer GCRS ``Keyframes``; ``positions_at(t_s)`` interpolates.
    """

    def __init__(self, path: Path, handle) -> None:
        self.path = path
        self._file = handle
        self.frame = str(handle.attrs["frame"])
        self.times_s = handle["times"][...].astype(np.float64)
        _check_times(path, self.times_s)
        self._position = handle["position_km"]
        self._velocity = handle["velocity_km_s"]
        self._status = handle["status"]
        self._rows: dict[int, tuple] = {}

    @classmethod
    def open(cls, path: str | Path) -> "Trajectories":
        """Open ``path``; ``TrajectoryFileError`` when it is missing, damaged or not ours."""
        h5py = _h5py()
        path = Path(path)
        if path.is_dir():
            raise TrajectoryFileError(f"{path}: is a directory, not a trajectory file")
        if not path.is_file():
            raise TrajectoryFileError(f"{path}: no such file")
        try:
            # A chunk cache of a few chunks keeps neighbouring keyframe pairs a memory copy.
            handle = h5py.File(path, "r", rdcc_nbytes=8 * CHUNK_BYTES)
        except OSError as exc:
            raise TrajectoryFileError(
                f"{path}: not a readable HDF5 file (truncated or corrupted?): {_reason(exc)}"
            ) from None
        try:
            _check_layout(path, handle)
            return cls(path, handle)
        except TrajectoryFileError:
            handle.close()
            raise
        except (OSError, KeyError, ValueError) as exc:
            handle.close()
            raise TrajectoryFileError(f"{path}: damaged trajectory file: {_reason(exc)}") from None

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "Trajectories":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return self._position.shape[1]

    @property
    def start_s(self) -> float:
        return float(self.times_s[0])

    @property
    def end_s(self) -> float:
        return float(self.times_s[-1])

    @property
    def norad_id(self) -> np.ndarray:
        """(N,) int64 catalogue numbers, in the order of the state arrays."""
        return self._read(self._file["objects/norad_id"], ...)

    def _read(self, dataset, selection):
        try:
            return dataset[selection]
        except OSError as exc:
            raise TrajectoryFileError(f"{self.path}: damaged data in {dataset.name}: {_reason(exc)}") from None

    def _interval(self, t_s: float) -> int:
        """Index k of the samples around ``t_s``: times[k] <= t_s <= times[k + 1], clipped."""
        k = int(np.searchsorted(self.times_s, t_s, side="right")) - 1
        return min(max(k, 0), len(self.times_s) - 2)

    def _pair(self, k: int) -> tuple["_Row", "_Row"]:
        """The stored samples k and k + 1.

        Rows are kept from the previous call, so playing forward across a sample reads one
        new row per dataset instead of two, and staying within an interval reads nothing.
        """
        if k not in self._rows and k + 1 not in self._rows:
            # A jump: both rows in one read per dataset.
            pair = slice(k, k + 2)
            position, velocity, status = (self._read(d, pair) for d in (self._position, self._velocity, self._status))
            rows = {k + j: _Row(float(self.times_s[k + j]), position[j], velocity[j], status[j]) for j in (0, 1)}
        else:
            rows = {i: self._rows.get(i) or self._read_row(i) for i in (k, k + 1)}
        self._rows = rows
        return rows[k], rows[k + 1]

    def _read_row(self, i: int) -> "_Row":
        return _Row(
            float(self.times_s[i]),
            self._read(self._position, i),
            self._read(self._velocity, i),
            self._read(self._status, i),
        )

    def positions_at(self, t_s: float) -> np.ndarray:
        """(N, 3) float64 km in ``self.frame`` at ``t_s`` by cubic Hermite interpolation.

        NaN for objects without a valid state at either neighbouring sample (at a sample time:
        at that sample), and for every object when ``t_s`` lies outside ``[start_s, end_s]``.
        """
        if not self.start_s <= t_s <= self.end_s:
            return np.full((len(self), 3), np.nan)
        first, second = self._pair(self._interval(t_s))
        if t_s in (first.t_s, second.t_s):
            # On a sample the stored state is the answer, valid whatever the other end holds.
            row = first if t_s == first.t_s else second
            result = row.position.astype(np.float64)
            result[np.flatnonzero(row.status != 0)] = np.nan
            return result
        h = second.t_s - first.t_s
        result = hermite(first.position, first.velocity, second.position, second.velocity, h, (t_s - first.t_s) / h)
        # (flatnonzero of a bool array is ~7x faster than of the uint8 codes.)
        result[np.flatnonzero((first.status | second.status) != 0)] = np.nan
        return result

    def nearest_kept(self, t_s: float) -> Keyframes:
        """The pair around ``t_s`` (``at``): reading the file's samples runs no SGP4."""
        return self.at(t_s)

    def at(self, t_s: float, step_s: float | None = None) -> Keyframes:
        """The GCRS keyframe pair around ``t_s`` for the renderer (``step_s``, a playing step,
        is not used: the file's own samples are the pair's ends).

        Outside ``[start_s, end_s]`` every object is absent (the file says nothing about those
        times), over an interval that stops just short of the span: the renderer, which keeps
        a pair while it contains the clock, asks again as soon as the clock enters the span.
        """
        if t_s < self.start_s:
            return Keyframes.absent(len(self), t_s - 1e9, math.nextafter(self.start_s, -math.inf))
        if t_s > self.end_s:
            return Keyframes.absent(len(self), math.nextafter(self.end_s, math.inf), t_s + 1e9)
        first, second = self._pair(self._interval(t_s))
        p0, v0 = first.gcrs(self.frame)
        p1, v1 = second.gcrs(self.frame)
        return Keyframes(first.t_s, second.t_s, p0, v0, p1, v1, (first.status == 0) & (second.status == 0))

    def catalog(self) -> Catalog:
        """The objects as a ``Catalog``, their satrecs rebuilt from the stored elements."""
        objects = self._file["objects"]
        try:
            elements = {key: objects[key][...] for key in ELEMENT_ATTRIBUTES}
            norad_id = objects["norad_id"][...]
            names, designators, labels, classification = (
                objects[key].asstr(errors="replace")[...].astype(object) for key in _TEXT_COLUMNS)
            element_set_no = objects["element_set_no"][...]
            rev_at_epoch = objects["rev_at_epoch"][...]
        except (OSError, KeyError) as exc:
            raise TrajectoryFileError(f"{self.path}: damaged object table: {_reason(exc)}") from None
        for column in (names, designators, classification):
            clean_text(column)  # as element-set readers do: every writer can write them again
        unknown = int(ObjectClass.UNKNOWN)
        per_day = 1440.0 / (2 * math.pi)
        return Catalog(
            norad_id=norad_id,
            name=names,
            intl_designator=designators,
            object_class=np.array([_LABEL_CODES.get(label, unknown) for label in labels], np.uint8),
            epoch_jd=elements["epoch_jd"],
            epoch_fr=elements["epoch_fr"],
            mean_motion_rev_per_day=elements["no_kozai_rad_per_min"] * per_day,
            eccentricity=elements["ecco"],
            inclination_deg=np.degrees(elements["inclo_rad"]),
            raan_deg=np.degrees(elements["nodeo_rad"]),
            arg_perigee_deg=np.degrees(elements["argpo_rad"]),
            mean_anomaly_deg=np.degrees(elements["mo_rad"]),
            bstar=elements["bstar_per_earth_radius"],
            mean_motion_dot=elements["ndot_rad_per_min2"] * 1440.0 * per_day,
            mean_motion_ddot=elements["nddot_rad_per_min3"] * 1440.0**2 * per_day,
            element_set_no=element_set_no,
            rev_at_epoch=rev_at_epoch,
            classification=classification,
            source=np.full(len(norad_id), str(self.path), dtype=object),
            satrecs=tuple(satrecs_from_elements(elements, norad_id)),
        )


class _Row:
    """One stored sample: ``position`` and ``velocity`` (N, 3) float32 in the file's frame,
    ``status`` (N,) uint8; its GCRS form for the renderer is made once, on demand."""

    __slots__ = ("t_s", "position", "velocity", "status", "_gcrs")

    def __init__(self, t_s: float, position, velocity, status) -> None:
        # A state the file calls valid but that is not finite (NaN, inf) is invalid all the same.
        finite = np.isfinite(position).all(axis=1) & np.isfinite(velocity).all(axis=1)
        if not finite.all():
            status = np.where(finite, status, NOT_FINITE_STATUS).astype(np.uint8)
        self.t_s, self.position, self.velocity, self.status = t_s, position, velocity, status
        self._gcrs = None

    def gcrs(self, frame: str) -> tuple[np.ndarray, np.ndarray]:
        """Position and velocity (N, 3) float32 GCRS, zero where invalid (the GPU takes no NaN)."""
        if self._gcrs is None:
            position, velocity = _to_gcrs(frame, self.t_s, self.position, self.velocity)
            # Copies (the stored row stays as read), zeroed on the invalid rows,
            # which hold every NaN: a third of the time of nan_to_num's whole-array passes.
            position, velocity = np.array(position, np.float32), np.array(velocity, np.float32)
            invalid = np.flatnonzero(self.status != 0)
            position[invalid] = 0.0
            velocity[invalid] = 0.0
            self._gcrs = (position, velocity)
        return self._gcrs


def _to_gcrs(frame: str, t_s: float, position, velocity):
    """(N, 3) states of ``frame`` at ``t_s`` rotated to GCRS, float32."""
    from orbitview.core.orbits.frames import gcrs_from_itrs, gcrs_from_teme

    if frame == "GCRS":
        return position, velocity
    if frame == "TEME":
        rotation = gcrs_from_teme(t_s)
    else:
        rotation = gcrs_from_itrs(t_s)
        # Undo the Earth's spin that ITRS velocities carry: v_inertial = v + omega x r.
        velocity = velocity.astype(np.float64)
        velocity[:, 0] -= EARTH_ROTATION_RAD_S * position[:, 1]
        velocity[:, 1] += EARTH_ROTATION_RAD_S * position[:, 0]
    return (position @ rotation.T).astype(np.float32), (velocity @ rotation.T).astype(np.float32)


#: Objects-table datasets: text ones, and numbers (one per object each).
_TEXT_COLUMNS = ("name", "intl_designator", "object_class", "classification")
_NUMBER_COLUMNS = ("norad_id", *ELEMENT_ATTRIBUTES, "element_set_no", "rev_at_epoch")
#: Sample times outside the years 1900-2200 (POSIX seconds) are no orbit's: a damaged file
#: (and ``orbitview precompute`` writes none).
TIME_RANGE_S = (-2208988800.0, 7258118400.0)
#: The status of a state stored as valid (status 0) but not finite: invalid all the same.
NOT_FINITE_STATUS = 255


def _check_layout(path: Path, handle) -> None:
    """Every attribute, group and dataset the schema names, of the kind, type and shape it
    says; ``TrajectoryFileError`` at the first that is not."""
    h5py = _h5py()
    attrs = handle.attrs
    schema = _text(attrs.get("schema"))
    if schema != SCHEMA:
        found = "no schema attribute" if schema is None else f"schema {schema[:40]!r}"
        raise TrajectoryFileError(f"{path}: not an orbitview trajectory file ({found}, expected {SCHEMA!r})")
    version = _schema_version(path, attrs.get("schema_version"))
    if version > SCHEMA_VERSION:
        raise TrajectoryFileError(
            f"{path}: written by a newer orbitview (trajectory schema version {version}; "
            f"this version reads up to {SCHEMA_VERSION}): update orbitview to open it"
        )
    if version < 1:
        raise TrajectoryFileError(f"{path}: bad trajectory schema version {version}")
    frame = _text(attrs.get("frame"))
    if frame not in FRAMES:
        raise TrajectoryFileError(f"{path}: unknown frame {str(frame)[:40]!r} (expected one of {', '.join(FRAMES)})")
    datasets = {"times": "fiu", "position_km": "f", "velocity_km_s": "f", "status": "iu"}
    datasets.update({f"objects/{name}": "fiu" for name in _NUMBER_COLUMNS})
    datasets.update({f"objects/{name}": "text" for name in _TEXT_COLUMNS})
    for name, kinds in datasets.items():
        member = handle.get(name)
        if not isinstance(member, h5py.Dataset):
            found = "missing" if member is None else "a group"
            raise TrajectoryFileError(f"{path}: damaged trajectory file: {name} is {found}, expected a dataset")
        is_text = h5py.check_string_dtype(member.dtype) is not None
        if (kinds == "text") != is_text or (not is_text and member.dtype.kind not in kinds):
            expected = {"text": "text", "f": "floating-point numbers", "iu": "integers"}.get(kinds, "numbers")
            raise TrajectoryFileError(f"{path}: damaged trajectory file: {name} holds {member.dtype}, expected {expected}")
    t = handle["times"].shape[0] if handle["times"].ndim == 1 else -1
    n = handle["objects/norad_id"].shape[0] if handle["objects/norad_id"].ndim == 1 else -1
    expected = {"times": (t,), "position_km": (t, n, 3), "velocity_km_s": (t, n, 3), "status": (t, n)}
    expected.update({f"objects/{name}": (n,) for name in (*_NUMBER_COLUMNS, *_TEXT_COLUMNS)})
    if t < 0 or n < 0:
        raise TrajectoryFileError(f"{path}: damaged trajectory file: times and objects/norad_id must be one-dimensional")
    for name, shape in expected.items():
        if handle[name].shape != shape:
            raise TrajectoryFileError(f"{path}: {name} has shape {handle[name].shape}, expected {shape}")
    if t < 2:
        raise TrajectoryFileError(f"{path}: needs at least two times to interpolate, has {t}")


def _schema_version(path: Path, value) -> int:
    """The ``schema_version`` attribute as an int; a missing one reads as -1."""
    if value is None:
        return -1
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TrajectoryFileError(f"{path}: schema_version is {str(value)[:40]!r}, expected a whole number")
    return int(value)


def _check_times(path: Path, times_s: np.ndarray) -> None:
    """Sample times must be finite, strictly increasing and within the years 1900-2200."""
    if not np.isfinite(times_s).all():
        k = int(np.argmin(np.isfinite(times_s)))
        raise TrajectoryFileError(f"{path}: damaged trajectory file: times[{k}] is {times_s[k]}")
    steps = np.diff(times_s)
    if (steps <= 0).any():
        k = int(np.argmax(steps <= 0))
        raise TrajectoryFileError(f"{path}: damaged trajectory file: times must increase, "
                                  f"but times[{k + 1}] = {times_s[k + 1]!r} follows times[{k}] = {times_s[k]!r}")
    low, high = TIME_RANGE_S
    if times_s[0] < low or times_s[-1] > high:
        raise TrajectoryFileError(f"{path}: damaged trajectory file: times {times_s[0]!r} .. {times_s[-1]!r} s "
                                  "are outside the years 1900-2200")


def _text(value) -> str | None:
    return value.decode() if isinstance(value, bytes) else (None if value is None else str(value))


def _reason(exc: BaseException) -> str:
    """The useful last line of an HDF5 error, which h5py prefixes with its own context."""
    return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
