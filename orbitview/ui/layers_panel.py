"""The layer list (napari-style): one row per loaded source with its visibility and counts,
the current layer's style (colour, point size, colour-by), and its filters.

Each widget shows and sets a field of the current layer: its ``filter`` (a
``core.model.filters.LayerFilter``, from which the layer derives ``shown``), colour, point size,
colour-by; the view and the counts follow those fields' events.
"""

from __future__ import annotations

from PyQt6.QtCore import QSignalBlocker, Qt
from PyQt6.QtGui import QColor, QDoubleValidator, QIntValidator
from PyQt6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orbitview.core.model.events import disconnect_events
from orbitview.core.model.filters import LayerFilter, Regime
from orbitview.core.model.scene import COLOR_MODES, Layer, Scene
from orbitview.core.orbits.classify import CLASS_LABELS, ObjectClass

COLOR_MODE_LABELS = {"class": "class", "source": "layer colour", "altitude": "altitude band (LEO/MEO/GEO/HEO)",
                     "age": "age of elements", "sunlit": "sunlit / eclipsed"}
#: ((LayerFilter range field, end: 0 min, 1 max), label, validator kind) of the range boxes;
#: empty means "any".
RANGES = ((("perigee_km", 0), "Perigee ≥ (km)", "float"), (("perigee_km", 1), "Perigee ≤ (km)", "float"),
          (("apogee_km", 0), "Apogee ≥ (km)", "float"), (("apogee_km", 1), "Apogee ≤ (km)", "float"),
          (("inclination_deg", 0), "Inclination ≥ (°)", "float"), (("inclination_deg", 1), "Inclination ≤ (°)", "float"),
          (("launch_year", 0), "Launched from (year)", "int"), (("launch_year", 1), "Launched until (year)", "int"))


def shown_count(layer: Layer) -> int:
    return int(layer.shown.sum())


class LayersPanel(QWidget):
    """Shows and sets the scene's layers; each widget blocks its own signals while written."""

    def __init__(self, scene: Scene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self._layers: tuple[Layer, ...] = ()
        self._writing_filter = False

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Layer", "Shown / objects"])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(0, 190)
        self.remove_button = QPushButton("Remove layer")

        self.color_button = QPushButton()
        self.color_button.setToolTip("The layer's own colour (colour-by: layer colour)")
        self.point_size = QDoubleSpinBox()
        self.point_size.setRange(0.5, 50.0)
        self.point_size.setSingleStep(0.5)
        self.color_by = QComboBox()
        for mode in COLOR_MODES:
            self.color_by.addItem(COLOR_MODE_LABELS[mode], mode)
        style = QFormLayout()
        style.addRow("Colour by", self.color_by)
        style.addRow("Colour", self.color_button)
        style.addRow("Point size", self.point_size)
        style_box = QGroupBox("Style")
        style_box.setLayout(style)

        self.class_boxes = {c: QCheckBox(CLASS_LABELS[c]) for c in ObjectClass}
        self.regime_boxes = {r: QCheckBox(r.name) for r in Regime}
        self.range_fields: dict[tuple[str, int], QLineEdit] = {}
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("name, catalogue number or designator")
        self.text_filter.setClearButtonEnabled(True)
        self.clear_filters = QPushButton("Clear filters")
        filters = QVBoxLayout()
        grid = QGridLayout()
        for i, box in enumerate(self.class_boxes.values()):
            grid.addWidget(box, 0, i)
        for i, box in enumerate(self.regime_boxes.values()):
            grid.addWidget(box, 1, i)
        filters.addLayout(grid)
        ranges = QFormLayout()
        for name, label, kind in RANGES:
            field = QLineEdit()
            field.setPlaceholderText("any")
            field.setValidator(QIntValidator(1957, 2200) if kind == "int" else QDoubleValidator(-1e6, 1e7, 3))
            self.range_fields[name] = field
            ranges.addRow(label, field)
        ranges.addRow("Name / ID", self.text_filter)
        filters.addLayout(ranges)
        filters.addWidget(self.clear_filters)
        self.filter_box = QGroupBox("Filters")
        self.filter_box.setLayout(filters)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, stretch=1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        layout.addWidget(style_box)
        layout.addWidget(self.filter_box)

        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self.refresh_current())
        self.remove_button.clicked.connect(self._on_remove)
        self.color_button.clicked.connect(self._on_color_button)
        self.point_size.valueChanged.connect(self._on_point_size)
        self.color_by.currentIndexChanged.connect(self._on_color_by)
        for box in (*self.class_boxes.values(), *self.regime_boxes.values()):
            box.toggled.connect(self._apply_filter_widgets)
        for field in (*self.range_fields.values(), self.text_filter):
            field.textChanged.connect(self._apply_filter_widgets)
        self.clear_filters.clicked.connect(lambda: self.set_filter(self.current(), LayerFilter()))
        scene.events.layers.connect(self._on_layers)
        self._on_layers(scene.layers)

    # --- the model's layers ---------------------------------------------------------------------

    def _on_layers(self, layers: tuple[Layer, ...]) -> None:
        current = self.current()
        for layer in self._layers:
            disconnect_events(layer.events, self)
        self._layers = tuple(layers)
        with QSignalBlocker(self.tree):
            self.tree.clear()
            for layer in self._layers:
                item = QTreeWidgetItem([layer.name, ""])
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setToolTip(0, layer.name)
                self.tree.addTopLevelItem(item)
                self._show_layer(layer)
                layer.events.visible.connect(self._on_layer_event)
                layer.events.shown.connect(self._on_layer_event)
                for signal in (layer.events.color_by, layer.events.color, layer.events.point_size,
                               layer.events.filter):
                    signal.connect(self._on_style_event)
        keep = current if current in self._layers else (self._layers[-1] if self._layers else None)
        if keep is not None:
            self.tree.setCurrentItem(self.tree.topLevelItem(self._layers.index(keep)))
        self.refresh_current()

    def _on_style_event(self, _value=None) -> None:
        # Any layer's style may change from elsewhere (a session, a script): show the current one's.
        if not self._writing_filter:
            self.refresh_current()

    def disconnect_model(self) -> None:
        for model in (self.scene, *self._layers):
            disconnect_events(model.events, self)
        self._layers = ()

    def _on_layer_event(self, _value=None) -> None:
        for layer in self._layers:
            self._show_layer(layer)

    def _show_layer(self, layer: Layer) -> None:
        item = self.tree.topLevelItem(self._layers.index(layer))
        with QSignalBlocker(self.tree):
            item.setCheckState(0, Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            item.setText(1, f"{shown_count(layer):,} / {len(layer):,}")

    def current(self) -> Layer | None:
        index = self.tree.indexOfTopLevelItem(self.tree.currentItem()) if self.tree.currentItem() else -1
        return self._layers[index] if 0 <= index < len(self._layers) else None

    def select_layer(self, layer: Layer) -> None:
        self.tree.setCurrentItem(self.tree.topLevelItem(self._layers.index(layer)))

    # --- model -> widgets -----------------------------------------------------------------------

    def refresh_current(self) -> None:
        layer = self.current()
        for widget in (self.color_button, self.point_size, self.color_by, self.filter_box, self.remove_button):
            widget.setEnabled(layer is not None)
        if layer is None:
            return
        with QSignalBlocker(self.point_size), QSignalBlocker(self.color_by):
            self.point_size.setValue(layer.point_size)
            self.color_by.setCurrentIndex(COLOR_MODES.index(layer.color_by))
        r, g, b, _ = (round(v * 255) for v in layer.color)
        self.color_button.setStyleSheet(f"background-color: rgb({r}, {g}, {b}); min-height: 18px")
        self._show_filter(layer.filter)

    def _show_filter(self, layer_filter: LayerFilter) -> None:
        widgets = [*self.class_boxes.values(), *self.regime_boxes.values(), *self.range_fields.values(), self.text_filter]
        blockers = [QSignalBlocker(w) for w in widgets]
        for c, box in self.class_boxes.items():
            box.setChecked(not layer_filter.classes or c in layer_filter.classes)
        for r, box in self.regime_boxes.items():
            box.setChecked(not layer_filter.regimes or r in layer_filter.regimes)
        for (name, end), field in self.range_fields.items():
            value = getattr(layer_filter, name)[end]
            field.setText("" if value is None else f"{value:g}")
        self.text_filter.setText(layer_filter.text)
        del blockers

    # --- widgets -> model -----------------------------------------------------------------------

    def filter_of(self, layer: Layer) -> LayerFilter:
        return layer.filter

    def set_filter(self, layer: Layer | None, layer_filter: LayerFilter) -> None:
        """Give ``layer`` the filter (its ``shown`` follows; these widgets, if it is current)."""
        if layer is not None:
            layer.filter = layer_filter

    def _filter_from_widgets(self) -> LayerFilter:
        classes = frozenset(c for c, box in self.class_boxes.items() if box.isChecked())
        regimes = frozenset(r for r, box in self.regime_boxes.items() if box.isChecked())
        ranges = {name: [None, None] for (name, _), _label, _kind in RANGES}
        for (name, end), field in self.range_fields.items():
            text = field.text().strip()
            try:
                ranges[name][end] = float(text) if text else None
            except ValueError:  # an intermediate entry such as "-" while typing
                pass
        for name, (low, high) in ranges.items():
            if low is not None and high is not None and low > high:
                ranges[name] = [low, None]  # while typing the maximum
        return LayerFilter(
            # All ticked is no restriction, so objects of a class added later still show.
            classes=frozenset() if len(classes) == len(ObjectClass) else classes,
            regimes=frozenset() if len(regimes) == len(Regime) else regimes,
            text=self.text_filter.text(),
            **{name: tuple(bounds) for name, bounds in ranges.items()},
        )

    def _apply_filter_widgets(self, _value=None) -> None:
        layer = self.current()
        if layer is not None:
            # The boxes hold what is being typed ("-", a maximum below the minimum so far):
            # showing the filter back would overwrite it.
            self._writing_filter = True
            try:
                layer.filter = self._filter_from_widgets()
            finally:
                self._writing_filter = False

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        index = self.tree.indexOfTopLevelItem(item)
        if 0 <= index < len(self._layers):
            self._layers[index].visible = item.checkState(0) == Qt.CheckState.Checked

    def _on_remove(self) -> None:
        layer = self.current()
        if layer is not None:
            self.scene.remove_layer(layer)

    def _on_point_size(self, value: float) -> None:
        if self.current() is not None:
            self.current().point_size = value

    def _on_color_by(self, index: int) -> None:
        if self.current() is not None:
            self.current().color_by = self.color_by.itemData(index)

    def _on_color_button(self) -> None:
        layer = self.current()
        if layer is None:
            return
        color = QColorDialog.getColor(QColor.fromRgbF(*layer.color), self, f"Colour of {layer.name}")
        if color.isValid():
            self.set_color(layer, color.getRgbF())

    def set_color(self, layer: Layer, rgba) -> None:
        """The layer's own colour; colour-by switches to it, or the choice would show nothing."""
        layer.color = rgba
        layer.color_by = "source"
        if layer is self.current():
            self.refresh_current()
