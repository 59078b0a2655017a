#!/usr/bin/env bash
# Splits an exposure analysis or scenario run into N parts on a Slurm cluster and merges them:
#   1. parts.sbatch as an array job (--array=0-(N-1)): part I writes $PARTS/part-I.json, its raw sums;
#   2. merge.sbatch with --dependency=afterok:<array job>: once every part has succeeded, writes the final
#      outputs in $OUT, the same as the single-machine command would.
# Run it from the folder the paths below are relative to (the jobs run there too), on a login node:
#   examples/slurm/submit.sh                       the settings below
#   N=16 MODE=analyze examples/slurm/submit.sh     any setting from the environment
#   ARRAY=5 examples/slurm/submit.sh               rerun only part 5 (a failed one) and merge again
#   SINGLE=1 examples/slurm/submit.sh              the same command on this machine, without Slurm
# The inputs, the binary, $PARTS, $OUT and this folder must be on a file system every node sees at the
# same path (home, project or scratch); the parts are small files (a few KB per region and hazard).
# Guide: docs/slurm.md.
set -euo pipefail

# ---- settings ---------------------------------------------------------------------------------------
N=${N:-4}                                           # parts: at most the number of chunks (docs/slurm.md)
MODE=${MODE:-run}                                   # run: a scenario file; analyze: one hazard raster
EXPOSURE=${EXPOSURE:-$PWD/.build/release/exposure}  # the binary, built once in the shared folder
# Inputs (paths relative to this folder, or absolute).
POPULATION=${POPULATION:-sample-rasters/population.tif}
REGIONS=${REGIONS:-sample-rasters/municipalities.geojson}
HAZARD=${HAZARD:-sample-rasters/flood_baseline_rp100.tif}
SCENARIO=${SCENARIO:-examples/sample-floods.yaml}
# Outputs: the partial results, the final outputs, the jobs' logs.
OUT=${OUT:-out/slurm}
PARTS=${PARTS:-$OUT/parts}
LOGS=${LOGS:-$OUT/logs}
# Resources of each part and of the merge: a part needs the memory of a single run (docs/slurm.md).
CPUS_PER_PART=${CPUS_PER_PART:-2}
MEM_PER_PART=${MEM_PER_PART:-2G}
TIME_PER_PART=${TIME_PER_PART:-02:00:00}
SBATCH_OPTIONS=${SBATCH_OPTIONS:-}                  # e.g. "--partition=batch --account=myproject"
ARRAY=${ARRAY:-0-$((N - 1))}                        # which parts to submit (a rerun: ARRAY=5 or ARRAY=3,7)
WAIT=${WAIT:-0}                                     # 1: wait for the merge and exit with its status
SINGLE=${SINGLE:-0}                                 # 1: run the single-machine command instead

# The command of every part (without --part) and the outputs merge writes.
case "$MODE" in
    run)
        COMMAND=(run "$SCENARIO")
        OUTPUTS=(--output-dir "$OUT/run") ;;
    analyze)
        COMMAND=(analyze --population "$POPULATION" --regions "$REGIONS" --region-id code --region-name name
                 --hazard "$HAZARD" --preset flood-depth)
        OUTPUTS=(--output "$OUT/flood.geojson" --csv "$OUT/flood.csv") ;;
    *) echo "submit.sh: MODE is analyze or run, not '$MODE'" >&2; exit 2 ;;
esac
# ------------------------------------------------------------------------------------------------------

HERE=$(cd "$(dirname "$0")" && pwd)
[ -x "$EXPOSURE" ] || { echo "submit.sh: no exposure binary at $EXPOSURE (swift build -c release --product exposure, or set EXPOSURE)" >&2; exit 1; }
mkdir -p "$OUT" "$PARTS" "$LOGS"

if [ "$SINGLE" = 1 ]; then
    echo "+ $EXPOSURE ${COMMAND[*]} ${OUTPUTS[*]}"
    exec "$EXPOSURE" "${COMMAND[@]}" "${OUTPUTS[@]}"
fi

# Both jobs run in this folder (the parts record their inputs' paths as given) with these variables.
common=(--parsable --chdir="$PWD" --export="ALL,EXPOSURE=$EXPOSURE,N=$N,PARTS=$PARTS")
# shellcheck disable=SC2206
extra=($SBATCH_OPTIONS)

parts_job=$(sbatch "${common[@]}" "${extra[@]}" --array="$ARRAY" \
    --cpus-per-task="$CPUS_PER_PART" --mem="$MEM_PER_PART" --time="$TIME_PER_PART" \
    --output="$LOGS/part-%a.log" \
    "$HERE/parts.sbatch" "${COMMAND[@]}")
parts_job=${parts_job%%;*}   # --parsable prints JOBID or JOBID;CLUSTER
echo "parts: array job $parts_job (parts $ARRAY of $N), writing $PARTS/part-I.json, logs $LOGS/part-I.log"

wait_option=()
[ "$WAIT" = 1 ] && wait_option=(--wait)
echo "merge: after every part succeeds, writing ${OUTPUTS[*]}, log $LOGS/merge.log"
set +e
merge_job=$(sbatch "${common[@]}" "${extra[@]}" "${wait_option[@]}" --dependency="afterok:$parts_job" \
    --cpus-per-task="$CPUS_PER_PART" --mem="$MEM_PER_PART" \
    --output="$LOGS/merge.log" \
    "$HERE/merge.sbatch" "${OUTPUTS[@]}")
status=$?
set -e
merge_job=${merge_job%%;*}
[ -n "$merge_job" ] && echo "merge: job $merge_job"
if [ "$WAIT" = 1 ]; then
    exit "$status"
elif [ "$status" -ne 0 ]; then
    echo "submit.sh: sbatch of the merge job failed" >&2; exit "$status"
fi
echo "Follow with: squeue -j $parts_job,$merge_job   A failed part K: ARRAY=K $0 (after scancel $merge_job)"
