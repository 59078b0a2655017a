#!/usr/bin/env python3
"""The pipeline an analyst runs today for people per hazard class and region: gdalwarp the hazard onto
the population grid (nearest neighbour), mask the population by class with numpy, then exactextract's sum
of each masked band. Used by scripts/bench.

    bench_pipeline.py POPULATION HAZARD REGIONS ID_FIELD THRESHOLDS OUT.csv WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
import rasterio
from exactextract import exact_extract

population, hazard, regions, id_field, thresholds, output, work = sys.argv[1:8]
thresholds = [float(t) for t in thresholds.split(",")]
os.makedirs(work, exist_ok=True)

with rasterio.open(population) as src:
    profile = src.profile
    bounds, width, height = src.bounds, src.width, src.height
    pop = src.read(1, masked=True).filled(0).astype("float32")

warped = os.path.join(work, "hazard_on_population_grid.tif")
subprocess.run(["gdalwarp", "-q", "-overwrite", "-r", "near", "-te", str(bounds.left), str(bounds.bottom), str(bounds.right),
                str(bounds.top), "-ts", str(width), str(height), "-dstnodata", "-9999", "-co", "TILED=YES",
                hazard, warped], check=True)
with rasterio.open(warped) as src:
    depth = src.read(1)

masked = os.path.join(work, "population_by_class.tif")
profile.update(count=len(thresholds), dtype="float32", nodata=None, compress="deflate", tiled=True)
with rasterio.open(masked, "w", **profile) as dst:
    for i, low in enumerate(thresholds):
        high = thresholds[i + 1] if i + 1 < len(thresholds) else np.inf
        dst.write(np.where((depth >= low) & (depth < high) & (depth != -9999), pop, 0).astype("float32"), i + 1)

features = exact_extract(masked, regions, "sum", include_cols=[id_field])
with open(output, "w") as f:
    f.write(id_field + "," + ",".join(f"class_{i + 1}" for i in range(len(thresholds))) + "\n")
    for feature in features:
        p = feature["properties"]
        sums = [p.get(f"band_{i + 1}_sum", p.get("sum")) for i in range(len(thresholds))]
        f.write(p[id_field] + "," + ",".join(repr(s) for s in sums) + "\n")
