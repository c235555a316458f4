#!/usr/bin/env bash
# Install what building and testing Ballast needs, when it is missing. Safe to run repeatedly.
#   - Rust: the wasm32v1-none target and rust-src (rust-toolchain.toml pins the channel)
#   - a C toolchain, pkg-config, OpenSSL headers, git, protoc (the node's networking crates
#     compile protobuf schemas), clang and make, via apt (as root or with sudo; without either,
#     it names what to install by hand and stops)
#   - Node.js (18 or newer) + npm for the end-to-end tests, via apt
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

# System packages: polkadot-sdk's build list (a C toolchain, pkg-config, OpenSSL headers, git,
# clang for the wasm and RocksDB-free native builds, protoc) plus make and Node.js/npm.
apt_missing=()
command -v cc >/dev/null 2>&1 || apt_missing+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || apt_missing+=(pkg-config)
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists openssl 2>/dev/null; then
	apt_missing+=(libssl-dev)
fi
command -v git >/dev/null 2>&1 || apt_missing+=(git)
command -v protoc >/dev/null 2>&1 || apt_missing+=(protobuf-compiler)
command -v clang >/dev/null 2>&1 || apt_missing+=(clang)
command -v make >/dev/null 2>&1 || apt_missing+=(make)
command -v node >/dev/null 2>&1 || apt_missing+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_missing+=(npm)
if [ ${#apt_missing[@]} -gt 0 ]; then
	can_root=no
	if [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
		can_root=yes
	fi
	if [ "$can_root" = no ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "Missing: ${apt_missing[*]} (Debian/Ubuntu package names)." >&2
		echo "This script installs them with apt-get as root or with sudo, and has neither here:" >&2
		echo "install them with your system's package manager, then re-run 'make'." >&2
		exit 1
	fi
	say "installing with apt: ${apt_missing[*]}"
	sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}"
fi

# Node.js: the e2e tests need 18 or newer (tested on 20, 22 and 24).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 18 ]; then
	echo "Node.js $(node --version 2>/dev/null || echo '(none)') is too old: the end-to-end tests need Node.js 18 or newer." >&2
	echo "Install a current LTS (22 or 24), e.g. from https://nodejs.org or with nvm ('nvm install 22'), then re-run 'make'." >&2
	exit 1
fi

# e2e packages: reinstall only when the lockfile changed since the last install.
stamp=e2e/node_modules/.ballast-lock
if [ ! -f "$stamp" ] || ! cmp -s e2e/package-lock.json "$stamp"; then
	say "installing e2e npm packages (npm ci)"
	(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
	cp e2e/package-lock.json "$stamp"
fi
say "prerequisites present"
