# exposure: two commands on a fresh Debian/Ubuntu machine with Swift:
#   make demo   installs what is missing, builds, runs the analysis on the bundled sample data
#   make test   installs what is missing and runs the whole test suite, then the Slurm example (slurm-test)
SWIFT ?= swift
# Cairo and Pango draw maps, in DejaVu Sans (embedded in PDFs).
APT_PACKAGES := libgdal-dev libproj-dev libssl-dev gdal-bin pkg-config libcairo2-dev libpango1.0-dev fonts-dejavu-core
# What the tests need besides: QGIS's Python bindings (outputs opened in QGIS), sqlite3 (GeoPackage checks),
# pdftotext from poppler-utils (the maps' PDF text), headless Chromium (reports).
TEST_PACKAGES := python3-qgis sqlite3 poppler-utils chromium
# A single-node Slurm cluster for slurm-test: Debian's slurm-wlm (controller, node daemon, sbatch and co.) and munge.
SLURM_PACKAGES := slurmctld slurmd slurm-client munge
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
BIN := .build/release/exposure
OUT := out

.PHONY: all deps test-deps build release test slurm-test demo olinda sample-data bench fuzz clean

all: build

# Installs the Debian packages that are missing (GDAL and PROJ headers, gdal-bin for benchmarks).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

test-deps: deps
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing for the tests:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product exposure

# Real data from Debian's archive, used by the real-data tests and the examples.
olinda: deps
	./scripts/fetch-olinda

# EXPOSURE_REQUIRE_QGIS: the QGIS test fails instead of skipping when the bindings are missing.
test: test-deps olinda
	EXPOSURE_REQUIRE_QGIS=1 $(SWIFT) test
	$(MAKE) slurm-test

# examples/slurm/ on a real single-node Slurm cluster started on this machine (installs $(SLURM_PACKAGES) when
# missing; the daemons run as root, with sudo when not root): the sample floods in parts as an array job and
# their merge, equal to the single-machine run; stops the daemons it started. docs/slurm.md.
slurm-test: release
	SLURM_PACKAGES="$(SLURM_PACKAGES)" SWIFT="$(SWIFT)" ./scripts/slurm-test

# Seeded mutations of scenario files and region files (the examples are seeds: hence olinda) through their
# readers, 5 minutes by default
# (FUZZ_SECONDS=, FUZZ_ITERATIONS=, FUZZ_SEED=); findings go to fuzz-findings/.
fuzz: deps olinda
	SWIFT=$(SWIFT) ./scripts/fuzz

# Regenerates sample-rasters/ (deterministic: the same bytes every time).
sample-data: deps
	$(SWIFT) run -c release make-sample-data sample-rasters

# The 100-year flood of the bundled sample basin: people exposed and displaced per municipality, and its map;
# then the scenario run of examples/sample-floods.yaml and its report.
demo: release
	@mkdir -p $(OUT)
	$(BIN) analyze --population sample-rasters/population.tif \
		--regions sample-rasters/municipalities.geojson --region-id code --region-name name \
		--hazard sample-rasters/flood_baseline_rp100.tif --preset flood-depth \
		--output $(OUT)/flood_baseline_rp100.geojson --csv $(OUT)/flood_baseline_rp100.csv
	@echo
	@cut -d, -f1-8 $(OUT)/flood_baseline_rp100.csv
	@echo
	@echo
	$(BIN) map $(OUT)/flood_baseline_rp100.geojson --output $(OUT)/flood_baseline_rp100.png
	@echo
	$(BIN) run examples/sample-floods.yaml --output-dir $(OUT)/sample-floods
	$(BIN) report $(OUT)/sample-floods --output $(OUT)/sample-floods/report.html
	@echo
	@echo "The map: $(OUT)/flood_baseline_rp100.png (in Spanish: add --lang es; PDF: --output NAME.pdf)."
	@echo "The report of the baseline and 2050 floods: $(OUT)/sample-floods/report.html (--lang es|pt|fr; --pdf NAME.pdf)."
	@echo "Open $(OUT)/flood_baseline_rp100.geojson in QGIS (styled by $(OUT)/flood_baseline_rp100.qml); inputs and parameters are in $(OUT)/flood_baseline_rp100.geojson.manifest.json"

# Large synthetic cases; our CLI side by side with GDAL's read of every block (1 and 2 threads), exactextract
# and the gdalwarp+numpy+exactextract pipeline; run with 1, 4 and 16 hazards; 36 population groups in one pass
# against 36 separate analyses; water and flood-extent on a 10980 x 10980 scene; inundate on a 400 M-cell DEM.
# Time and peak memory of each; generated data in bench-data/ (about 7.5 GB, made once).
bench: deps
	@command -v /usr/bin/time >/dev/null || $(SUDO) apt-get install -y -qq time >/dev/null
	./scripts/bench

clean:
	rm -rf .build $(OUT) fuzz-findings
