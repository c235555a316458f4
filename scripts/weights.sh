#!/usr/bin/env bash
# Generate runtime/src/weights/<pallet>.rs with `ballast-node benchmark pallet`.
#
#   scripts/weights.sh <node built with --features runtime-benchmarks> [pallet ...]
#
# The benchmarks run in the real wasm runtime on the dev genesis (markets, listed assets and a
# seeded vault: the liquidation benchmarks open real accounts on them). The generated files
# name the SDK crates directly; the runtime reaches them through `polkadot_sdk`, so the paths
# are rewritten. STEPS and REPEAT can be overridden from the environment.
set -euo pipefail
node=${1:?usage: scripts/weights.sh <benchmark node> [pallet ...]}
shift
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_price_guard pallet_collateral_registry pallet_price_feed pallet_margin_accounts pallet_perpetuals pallet_options pallet_liquidation pallet_stress pallet_global_settlement pallet_validator_set)
root=$(cd "$(dirname "$0")/.." && pwd)
for pallet in "${pallets[@]}"; do
	out="$root/runtime/src/weights/$pallet.rs"
	echo "benchmarking $pallet → $out"
	log=$(mktemp)
	status=0
	"$node" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
		--steps "${STEPS:-10}" --repeat "${REPEAT:-3}" --output "$out" >"$log" 2>&1 || status=$?
	grep -v -e 'deprecated' -e '^\s*$' "$log" | grep -E '^(Pallet:|Time ~=|Reads|Writes|Error|.*failed)' || true
	if [ "$status" -ne 0 ] || grep -q 'benchmarks failed' "$log"; then
		echo "benchmarking $pallet failed (log: $log); $out is unchanged" >&2
		exit 1
	fi
	rm -f "$log"
	sed -i \
		-e 's/^use frame_support::/use polkadot_sdk::frame_support::/' \
		-e 's/\([^:]\)frame_system::Config/\1polkadot_sdk::frame_system::Config/' \
		-e 's/^#!\[allow(missing_docs)\]/#![allow(missing_docs, clippy::unnecessary_cast)]/' \
		"$out"
done
