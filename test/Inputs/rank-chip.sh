#!/bin/sh
# An MPI worker's stand-in card (docs/scale-out.md): runs external-chip.py,
# misbehaving in MODE only on the worker rank BAD.
# Usage: rank-chip.sh RANK BAD MODE   (RANK comes from {rank} in the command)
here=$(dirname "$0")
if [ "$1" = "$2" ]; then
  exec /usr/bin/python3 "$here/external-chip.py" "$3"
fi
exec /usr/bin/python3 "$here/external-chip.py"
