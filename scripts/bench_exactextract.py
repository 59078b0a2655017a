#!/usr/bin/env python3
"""exactextract's per-region sum of a raster, written as CSV (code,sum). Used by scripts/bench.

    bench_exactextract.py RASTER REGIONS ID_FIELD OUT.csv [STRATEGY]
"""
import sys

from exactextract import exact_extract

raster, regions, id_field, output = sys.argv[1:5]
strategy = sys.argv[5] if len(sys.argv) > 5 else "feature-sequential"
features = exact_extract(raster, regions, "sum", include_cols=[id_field], strategy=strategy)
with open(output, "w") as f:
    f.write(f"{id_field},sum\n")
    for feature in features:
        f.write(f"{feature['properties'][id_field]},{feature['properties']['sum']!r}\n")
