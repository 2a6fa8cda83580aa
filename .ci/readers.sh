#!/usr/bin/env bash
# Opens a smoke run's results.arrow, results.parquet and every cache artifact with readers
# that are not Arrow Go (arrow-js with a zstd codec, polars, DuckDB), installed from npm into
# a temporary folder that is removed afterwards, and compares what they read with Arrow Go.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null &&
	npm install --no-audit --no-fund --loglevel=error -E apache-arrow@21.2.0 fzstd@0.1.1 \
		nodejs-polars@0.25.2 nodejs-polars-linux-x64-gnu@0.25.2 @duckdb/node-api@1.5.6-r.1 >/dev/null)
go build -o "$tmp/build" ./build
go build -o "$tmp/arrowsummary" ./tools/arrowsummary
if ! "$tmp/build" -profile smoke -only gauss-nfc-id,gmm-id -cache "$tmp/cache" -out "$tmp/out" >"$tmp/run.log" 2>&1; then
	cat "$tmp/run.log"
	exit 1
fi
find "$tmp/cache" -name '*.arrow' -not -path '*/corrupt/*' | sort >"$tmp/artifacts"
"$tmp/arrowsummary" "$tmp/out/results.arrow" $(cat "$tmp/artifacts") >"$tmp/expect.json"
cp .ci/readers.mjs "$tmp/"
(cd "$tmp" && node readers.mjs expect.json out/results.parquet)
