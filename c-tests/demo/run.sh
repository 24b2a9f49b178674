#!/bin/bash
# `make test` runs every c-tests/*/run.sh: this one is the demo's check
# (demo/check.sh), the demo built against the original and against ours,
# outputs compared.
exec bash "$(cd "$(dirname "$0")/../.." && pwd)/demo/check.sh" "$@"
