#!/usr/bin/env bash
# `make docker-test`: what of docker/ this machine can exercise without a Docker engine.
#
#  1. docker/docker-compose.yml parses; every file it, prometheus.yml and the Grafana
#     provisioning refer to exists; every metric the alert rules and the dashboard query is one
#     the node exports (node/cli/src/metrics/) or a standard one.
#  2. The alert rules and the Prometheus configuration pass `promtool check` (if promtool is
#     installed: apt-get install prometheus).
#  3. The runtime image is built from the node `make build` made (`--target prebuilt`: no second
#     compile) on a Debian bookworm base made here (debootstrap → `podman import`), and
#     `ballast-node --version` runs in it (at build time and with `podman run`): the same
#     version as the host binary, as user ballast, with /data and the three ports.
#  4. With BALLAST_DOCKER_RUN=1 (default), the image runs a dev chain (host network) and its
#     Prometheus endpoint serves the ballast_ metrics.
#
# Needs podman (apt-get install podman runc debootstrap; installed when run as root with apt)
# for 3 and 4; without it they are skipped with a message. Environment: BALLAST_NODE (the
# binary; default $CARGO_TARGET_DIR/release/ballast-node), BALLAST_BASE_IMAGE (use this base
# instead of debootstrapping one), BALLAST_ROOTFS_CACHE (where the debootstrapped base is kept,
# default ~/.cache/ballast/rootfs).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/ballast/target}
NODE=${BALLAST_NODE:-$CARGO_TARGET_DIR/release/ballast-node}
BASE_TAG=localhost/ballast-bookworm:latest
IMAGE=localhost/ballast-node:docker-test
ROOTFS_CACHE=${BALLAST_ROOTFS_CACHE:-$HOME/.cache/ballast/rootfs}

step() { printf '\n==> %s\n' "$*"; }
skip() { printf 'SKIPPED: %s\n' "$*"; skipped+=("$*"); }
skipped=()
cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c"; done' EXIT

[ -x "$NODE" ] || { echo "ballast-node not found at $NODE: run \`make build\` first" >&2; exit 1; }

# ---- 1. references ----
step "compose file, provisioning and metric references"
python3 - "$repo" <<'EOF'
import json, os, re, sys
import yaml

repo = sys.argv[1]
docker = os.path.join(repo, "docker")
errors = []

compose = yaml.safe_load(open(os.path.join(docker, "docker-compose.yml")))
services = compose["services"]
validators = ["alice", "bob", "charlie", "dave"]
for name in validators + ["prometheus", "grafana"]:
    if name not in services:
        errors.append(f"compose: no service {name}")
for name in validators:
    svc = services.get(name, {})
    b = svc.get("build", {})
    dockerfile = os.path.normpath(os.path.join(docker, b.get("context", "."), b.get("dockerfile", "Dockerfile")))
    if not os.path.isfile(dockerfile):
        errors.append(f"compose: {name}: no {dockerfile}")
    target = b.get("target")
    if target and not re.search(rf"(?im)^FROM\s+\S+\s+AS\s+{re.escape(target)}\s*$", open(dockerfile).read()):
        errors.append(f"compose: {name}: the Dockerfile has no stage {target}")
    args = svc.get("command", [])
    if f"--{name}" not in args or "--chain=local" not in args:
        errors.append(f"compose: {name}: not a --{name} validator of the local chain")
    if name != "alice" and not any(a.startswith("--bootnodes=/dns/alice/") for a in args):
        errors.append(f"compose: {name}: no bootnode")
    if "--prometheus-external" not in args:
        errors.append(f"compose: {name}: Prometheus not reachable from the network")
# Every bind mount's host side exists.
for name, svc in services.items():
    for vol in svc.get("volumes", []):
        src = vol.split(":")[0]
        if src.startswith("."):
            path = os.path.normpath(os.path.join(docker, src))
            if not os.path.exists(path):
                errors.append(f"compose: {name}: mounts missing {path}")
    for vol in svc.get("volumes", []):
        src = vol.split(":")[0]
        if not src.startswith((".", "/")) and src not in (compose.get("volumes") or {}):
            errors.append(f"compose: {name}: undeclared volume {src}")

prom = yaml.safe_load(open(os.path.join(docker, "prometheus", "prometheus.yml")))
mounts = {v.split(":")[1]: os.path.normpath(os.path.join(docker, v.split(":")[0]))
          for v in services["prometheus"]["volumes"] if v.startswith(".")}
for rf in prom.get("rule_files", []):
    if rf not in mounts:
        errors.append(f"prometheus.yml: rule file {rf} is not mounted into the container")
targets = [t for sc in prom["scrape_configs"] for c in sc.get("static_configs", []) for t in c["targets"]]
for name in validators:
    if f"{name}:9615" not in targets:
        errors.append(f"prometheus.yml: {name}:9615 not scraped")

prov = os.path.join(docker, "grafana", "provisioning")
ds = yaml.safe_load(open(os.path.join(prov, "datasources", "prometheus.yml")))["datasources"][0]
if ds["url"] != "http://prometheus:9090":
    errors.append("grafana datasource does not point at the prometheus service")
dp = yaml.safe_load(open(os.path.join(prov, "dashboards", "ballast.yml")))["providers"][0]
gmounts = {v.split(":")[1]: os.path.normpath(os.path.join(docker, v.split(":")[0]))
           for v in services["grafana"]["volumes"] if v.startswith(".")}
dash_dir = gmounts.get(dp["options"]["path"])
if not dash_dir or not os.path.isdir(dash_dir):
    errors.append(f"grafana: dashboard path {dp['options']['path']} is not mounted")
dashboards = [json.load(open(os.path.join(dash_dir, f))) for f in os.listdir(dash_dir) if f.endswith(".json")] if dash_dir else []
if not dashboards:
    errors.append("grafana: no dashboard JSON")

# Metrics the node exports (names in node/cli/src/metrics/) and the standard ones used.
metrics_dir = os.path.join(repo, "node", "src", "metrics")
metrics_src = "".join(open(os.path.join(metrics_dir, f)).read() for f in sorted(os.listdir(metrics_dir)) if f.endswith(".rs"))
exported = set(re.findall(r'"(ballast_[a-z0-9_]+)"', metrics_src))
standard = {"substrate_block_height", "up"}
exprs = []
alerts = yaml.safe_load(open(os.path.join(docker, "prometheus", "alerts.yml")))
for g in alerts["groups"]:
    for r in g["rules"]:
        exprs.append((f"alert {r['alert']}", str(r["expr"])))
for d in dashboards:
    for p in d["panels"]:
        for t in p.get("targets", []):
            exprs.append((f"panel {p['title']}", t["expr"]))
    for v in d.get("templating", {}).get("list", []):
        q = v.get("query")
        exprs.append((f"variable {v['name']}", q["query"] if isinstance(q, dict) else q))
used = set()
for where, expr in exprs:
    names = set(re.findall(r"\b((?:ballast|substrate)_[a-z0-9_]+|up)\b", expr))
    if not names:
        errors.append(f"{where}: queries no metric")
    for n in names:
        used.add(n)
        if n not in exported | standard:
            errors.append(f"{where}: {n} is not exported by the node")
unused = sorted(exported - used)
for e in errors:
    print("ERROR:", e)
print(f"{len(services)} services, {len(exprs)} queries, {len(exported)} ballast_ metrics exported, "
      f"{len(used & exported)} of them used by the alerts or the dashboard")
if unused:
    print("not on the dashboard or in an alert:", ", ".join(unused))
sys.exit(1 if errors else 0)
EOF

# ---- 2. promtool ----
step "promtool"
if command -v promtool >/dev/null; then
	promtool check rules docker/prometheus/alerts.yml
	work=$(mktemp -d)
	cleanup+=("rm -rf '$work'")
	cp docker/prometheus/alerts.yml "$work/alerts.yml"
	sed "s#/etc/prometheus/alerts.yml#$work/alerts.yml#" docker/prometheus/prometheus.yml > "$work/prometheus.yml"
	promtool check config "$work/prometheus.yml"
else
	skip "promtool not installed (apt-get install prometheus): rules checked for syntax by YAML only"
fi

# ---- 3. the image, from the prebuilt binary ----
step "runtime image from $NODE"
if ! command -v podman >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	apt-get install -y podman runc debootstrap >/dev/null || true
fi
if ! command -v podman >/dev/null; then
	skip "podman not installed: image not built"
	printf '\nSkipped: %s\n' "${skipped[@]}"
	exit 0
fi

# Containers that run where the default OCI runtime cannot (crun on a cgroup v1/v2 hybrid,
# setrlimit refused in a sandbox): runc with explicit limits.
podman_flags=()
limits=()
if ! podman run --rm "${BALLAST_BASE_IMAGE:-$BASE_TAG}" true >/dev/null 2>&1; then
	n=$(ulimit -Hn)
	podman_flags=(--runtime runc)
	limits=(--ulimit "nofile=$n:$n" --ulimit nproc=4096:4096)
fi
run() { podman "${podman_flags[@]}" run --rm "${limits[@]}" "$@"; }

base=${BALLAST_BASE_IMAGE:-}
if [ -z "$base" ]; then
	base=$BASE_TAG
	if ! podman image exists "$base"; then
		rootfs=$ROOTFS_CACHE/bookworm
		if [ ! -x "$rootfs/bin/sh" ]; then
			command -v debootstrap >/dev/null || { skip "debootstrap not installed: no local base"; exit 0; }
			echo "debootstrap bookworm (minbase + ca-certificates) into $rootfs"
			rm -rf "$rootfs" && mkdir -p "$rootfs"
			debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" \
				http://deb.debian.org/debian >"$ROOTFS_CACHE/debootstrap.log"
		fi
		tar -C "$rootfs" -c . | podman import - "$base" >/dev/null
	fi
fi
ctx=$(mktemp -d)
cp "$NODE" "$ctx/ballast-node"
start=$(date +%s)
podman "${podman_flags[@]}" build "${limits[@]}" -q -f docker/Dockerfile --target prebuilt \
	--build-arg BASE_IMAGE="$base" -t "$IMAGE" "$ctx" >/dev/null
rm -rf "$ctx"
echo "built $IMAGE on $base in $(( $(date +%s) - start )) s"

want=$("$NODE" --version)
got=$(run "$IMAGE" --version)
echo "in the image: $got"
[ "$got" = "$want" ] || { echo "ERROR: the image runs '$got', the host binary is '$want'" >&2; exit 1; }
user=$(run --entrypoint id "$IMAGE" -un)
[ "$user" = ballast ] || { echo "ERROR: the image runs as $user, not ballast" >&2; exit 1; }
config=$(podman image inspect "$IMAGE" --format '{{.Config.User}} {{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}{{range $v, $_ := .Config.Volumes}}{{$v}}{{end}}')
echo "config: $config"
for want in "30333/tcp" "9944/tcp" "9615/tcp" "/data"; do
	[[ " $config " == *" $want"* ]] || { echo "ERROR: the image does not declare $want" >&2; exit 1; }
done
echo "size: $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"

# ---- 4. a dev chain in the image, its ballast_ metrics ----
if [ "${BALLAST_DOCKER_RUN:-1}" = 1 ]; then
	step "a dev chain in the image: ballast_ metrics on its Prometheus port"
	free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
	prom=$(free_port); rpc=$(free_port); p2p=$(free_port)
	name=ballast-docker-test-$$
	podman "${podman_flags[@]}" run -d --rm --name "$name" "${limits[@]}" --network host "$IMAGE" \
		--dev --tmp --no-telemetry --no-mdns --offchain-worker never \
		--rpc-port "$rpc" --port "$p2p" --prometheus-port "$prom" >/dev/null
	cleanup+=("podman ${podman_flags[*]} rm -f $name >/dev/null 2>&1 || true")
	metrics=""
	for _ in $(seq 60); do
		metrics=$(curl -fsS "http://127.0.0.1:$prom/metrics" 2>/dev/null || true)
		grep -Eq '^ballast_metrics_block(\{[^}]*\})? [1-9]' <<<"$metrics" && break
		sleep 1
	done
	if ! grep -Eq '^ballast_metrics_block(\{[^}]*\})? [1-9]' <<<"$metrics"; then
		echo "ERROR: no ballast_ metrics from the node in the image" >&2
		podman logs "$name" 2>&1 | tail -20 >&2
		exit 1
	fi
	grep -E '^ballast_(metrics_block|vault_nav_usd|price_usd|price_stale)' <<<"$metrics" | head -8
	echo "$(grep -c '^ballast_' <<<"$metrics") ballast_ series served from the container"
fi

if [ ${#skipped[@]} -gt 0 ]; then printf '\nSkipped: %s\n' "${skipped[@]}"; fi
echo "docker-test: OK"
