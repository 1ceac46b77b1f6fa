"""The selected object's identity, elements and live state, and what can be done with it."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QSignalBlocker, QTimer
from PyQt6.QtWidgets import QApplication, QFormLayout, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.events import disconnect_events
from orbitview.core.model.object_info import ObjectInfo, object_state
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.prefetch import Prefetcher
from orbitview.core.orbits.times import format_utc
from orbitview.io.fetch import format_age
from orbitview.io.writers import format_catalog

#: The live values are refreshed at most this often while the clock runs.
REFRESH_MS = 200
ROWS = (("name", "Name"), ("norad_id", "Catalogue number"), ("intl_designator", "Designator"),
        ("object_class", "Class"), ("source", "Source"), ("epoch", "Element epoch"), ("age", "Age of elements"),
        ("altitude", "Altitude"), ("speed", "Speed (inertial)"), ("lat_lon", "Latitude, longitude"),
        ("heights", "Highest / lowest"), ("period", "Period"), ("inclination", "Inclination"),
        ("apsides", "Mean apogee / perigee"), ("light", "Illumination"))


def age_text(age_s: float) -> str:
    return f"{format_age(age_s)}" if age_s >= 0 else f"{format_age(-age_s)} after the displayed time"


def info_texts(info: ObjectInfo) -> dict[str, str]:
    """The panel's text for each row of ``ROWS``."""
    here = info.altitude_km is not None
    absent = "— (not in orbit at this time)"
    return {
        "name": info.name or "(unnamed)",
        "norad_id": str(info.norad_id),
        "intl_designator": info.intl_designator or "—",
        "object_class": info.object_class,
        "source": info.layer_name if Path(info.source).name == info.layer_name else f"{info.layer_name} ({Path(info.source).name})",
        "epoch": format_utc(info.epoch_s),
        "age": age_text(info.element_age_s),
        "altitude": f"{info.altitude_km:,.1f} km" if here else absent,
        "heights": f"{info.highest_km:,.1f} / {info.lowest_km:,.1f} km in the next revolution"
        if info.highest_km is not None else "—",
        "speed": f"{info.speed_km_s:.3f} km/s" if here else "—",
        "lat_lon": f"{info.latitude_deg:+.3f}°, {info.longitude_deg:+.3f}°" if here else "—",
        "period": f"{info.period_min:.2f} min",
        "inclination": f"{info.inclination_deg:.3f}°",
        "apsides": f"{info.mean_apogee_km:,.0f} / {info.mean_perigee_km:,.0f} km above the equator's radius",
        "light": "—" if not here else "unknown (beyond JPL DE421)" if info.sunlit is None
                 else "sunlit" if info.sunlit else "in Earth's shadow",
    }


class InfoPanel(QWidget):
    """Shows ``scene.selected`` live as time runs; Follow, Pin label, Tracks, Copy.

    With a ``prefetcher`` (the window's draw-path worker) the state is computed there while the
    clock plays (SGP4 over a revolution for the heights) and shown when it comes back, unless a
    newer request overtook it; paused, at once.
    """

    def __init__(self, scene: Scene, parent: QWidget | None = None, prefetcher: Prefetcher | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self._prefetcher = prefetcher
        self._key = ("info", id(self))
        #: The request id of the state being computed on the worker (None: none).
        self._request: int | None = None
        self.values = {key: QLabel() for key, _ in ROWS}
        self.setMinimumWidth(360)  # room for a full UTC epoch beside its label
        self.placeholder = QLabel("Nothing selected: click an object or search for one.")
        self.placeholder.setWordWrap(True)
        form = QFormLayout()
        for key, label in ROWS:
            self.values[key].setTextInteractionFlags(self.values[key].textInteractionFlags().TextSelectableByMouse)
            self.values[key].setWordWrap(True)
            form.addRow(label, self.values[key])
        self.follow = QPushButton("Follow")
        self.follow.setCheckable(True)
        self.follow.setToolTip("Keep the camera centred on it (F)")
        self.pin = QPushButton("Pin label")
        self.pin.setCheckable(True)
        self.tracks = QPushButton("Orbit && ground track")
        self.tracks.setCheckable(True)
        self.copy_tle = QPushButton("Copy as TLE")
        self.copy_omm = QPushButton("Copy as OMM")
        buttons = QGridLayout()
        for i, button in enumerate((self.follow, self.pin, self.tracks, self.copy_tle, self.copy_omm)):
            buttons.addWidget(button, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.follow.toggled.connect(self._on_follow)
        self.pin.clicked.connect(self._on_pin)
        self.tracks.toggled.connect(self._on_tracks)
        self.copy_tle.clicked.connect(lambda: self.copy("3le"))
        self.copy_omm.clicked.connect(lambda: self.copy("omm.json"))
        self._dirty = False
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._refresh_if_dirty)
        self.timer.start()
        scene.events.selected.connect(self.refresh)
        scene.events.layers.connect(self.refresh)
        scene.events.pinned.connect(self._show_buttons)
        scene.events.show_tracks.connect(self._show_buttons)
        scene.camera.events.follow.connect(self._show_buttons)
        scene.clock.events.time_s.connect(self._mark_dirty)
        self.refresh()

    def disconnect_model(self) -> None:
        self.timer.stop()
        self._request = None
        if self._prefetcher is not None:
            self._prefetcher.forget(self._key)
        for model in (self.scene, self.scene.camera, self.scene.clock):
            disconnect_events(model.events, self)

    def _mark_dirty(self, _value=None) -> None:
        self._dirty = True

    def _refresh_if_dirty(self) -> None:
        if self._dirty and self.isVisible():
            self.refresh()

    def refresh(self, _value=None) -> None:
        self._dirty = False
        scene, selected = self.scene, self.scene.selected
        if selected is not None and scene.clock.playing and self._prefetcher is not None:
            t_s = scene.clock.time_s
            # Wrapped: a worker's result of None is not handed back, and None is "not there".
            self._request = self._prefetcher.submit(self._key, lambda: (object_state(scene, selected, t_s),),
                                                    self._on_info)
            return
        self._request = None
        self._show(object_state(scene, selected) if selected is not None else None)

    def _on_info(self, request_id: int, info: tuple) -> None:
        if request_id == self._request:
            self._request = None
            self._show(info[0])

    def _show(self, info: ObjectInfo | None) -> None:
        self.info = info
        self.placeholder.setVisible(info is None)
        texts = info_texts(info) if info is not None else {key: "" for key, _ in ROWS}
        for key, text in texts.items():
            self.values[key].setText(text)
        stale = info is not None and info.element_age_s > 14 * 86400.0
        self.values["age"].setStyleSheet("color: #d08000" if stale else "")
        self._show_buttons()

    def _show_buttons(self, _value=None) -> None:
        selected = self.scene.selected
        for button in (self.follow, self.pin, self.tracks, self.copy_tle, self.copy_omm):
            button.setEnabled(selected is not None)
        for button, checked in ((self.follow, selected is not None and self.scene.camera.follow == selected),
                                (self.pin, selected in self.scene.pinned),
                                (self.tracks, self.scene.show_tracks)):
            with QSignalBlocker(button):
                button.setChecked(checked)

    def _on_follow(self, checked: bool) -> None:
        self.scene.camera.follow = self.scene.selected if checked else None

    def _on_pin(self) -> None:
        if self.scene.selected is not None:
            self.scene.toggle_pin(self.scene.selected)

    def _on_tracks(self, checked: bool) -> None:
        self.scene.show_tracks = checked

    def element_text(self, fmt: str) -> str:
        """The selected object's element set as ``fmt`` (an ``io.writers`` format)."""
        selected = self.scene.selected
        return format_catalog(selected.layer.catalog.take([selected.row]), fmt)

    def copy(self, fmt: str) -> None:
        if self.scene.selected is None:
            return
        try:
            text = self.element_text(fmt)
        except OrbitviewError as exc:  # a number TLE columns cannot hold: OMM still works
            text = f"# {exc}"
        QApplication.clipboard().setText(text)
