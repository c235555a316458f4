#!/usr/bin/env bash
# Install what building and testing Ballast needs, when it is missing. Safe to run repeatedly.
#   - Rust: the wasm32v1-none target and rust-src (rust-toolchain.toml pins the channel)
#   - protoc (the node's networking crates compile protobuf schemas) and clang, via apt
#   - Node.js + npm for the end-to-end tests, via apt
#   - the e2e tests' npm packages, exactly as locked (`npm ci`)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

sudo_if_needed() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v cargo >/dev/null 2>&1 || ! command -v rustup >/dev/null 2>&1; then
	echo "Rust is not installed: install rustup first (https://rustup.rs), then re-run." >&2
	exit 1
fi

# rust-toolchain.toml names the targets and components, but rustup only installs them for a
# toolchain it downloads itself; add them explicitly to the one in use.
installed_targets=$(rustup target list --installed)
if ! grep -qx wasm32v1-none <<<"$installed_targets"; then
	say "adding Rust target wasm32v1-none"
	rustup target add wasm32v1-none
fi
if ! rustup component list --installed | grep -q '^rust-src'; then
	say "adding Rust component rust-src"
	rustup component add rust-src
fi

apt_missing=()
command -v protoc >/dev/null 2>&1 || apt_missing+=(protobuf-compiler)
command -v clang >/dev/null 2>&1 || apt_missing+=(clang)
command -v make >/dev/null 2>&1 || apt_missing+=(make)
command -v node >/dev/null 2>&1 || apt_missing+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_missing+=(npm)
if [ ${#apt_missing[@]} -gt 0 ]; then
	say "installing with apt: ${apt_missing[*]}"
	sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}"
fi

# e2e packages: reinstall only when the lockfile changed since the last install.
stamp=e2e/node_modules/.ballast-lock
if [ ! -f "$stamp" ] || ! cmp -s e2e/package-lock.json "$stamp"; then
	say "installing e2e npm packages (npm ci)"
	(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
	cp e2e/package-lock.json "$stamp"
fi
say "prerequisites present"
