#!/bin/sh
# A stand-in for a batch scheduler's submit command (sbatch, qsub): it runs the job script
# Snakemake hands it as a separate process in the background, records the submission, and
# prints a job id, as a real scheduler does.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
log=${FAKE_SCHEDULER_LOG:-$here/submissions.log}
id="fake-$$-$(date +%s%N)"
printf '%s %s\n' "$id" "$1" >> "$log"
nohup sh "$1" > "$log.$id.out" 2>&1 &
echo "$id"
