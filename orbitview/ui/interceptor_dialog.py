"""Events > Interceptor...: fly a direct-ascent missile from a launch site to any loaded object.

The arc is solved when OK is pressed (a fraction of a second: one Lambert solution and a few
hundred two-body states), so a request that cannot be flown is refused in the dialog itself,
with the solver's reason, before anything reaches the scene.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit

from orbitview.core.breakup.interceptor import InterceptorArc, LaunchSite, solve_interceptor
from orbitview.core.breakup.interceptor_scene import InterceptorLayer
from orbitview.core.breakup.launch_sites import SITES
from orbitview.core.model.origin import InterceptorOrigin
from orbitview.ui.dialog_parts import object_combo, problems_and_buttons, utc_time_edit

#: The site list's last entry: a site given by its coordinates.
OTHER_SITE = "Latitude and longitude..."
DEFAULT_FLIGHT_S = 480.0
#: The missile's name where the dialog flies one (its vehicle is not asked for).
VEHICLE = "Interceptor"


class InterceptorDialog(QDialog):
    """Target, site, intercept time and flight time; on OK ``arc`` holds the solved flight and
    ``origin`` how to fly it again (so Save Scenario keeps it)."""

    def __init__(self, window, objects: list[tuple[str, object, int]]) -> None:
        super().__init__(window)
        self.setWindowTitle("Interceptor")
        self.main_window = window
        self.objects = objects
        self.arc: InterceptorArc | None = None
        self.origin: InterceptorOrigin | None = None
        form = QFormLayout(self)
        self.target_box = object_combo([label for label, _, _ in objects])
        form.addRow("Target", self.target_box)
        self.site_box = QComboBox()
        self.site_box.addItems([site.name for site in SITES.values()] + [OTHER_SITE])
        self.site_box.currentTextChanged.connect(self._site_chosen)
        form.addRow("Launch site", self.site_box)
        self.latitude_edit = QLineEdit()
        self.latitude_edit.setPlaceholderText("geodetic, degrees north (WGS84)")
        self.longitude_edit = QLineEdit()
        self.longitude_edit.setPlaceholderText("degrees east")
        self.height_edit = QLineEdit("0")
        form.addRow("Latitude (deg)", self.latitude_edit)
        form.addRow("Longitude (deg)", self.longitude_edit)
        form.addRow("Height (km)", self.height_edit)
        self.time_edit = utc_time_edit(window.scene.clock.time_s)
        form.addRow("Intercept at", self.time_edit)
        self.flight_edit = QLineEdit(f"{DEFAULT_FLIGHT_S:g}")
        self.flight_edit.setPlaceholderText("seconds from launch to intercept")
        form.addRow("Flight time (s)", self.flight_edit)
        self.error_label = problems_and_buttons(self, form, "Fly")
        self._site_chosen(self.site_box.currentText())

    def _site_chosen(self, text: str) -> None:
        for edit in (self.latitude_edit, self.longitude_edit, self.height_edit):
            edit.setEnabled(text == OTHER_SITE)

    def _site(self, problems: list[str]) -> LaunchSite | None:
        text = self.site_box.currentText()
        if text != OTHER_SITE:
            return next(site for site in SITES.values() if site.name == text)
        values = []
        for edit, what in ((self.latitude_edit, "Latitude"), (self.longitude_edit, "Longitude"),
                           (self.height_edit, "Height")):
            try:
                values.append(float(edit.text()))
            except ValueError:
                problems.append(f"{what}: a number.")
        if problems:
            return None
        try:
            return LaunchSite("custom", f"{values[0]:.2f}, {values[1]:.2f}", *values)
        except ValueError as exc:
            problems.append(f"Launch site: {exc}.")
            return None

    def accept(self) -> None:
        problems: list[str] = []
        index = self.target_box.findText(self.target_box.currentText(), Qt.MatchFlag.MatchFixedString)
        if index < 0:
            problems.append("Target: choose one of the loaded objects from the list "
                            "(type part of its name or number).")
        site = self._site(problems)
        try:
            flight_s = float(self.flight_edit.text())
        except ValueError:
            problems.append("Flight time: a number of seconds.")
            flight_s = None
        if not problems:
            _, layer, row = self.objects[index]
            intercept_s = float(self.time_edit.dateTime().toSecsSinceEpoch())
            try:
                self.arc = solve_interceptor(site, layer.catalog.take([row]), flight_s, intercept_s=intercept_s,
                                             vehicle=VEHICLE)
            except ValueError as exc:
                problems.append(f"Cannot fly: {exc}.")
            else:
                self.origin = self._origin(layer, row, site, flight_s, intercept_s)
        if problems:
            self.arc = None
            self.error_label.setText("\n".join(problems))
            self.adjustSize()
            return
        super().accept()

    def _origin(self, layer, row: int, site: LaunchSite, flight_s: float,
                intercept_s: float) -> InterceptorOrigin | None:
        """The flight as an origin, its target named by its layer's own origin and number; None
        when the target's layer has no origin (then the missile cannot be saved either)."""
        if layer.origin is None:
            return None
        where = ({"site": site.key} if site.key in SITES else
                 {"latitude_deg": site.latitude_deg, "longitude_deg": site.longitude_deg,
                  "height_km": site.height_km, "site_name": site.name})
        return InterceptorOrigin(VEHICLE, target=layer.origin, norad=int(layer.catalog.norad_id[row]),
                                 flight_s=flight_s, intercept_s=intercept_s, **where)


def fly_interceptor(window, objects: list[tuple[str, object, int]]) -> InterceptorLayer | None:
    """Ask for an interceptor and add it to ``window``'s scene, the clock at its launch; None
    when cancelled."""
    dialog = InterceptorDialog(window, objects)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return show_interceptor(window, dialog.arc, dialog.origin)


def show_interceptor(window, arc: InterceptorArc, origin: InterceptorOrigin | None) -> InterceptorLayer:
    """Add ``arc``'s missile to the scene, widen the clock's span to its flight and put the
    clock just before its launch."""
    layer = InterceptorLayer(arc, origin=origin)
    scene = window.scene
    scene.add_layer(layer)
    clock = scene.clock
    clock.set_span(min(clock.span_start_s, arc.launch_s - 60.0), max(clock.span_end_s, arc.intercept_s + 600.0))
    clock.time_s = arc.launch_s - 10.0
    window.statusBar().showMessage("; ".join(arc.summary_lines()), 20000)
    return layer
