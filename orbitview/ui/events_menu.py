"""The Events menu: model a breakup (a preset or a custom event) and show it in the window.

The model runs in the window's job runner (``ui.file_loading.Loader``) on a snapshot of its
inputs; the result comes back to the main thread and only then touches the scene. Cancel drops
the run's result by request id (the model itself cannot be interrupted midway).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PyQt6.QtCore import QObject, Qt
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
)

from orbitview.core.breakup.breakup_scene import show_breakup
from orbitview.core.breakup.interceptor_scene import preset_interceptor_layer
from orbitview.core.breakup.presets import PRESETS, custom_event, run_event
from orbitview.core.breakup.standard_model import BodyKind, EventKind, collision_mass, cumulative_count
from orbitview.core.model.origin import EVENT_PARTS, CustomEventOrigin, EventOrigin
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.times import format_utc
from orbitview.ui.dialog_parts import (close_job_progress, job_progress, object_combo, problems_and_buttons,
                                        utc_time_edit)
from orbitview.ui.file_loading import Step
from orbitview.ui.interceptor_dialog import fly_interceptor

#: As ``orbitview breakup`` and the embedded briefing: pieces of tracked size, seed 1, so a
#: preset chosen here matches the shipped dataset and the command line.
PRESET_MIN_SIZE_M = 0.1
PRESET_SEED = 1
#: More fragments than this take minutes to fit and crowd the view: ask for a larger size.
MAX_FRAGMENTS = 100_000


def install_events_menu(window) -> BreakupRunner:
    """Fill ``window.events_menu`` (a ``MainWindow``'s); returns the runner it uses."""
    runner = BreakupRunner(window)
    menu = window.events_menu
    menu.setToolTipsVisible(True)
    for key, event in PRESETS.items():
        action = QAction(event.title, menu)
        action.setObjectName(f"event-{key}")
        action.setToolTip(event.citation)
        action.setStatusTip(event.citation)
        action.triggered.connect(lambda _checked=False, key=key: runner.run_preset(key))
        menu.addAction(action)
    menu.addSeparator()
    custom = QAction("Custom event...", menu)
    custom.setObjectName("event-custom")
    custom.setStatusTip("Break up a loaded object at a chosen time")
    custom.triggered.connect(runner.custom_dialog)
    menu.addAction(custom)
    interceptor = QAction("Interceptor...", menu)
    interceptor.setObjectName("event-interceptor")
    interceptor.setStatusTip("Fly a direct-ascent missile from a launch site to a loaded object")
    interceptor.triggered.connect(runner.interceptor_dialog)
    menu.addAction(interceptor)
    return runner


class BreakupRunner(QObject):
    """One breakup model at a time, run by the window's job runner, with a cancellable
    progress dialog."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        #: The job runner's id of the model running now; None when none is.
        self.request: int | None = None
        self.progress: QProgressDialog | None = None
        #: The origin of the running request's layers (``part`` left None), None when they
        #: cannot be made again (a custom event of an object of a layer that has no origin).
        self.origin = None
        window.loader.dropped.connect(self._on_dropped)

    def run_preset(self, key: str) -> None:
        event = PRESETS[key]
        origin = EventOrigin(key, PRESET_SEED, PRESET_MIN_SIZE_M)
        self.start(event.title, lambda: run_event(event, PRESET_MIN_SIZE_M, PRESET_SEED), origin)

    def custom_dialog(self) -> None:
        dialog = CustomEventDialog(self.window)
        # A child of the window: without this, every dialog opened would live as long as it.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if not dialog.objects:
            QMessageBox.information(self.window, "Custom event",
                                    "Load a catalogue first: a custom event breaks up a loaded object.")
            dialog.close()
            return
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.run_custom(dialog.request)

    def interceptor_dialog(self) -> None:
        objects = _loaded_objects(self.window.scene.layers)
        if not objects:
            QMessageBox.information(self.window, "Interceptor",
                                    "Load a catalogue first: an interceptor flies to a loaded object.")
            return
        fly_interceptor(self.window, objects)

    def run_custom(self, request: CustomRequest) -> None:
        def job():
            event, parent = custom_event(
                request.catalog, request.norad_id, format_utc(request.time_s), request.kind,
                mass_kg=request.mass_kg, projectile_mass_kg=request.projectile_mass_kg,
                closing_speed_km_s=request.speed_km_s, body_kind=request.body_kind)
            return run_event(event, request.min_size_m, request.seed, parents=parent)

        origin = None if request.parent_origin is None else CustomEventOrigin(
            request.kind.value, request.parent_origin, request.norad_id, float(request.time_s), request.mass_kg,
            request.projectile_mass_kg, request.speed_km_s, request.body_kind.value, request.seed, request.min_size_m)
        self.start(f"{request.kind.value} of {request.label}", job, origin)

    def start(self, label: str, job, origin) -> int:
        """Run ``job`` (returns a ``BreakupResult``) in a worker; returns its request id.
        ``origin``: what the layers it makes are made from (``part`` None), or None.
        A model still running is superseded: its result is dropped."""
        if self.request is not None:
            self.window.loader.cancel(self.request)
        self.origin = origin
        self._close_progress()
        self.progress = job_progress(self.window, f"Modelling {label}...", "Breakup model", 0, self.cancel,
                                     modal=True)
        self.request = self.window.loader.submit([Step(f"breakup model: {label}", job)],
                                                 self._on_done, self._on_failed)
        return self.request

    def cancel(self) -> None:
        """Forget the running request: its result is dropped when it arrives."""
        if self.request is not None:
            self.window.loader.cancel(self.request)

    def _on_dropped(self, request: int) -> None:
        # Cancelled here, or by the status bar's Cancel, which drops every job.
        if request == self.request:
            self.request = None
            self._close_progress()
            self.window.statusBar().showMessage("Breakup model cancelled", 5000)

    def _on_failed(self, label: str, message: str) -> None:
        self.request = None
        self._close_progress()
        QMessageBox.warning(self.window, "Breakup model", message)

    def _on_done(self, label: str, result) -> None:
        self.request = None
        self._close_progress()
        layers = show_breakup(self.window.scene, result)
        if self.origin is not None:
            for part, layer in zip(EVENT_PARTS, layers):
                layer.origin = replace(self.origin, part=part)
        if result.event.interceptor is not None:  # a direct-ascent test: its missile too
            self.window.scene.add_layer(preset_interceptor_layer(result.event.key, result.parents))
        self.window.statusBar().showMessage(
            f"{result.event.title}: {len(result.element_sets.catalog):,} fragments in orbit", 10000)

    def _close_progress(self) -> None:
        close_job_progress(self.progress, self.cancel)
        self.progress = None


@dataclass(frozen=True)
class CustomRequest:
    """What the custom-event dialog asks for; ``catalog`` is the loaded layer's catalogue,
    ``parent_origin`` that layer's origin."""

    catalog: object
    parent_origin: object
    norad_id: int
    label: str
    time_s: float
    kind: EventKind
    mass_kg: float
    projectile_mass_kg: float
    speed_km_s: float
    body_kind: BodyKind
    min_size_m: float
    seed: int


class CustomEventDialog(QDialog):
    """Which loaded object breaks up, when, how; checked on OK, with every problem listed."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle("Custom breakup event")
        self.request: CustomRequest | None = None
        self.objects = _loaded_objects(window.scene.layers)
        form = QFormLayout(self)

        self.object_box = object_combo([label for label, _, _ in self.objects])
        self.object_box.currentIndexChanged.connect(self._object_chosen)
        form.addRow("Object", self.object_box)

        self.time_edit = utc_time_edit(window.scene.clock.time_s)
        form.addRow("Time", self.time_edit)

        self.kind_box = QComboBox()
        self.kind_box.addItems([EventKind.COLLISION.value, EventKind.EXPLOSION.value])
        self.kind_box.currentTextChanged.connect(self._kind_chosen)
        form.addRow("Event", self.kind_box)

        self.mass_edit = _number("e.g. 880")
        self.projectile_edit = _number("e.g. 600")
        self.speed_edit = _number("e.g. 9.0; the projectile comes head-on")
        self.size_edit = _number("0.001 to 1", "0.1")
        self.seed_edit = _number("a whole number; the same seed gives the same fragments", "1")
        self.rocket_box = QCheckBox("Rocket body (its area-to-mass law)")
        form.addRow("Target mass (kg)", self.mass_edit)
        form.addRow("Projectile mass (kg)", self.projectile_edit)
        form.addRow("Relative speed (km/s)", self.speed_edit)
        form.addRow("Smallest fragment (m)", self.size_edit)
        form.addRow("Random seed", self.seed_edit)
        form.addRow("", self.rocket_box)

        self.error_label = problems_and_buttons(self, form, "Model")

    def _object_chosen(self, index: int) -> None:
        if 0 <= index < len(self.objects):
            _, layer, row = self.objects[index]
            self.rocket_box.setChecked(int(layer.catalog.object_class[row]) == ObjectClass.ROCKET_BODY)

    def _kind_chosen(self, kind: str) -> None:
        collision = kind == EventKind.COLLISION.value
        self.projectile_edit.setEnabled(collision)
        self.speed_edit.setEnabled(collision)

    def accept(self) -> None:
        problems: list[str] = []
        request = self._read(problems)
        if problems:
            self.error_label.setText("\n".join(problems))
            self.adjustSize()  # room for the messages
            return
        self.request = request
        super().accept()

    def _read(self, problems: list[str]) -> CustomRequest | None:
        """The request, or None with ``problems`` saying what to fix, one line each."""
        index = self.object_box.findText(self.object_box.currentText(), Qt.MatchFlag.MatchFixedString)
        if index < 0:
            problems.append("Object: choose one of the loaded objects from the list "
                            "(type part of its name or number).")
        kind = EventKind(self.kind_box.currentText())
        mass = _positive(self.mass_edit, "Target mass", "kilograms", problems)
        projectile = speed = 0.0
        if kind is EventKind.COLLISION:
            projectile = _positive(self.projectile_edit, "Projectile mass", "kilograms", problems)
            speed = _positive(self.speed_edit, "Relative speed", "km/s", problems)
            if speed is not None and speed > 20.0:
                problems.append("Relative speed: at most 20 km/s (head-on LEO collisions reach about 15).")
        size = _positive(self.size_edit, "Smallest fragment", "metres", problems)
        if size is not None and not 0.001 <= size <= 1.0:
            problems.append("Smallest fragment: between 0.001 and 1 m.")
            size = None
        try:
            seed = int(self.seed_edit.text())
        except ValueError:
            problems.append("Random seed: a whole number, such as 1.")
            seed = None
        else:
            if seed < 0:
                problems.append("Random seed: zero or more.")
        if size is not None and mass is not None and None not in (projectile, speed):
            expected = _expected_fragments(kind, size, mass, projectile, speed)
            if expected > MAX_FRAGMENTS:
                problems.append(f"Smallest fragment: {size:g} m would make about {expected:,.0f} "
                                f"fragments (at most {MAX_FRAGMENTS:,}); choose a larger size.")
        if problems:
            return None
        label, layer, row = self.objects[index]
        return CustomRequest(
            catalog=layer.catalog, parent_origin=layer.origin, norad_id=int(layer.catalog.norad_id[row]), label=label,
            time_s=self.time_edit.dateTime().toSecsSinceEpoch(), kind=kind, mass_kg=mass,
            projectile_mass_kg=projectile, speed_km_s=speed,
            body_kind=BodyKind.ROCKET_BODY if self.rocket_box.isChecked() else BodyKind.SPACECRAFT,
            min_size_m=size, seed=seed)


def _loaded_objects(layers) -> list[tuple[str, object, int]]:
    """``(label, layer, row)`` of every loaded object; the layer's name tells duplicates apart."""
    several = len(layers) > 1
    out = []
    for layer in layers:
        for row, (name, norad_id) in enumerate(zip(layer.catalog.name, layer.catalog.norad_id)):
            label = f"{name} ({norad_id})" + (f" - {layer.name}" if several else "")
            out.append((label, layer, row))
    return out


def _number(placeholder: str, text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def _positive(edit: QLineEdit, what: str, unit: str, problems: list[str]) -> float | None:
    try:
        value = float(edit.text())
    except ValueError:
        value = None
    if value is None or not value > 0 or value == float("inf"):
        problems.append(f"{what}: a number of {unit} greater than 0.")
        return None
    return value


def _expected_fragments(kind: EventKind, size_m: float, mass_kg: float, projectile_kg: float,
                        speed_km_s: float) -> float:
    """The model's fragment count at ``size_m`` (NASA count laws), to refuse runaway requests."""
    if kind is EventKind.EXPLOSION:
        return float(cumulative_count(kind, size_m))
    budget, _ = collision_mass(mass_kg, projectile_kg, speed_km_s)
    return float(cumulative_count(kind, size_m, mass_kg=budget))
