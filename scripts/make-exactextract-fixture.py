#!/usr/bin/env python3
"""Makes the exactextract comparison fixture (run once; the outputs are committed):

    Tests/ExposureIOTests/Fixtures/exactextract/{projected,geographic}.tif  population grids
    Tests/ExposureIOTests/Fixtures/exactextract/{projected,geographic}.geojson  regions
    Tests/ExposureIOTests/Fixtures/exactextract/expected.csv  exactextract's "sum" per region

Regions are star polygons (some with holes, some multipolygons, some reaching outside the raster); the
grids hold random counts with some nodata. Needs numpy, rasterio and exactextract (make fixtures sets up a
virtualenv with them).
"""
import json
import math
import os
import sys

import numpy as np
import rasterio
from rasterio.transform import from_origin
from exactextract import exact_extract

here = sys.argv[1] if len(sys.argv) > 1 else "Tests/ExposureIOTests/Fixtures/exactextract"
os.makedirs(here, exist_ok=True)
rng = np.random.default_rng(20261124)

cases = {
    # name: (crs, origin x, origin y, cell width, cell height, width, height)
    "projected": ("EPSG:32618", 440000.0, 660000.0, 30.0, 30.0, 400, 300),
    "geographic": ("EPSG:4326", -75.6, 6.1, 0.001, 0.0008, 250, 200),
}


def star(cx, cy, radius, n, jitter):
    points = []
    for i in range(n):
        a = 2 * math.pi * i / n
        r = radius * (1 - jitter * rng.random())
        points.append([cx + r * math.cos(a), cy + r * math.sin(a)])
    points.append(points[0])
    return points


rows = []
for name, (crs, x0, y0, dx, dy, width, height) in cases.items():
    values = rng.lognormal(mean=2.0, sigma=1.2, size=(height, width)).astype("float32")
    values[rng.random((height, width)) < 0.03] = -1.0  # nodata
    with rasterio.open(
        os.path.join(here, f"{name}.tif"), "w", driver="GTiff", width=width, height=height, count=1,
        dtype="float32", crs=crs, transform=from_origin(x0, y0, dx, dy), nodata=-1.0, compress="deflate",
    ) as out:
        out.write(values, 1)

    span_x, span_y = width * dx, height * dy
    features = []
    for k in range(36):
        cx = x0 + rng.uniform(-0.05, 1.05) * span_x
        cy = y0 - rng.uniform(-0.05, 1.05) * span_y
        radius = rng.uniform(0.03, 0.22) * min(span_x, span_y)
        outer = star(cx, cy, radius, int(rng.integers(5, 120)), 0.6)
        kind = k % 4
        if kind == 0:  # a polygon with a hole
            geometry = {"type": "Polygon", "coordinates": [outer, star(cx, cy, radius * 0.25, 9, 0.3)[::-1]]}
        elif kind == 1:  # a multipolygon
            second = star(cx + 2.5 * radius, cy - 0.5 * radius, radius * 0.5, 17, 0.5)
            geometry = {"type": "MultiPolygon", "coordinates": [[outer], [second]]}
        elif kind == 2:  # a tiny one, smaller than a cell
            geometry = {"type": "Polygon", "coordinates": [star(cx, cy, 0.4 * dx, 6, 0.2)]}
        else:
            geometry = {"type": "Polygon", "coordinates": [outer]}
        features.append({"type": "Feature", "properties": {"region": f"{name}-{k:02d}"}, "geometry": geometry})
    collection = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": crs.replace("EPSG:", "urn:ogc:def:crs:EPSG::")}},
                  "features": features}
    with open(os.path.join(here, f"{name}.geojson"), "w") as f:
        json.dump(collection, f)

    for feature in exact_extract(os.path.join(here, f"{name}.tif"), os.path.join(here, f"{name}.geojson"), "sum",
                                 include_cols=["region"], output="geojson"):
        rows.append((feature["properties"]["region"], feature["properties"]["sum"]))

with open(os.path.join(here, "expected.csv"), "w") as f:
    f.write("region,exactextract_sum\n")
    for region, total in rows:
        f.write(f"{region},{total!r}\n")
print(f"wrote {len(rows)} sums to {here}/expected.csv")
