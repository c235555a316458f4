#!/usr/bin/env bash
# Start (default) or test a local 4-validator network with zombienet's native provider.
#   scripts/network.sh          spawn Alice, Bob, Charlie, Dave; Alice's RPC on ws://127.0.0.1:9944
#   scripts/network.sh test     run zombienet/smoke.zndsl against a fresh network and exit
set -euo pipefail
cd "$(dirname "$0")/../zombienet"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ballast/target}"
export BALLAST_NODE="${BALLAST_NODE:-$CARGO_TARGET_DIR/release/ballast-node}"
[ -x "$BALLAST_NODE" ] || { echo "no ballast-node at $BALLAST_NODE: run 'make build'" >&2; exit 1; }

if [ ! -d node_modules/@zombienet/cli ]; then
	# `overrides.toml` replaces a git dependency of zombienet that registries cannot serve.
	npm install --no-audit --no-fund --loglevel=error
fi

# zombienet resolves {{BALLAST_NODE}} from the environment.
case "${1:-spawn}" in
	spawn) exec npx zombienet -p native -l text spawn local.toml ;;
	test) exec npx zombienet -p native -l text test smoke.zndsl ;;
	*) echo "usage: $0 [spawn|test]" >&2; exit 2 ;;
esac
