#!/usr/bin/python3
"""Opens outputs of exposure in QGIS (headless) as a user would, and reports what QGIS sees, as JSON.

Usage: qgis-check.py OUT.json PNG_FOLDER FILE...  (QGIS's Python bindings: Debian python3-qgis)
For each file: whether it loads, its kind, for vector layers the renderer type, its rules (labels and
filters), field names and types, aliases, labels on or off; for rasters the band's category names and the
renderer; and the path of a PNG of the layer drawn with its default style.
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsRasterLayer,  # noqa: E402
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def render(layer, png):
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(800, 600))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(png, "png")


def describe_vector(path, png):
    uri = path
    if path.lower().endswith(".csv"):
        uri = "file://" + path + "?type=csv&geomType=none&detectTypes=no"
        layer = QgsVectorLayer(uri, "table", "delimitedtext")
        if not layer.isValid():
            layer = QgsVectorLayer(path, "table", "ogr")
    else:
        layer = QgsVectorLayer(path, "layer", "ogr")
    info = {"path": path, "valid": layer.isValid(), "kind": "vector"}
    if not layer.isValid():
        return info
    info["fields"] = {f.name(): f.typeName() for f in layer.fields()}
    info["numericFields"] = [f.name() for f in layer.fields() if f.isNumeric()]
    info["aliases"] = {f.name(): layer.attributeAlias(i) for i, f in enumerate(layer.fields())}
    info["featureCount"] = layer.featureCount()
    renderer = layer.renderer()
    info["renderer"] = renderer.type() if renderer else None
    if renderer and renderer.type() == "RuleRenderer":
        info["rules"] = [{"label": r.label(), "filter": r.filterExpression()} for r in renderer.rootRule().children()]
    info["labels"] = bool(layer.labelsEnabled())
    precision = {}
    for i, f in enumerate(layer.fields()):
        setup = layer.editorWidgetSetup(i)
        if setup.type() == "Range":
            precision[f.name()] = setup.config().get("Precision")
    info["displayPrecision"] = precision
    if layer.isSpatial():
        render(layer, png)
        info["png"] = png
    return info


def describe_raster(path, png):
    layer = QgsRasterLayer(path, "raster")
    info = {"path": path, "valid": layer.isValid(), "kind": "raster"}
    if not layer.isValid():
        return info
    renderer = layer.renderer()
    info["renderer"] = renderer.type() if renderer else None
    classes = []
    if renderer and renderer.type() == "paletted":
        classes = [{"value": c.value, "label": c.label, "colour": c.color.name()} for c in renderer.classes()]
    info["classes"] = classes
    info["bandDescription"] = layer.dataProvider().generateBandName(1)
    render(layer, png)
    info["png"] = png
    return info


def main():
    out, folder, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    app = QgsApplication([], False)
    app.initQgis()
    results = []
    for i, path in enumerate(files):
        png = os.path.join(folder, "qgis-%d.png" % i)
        if path.lower().endswith((".tif", ".tiff")):
            results.append(describe_raster(path, png))
        else:
            results.append(describe_vector(path, png))
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    app.exitQgis()


main()
