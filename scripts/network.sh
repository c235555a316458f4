#!/usr/bin/env bash
# A local 4-validator network (Alice, Bob, Charlie, Dave) with zombienet's native provider.
#   scripts/network.sh          spawn it; Alice's RPC on ws://127.0.0.1:9944; Ctrl-C stops it
#   scripts/network.sh test [NAME...]
#                               run zombienet/NAME.zndsl (default: smoke, faults, oracle, upgrade), each
#                               against a fresh network on free ports, ZOMBIENET_JOBS (default 2) at
#                               a time; each test's output is printed whole, in order, when it ends
set -euo pipefail
cd "$(dirname "$0")/../zombienet"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ballast/target}"
export BALLAST_NODE="${BALLAST_NODE:-$CARGO_TARGET_DIR/release/ballast-node}"
[ -x "$BALLAST_NODE" ] || { echo "no ballast-node at $BALLAST_NODE: run 'make build'" >&2; exit 1; }
# Every node of these networks loads the runtime's compiled code from one cache (the node's
# BALLAST_WASM_CACHE; zombienet passes its environment on): one compile, not one per node start.
export BALLAST_WASM_CACHE="${BALLAST_WASM_CACHE:-$PWD/.tmp/wasm-cache}"

# package.json's `overrides.toml` replaces a git dependency of zombienet that registries cannot
# serve. Reinstall only when the lockfile changed.
stamp=node_modules/.ballast-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
	npm ci --no-audit --no-fund --loglevel=error
	cp package-lock.json "$stamp"
fi

# The upgrade rehearsal starts from the last released runtime (the newest
# runtimes/ballast-<spec>.compact.compressed.wasm with its chain spec, recorded when it was
# released) and upgrades to the runtime this checkout built (BALLAST_UPGRADE_WASM).
upgrade_setup() {
	local old spec
	old=$(ls runtimes/ballast-*.compact.compressed.wasm | sort -V | tail -n 1)
	spec="${old%.compact.compressed.wasm}.local.json"
	export BALLAST_UPGRADE_WASM="${BALLAST_UPGRADE_WASM:-$CARGO_TARGET_DIR/release/wbuild/ballast-runtime/ballast_runtime.compact.compressed.wasm}"
	[ -f "$BALLAST_UPGRADE_WASM" ] || { echo "no new runtime at $BALLAST_UPGRADE_WASM: run 'make build'" >&2; exit 1; }
	export BALLAST_UPGRADE_SPEC="$work/upgrade-spec.json"
	node -e '
		const fs = require("fs");
		const [spec, wasm, out] = process.argv.slice(1);
		const s = JSON.parse(fs.readFileSync(spec, "utf8"));
		s.genesis.runtimeGenesis.code = "0x" + fs.readFileSync(wasm).toString("hex");
		fs.writeFileSync(out, JSON.stringify(s));
	' "$spec" "$old" "$BALLAST_UPGRADE_SPEC"
	echo "==> upgrade rehearsal: $(basename "$old") -> $BALLAST_UPGRADE_WASM"
}

# A network file (stdin → stdout) with each node's RPC, Prometheus and p2p ports set explicitly
# (zombienet would pick free ephemeral ports, which an outgoing connection or another network's
# node can take before the node binds them: "Address already in use" for a Prometheus port kept a
# node from starting). The ports come from block $1 (0, 1, ...) of 100 ports in 20000–29999, below
# Linux's ephemeral range (32768–60999), so no outgoing connection and no other network takes
# them; each is checked free.
free_ports() {
	node -e '
		const net = require("net");
		const block = Number(process.argv[1]);
		const lines = require("fs").readFileSync(0, "utf8").split("\n")
			.filter((l) => !/^\s*(rpc_port|prometheus_port|p2p_port)\s*=/.test(l));
		const names = lines.filter((l) => /^\s*name\s*=/.test(l)).length;
		const isFree = (port) => new Promise((r) => {
			const s = net.createServer();
			s.once("error", () => r(false));
			s.listen(port, "0.0.0.0", () => s.close(() => r(true)));
		});
		(async () => {
			const ports = [];
			for (let p = 20000 + (block % 100) * 100; ports.length < names * 3; p += 1) {
				if (p >= 20000 + ((block % 100) + 1) * 100) throw new Error("no free ports in block " + block);
				if (await isFree(p)) ports.push(p);
			}
			let i = 0;
			const out = lines.flatMap((l) => {
				if (!/^\s*name\s*=/.test(l)) return [l];
				const pad = l.match(/^\s*/)[0];
				const [rpc, prom, p2p] = ports.slice(3 * i, 3 * i + 3);
				i += 1;
				return [l, `${pad}rpc_port = ${rpc}`, `${pad}prometheus_port = ${prom}`, `${pad}p2p_port = ${p2p}`];
			});
			process.stdout.write(out.join("\n"));
		})().catch((e) => { console.error(e.message); process.exit(1); });
	' "$1"
}

# zombienet substitutes {{BALLAST_NODE}} (and the upgrade test's variables) from the environment.
case "${1:-spawn}" in
	spawn)
		exec npx zombienet -p native -l text spawn local.toml
		;;
	test)
		# Same network, but every node on its own ports (local.toml puts Alice on 9944 for `make
		# network`): two networks launched together, or a dev chain on 9944, must not collide.
		# Each test gets its own directory with its own copy of the files and its own port block.
		shift
		work=$(mktemp -d)
		trap 'rm -rf "$work"' EXIT
		tests=("$@")
		[ ${#tests[@]} -gt 0 ] || tests=(smoke faults oracle upgrade)
		# The networks mostly wait for blocks: two at a time (eight nodes) take about as long as
		# the longest pair, not the sum. Each runs in a subshell with its own log and exit code.
		jobs_max=${ZOMBIENET_JOBS:-2}
		zombienet="$PWD/node_modules/.bin/zombienet"
		index=0
		for name in "${tests[@]}"; do
			index=$((index + 1))
			while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
			(
				[ "$name" != upgrade ] || upgrade_setup
				dir="$work/$name"
				mkdir -p "$dir"
				cp ./*.zndsl ./*.js "$dir/"
				for toml in local.toml upgrade.toml; do free_ports "$index" < "$toml" > "$dir/$toml"; done
				echo "==> zombienet: $name.zndsl"
				status=0
				# From the test's own directory: zombienet resolves a test's `Network: ./x.toml`
				# against the working directory, not the test file's.
				(cd "$dir" && "$zombienet" -p native -l text test "$name.zndsl") || status=$?
				echo "$status" > "$work/$name.rc"
			) > "$work/$name.log" 2>&1 &
		done
		wait
		failed=()
		for name in "${tests[@]}"; do
			cat "$work/$name.log"
			[ "$(cat "$work/$name.rc" 2>/dev/null || echo 1)" = 0 ] || failed+=("$name")
		done
		if [ ${#failed[@]} -gt 0 ]; then
			echo "==> zombienet: FAILED: ${failed[*]}" >&2
			exit 1
		fi
		echo "==> zombienet: passed: ${tests[*]}"
		;;
	*)
		echo "usage: $0 [spawn|test]" >&2
		exit 2
		;;
esac
