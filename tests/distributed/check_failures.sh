#!/usr/bin/env bash
# A failing rank ends the whole job in bounded time with a message naming the
# failure, never a hang (TAP). Arguments: mpirun, the failing_rank program.
set -uo pipefail
mpirun=$1 program=$2
export XGRAD_DISTRIBUTED_TIMEOUT=3 XGRAD_NUM_THREADS=1
n=0 failed=0
check() {  # mode, expected output (extended regex)
  local mode=$1 expected=$2 start out rc elapsed
  n=$((n + 1))
  start=$(date +%s)
  out=$(timeout 60 "$mpirun" --allow-run-as-root --oversubscribe -np 2 "$program" "$mode" 2>&1)
  rc=$?
  elapsed=$(($(date +%s) - start))
  if [[ $rc -ne 0 && $rc -ne 124 && $elapsed -lt 30 ]] && grep -qE "$expected" <<<"$out"; then
    echo "ok $n - $mode: the job ended in ${elapsed} s (exit $rc) naming the failure"
  else
    echo "not ok $n - $mode: exit $rc after ${elapsed} s (124: still running at 60 s); expected /$expected/ in:"
    sed 's/^/# /' <<<"$out"
    failed=1
  fi
}
check uncaught "injected failure on rank 1 at batch 2"
check caught "xgrad: rank [01]: (MPI_Finalize|all_reduce) waited [0-9.]+ s for the other ranks"
check abort "xgrad: rank 1: injected failure on rank 1 at batch 2"
check killed "rank 1 .*(signal 9|Killed)"
check hang "xgrad: rank 0: all_reduce waited [0-9.]+ s for the other ranks \(timeout 3 s"
# Every rank fails alike at the start, so none waits: not even for the default timeout.
XGRAD_DISTRIBUTED_TIMEOUT=600 check disagree "rank 1 caught: ranks disagree on the seed: rank 0 has 42, rank 1 has 43"
echo "1..$n"
exit $failed
