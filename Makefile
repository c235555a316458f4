# Ballast: the two commands of the README are `make dev` and `make test`.
#
# Builds share one target directory and one cargo profile (release), so the polkadot-sdk
# crates compile once for the node, the tests and CI alike.

CARGO_TARGET_DIR ?= $(HOME)/.cache/ballast/target
export CARGO_TARGET_DIR
NODE := $(CARGO_TARGET_DIR)/release/ballast-node
CARGO ?= cargo

.PHONY: dev test prereqs build test-rust test-live test-e2e test-network network lint fmt help sweep-scale weights throughput fuzz fuzz-replay docker-test upgrade-test release

help:
	@echo "make dev      install prerequisites, build, start a dev chain (ws://127.0.0.1:9944) fed by the price server"
	@echo "make test     install prerequisites, build, run every test (Rust + end-to-end)"
	@echo "make network  start a local 4-validator network with zombienet (Alice RPC on 9944)"
	@echo "make lint     rustfmt check + clippy (runtime rules: no unwrap/panic/indexing/overflow)"
	@echo "make sweep-scale  print the liquidation sweep's cost per block at 1k..1M accounts"
	@echo "make weights  build the node with runtime-benchmarks, regenerate runtime/src/weights/"
	@echo "make docker-test  build the node image from the built binary (podman), check docker/ (compose, alerts, dashboard)"
	@echo "make upgrade-test  upgrade a running 4-validator network from the last released runtime to this one"
	@echo "make release  the release binary and runtime with the production profile (LTO; slow)"
	@echo "make throughput  fill dev-node blocks with perpetuals.trade and with transfers, print both per-block counts"
	@echo "make fuzz     libFuzzer campaign: make fuzz DURATION=600 TARGET=runtime (or TARGET=json)"
	@echo "make fuzz-replay INPUT=file  replay one input (TARGET=runtime: every block and call printed)"

prereqs:
	@scripts/prereqs.sh

build: prereqs
	$(CARGO) build --release --locked -p ballast-node

# The dev chain's price-feed sources point at the embedded price server on 127.0.0.1:8088;
# it runs in the background for as long as the node does.
dev: build
	@$(NODE) price-server --port 8088 & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	$(NODE) --dev --rpc-cors all

test: build test-rust test-live

# The workspace's tests, then each Ballast pallet's benchmarks run as tests against its mock
# (`impl_benchmark_test_suite!`; native, no wasm runtime needed).
BENCH_PALLETS := -p pallet-collateral-registry -p pallet-price-feed -p pallet-price-guard -p pallet-margin-accounts \
	-p pallet-perpetuals -p pallet-liquidation -p pallet-options -p pallet-stress -p pallet-global-settlement \
	-p pallet-validator-set
# (The binary crate `ballast-node` is only `main`: testing it would compile the node library a
# second time, with the workspace's unified features, for no test.)
test-rust: prereqs
	$(CARGO) test --release --locked --workspace --exclude ballast-node
	SKIP_WASM_BUILD=1 $(CARGO) test --release --locked $(BENCH_PALLETS) --features runtime-benchmarks --lib

# The suites on real nodes run side by side: both mostly wait for 6-second blocks (together
# they keep about one core busy), so the pair takes as long as the longer one, not the sum.
# Each one's output is printed whole when it ends (`--output-sync`); while they run, the
# nodes' logs are in e2e/.tmp/ and zombienet's temp dirs. E2E_JOBS: e2e files run at once.
E2E_JOBS ?= 8
export E2E_JOBS
test-live: build
	@echo "==> e2e ($(E2E_JOBS) files at a time) and zombienet side by side; each prints when it ends"
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-e2e test-network

test-e2e: build
	cd e2e && npm test

# Block-filling benchmark on a real dev node: perpetuals.trade vs balances.transferKeepAlive per
# block (figures, not a pass/fail test; see e2e/bench/throughput.mjs).
throughput: build
	cd e2e && node bench/throughput.mjs

# docker/: the image from the binary `make build` made (podman, no second compile), the compose
# file's references, promtool on the alert rules (scripts/docker-test.sh; see docker/README.md).
docker-test: build
	scripts/docker-test.sh

# zombienet: smoke (liveness), faults (paused, lost quorum, restarted validators), oracle
# (operators' sources garbage / hanging / good) and upgrade (the last released runtime upgraded
# by setCode to this checkout's; state survives).
test-network: build
	scripts/network.sh test

upgrade-test: build
	scripts/network.sh test upgrade

# What operators run and what goes on chain: the `production` profile (fat LTO, one codegen
# unit; about twice the release build time). Tests and `make dev` use `release`.
release: prereqs
	$(CARGO) build --profile production --locked -p ballast-node
	@echo "node: $(CARGO_TARGET_DIR)/production/ballast-node"
	@echo "runtime: $(CARGO_TARGET_DIR)/production/wbuild/ballast-runtime/ballast_runtime.compact.compressed.wasm"

network: build
	scripts/network.sh

lint: prereqs
	$(CARGO) fmt --all --check
	SKIP_WASM_BUILD=1 $(CARGO) clippy --release --locked --workspace --exclude ballast-node --exclude ballast-node-cli --all-targets -- -D warnings

# Per-block liquidation sweep cost at 1k..1M accounts (figures, not a pass/fail test).
sweep-scale: prereqs
	SKIP_WASM_BUILD=1 $(CARGO) bench --locked --workspace --bench sweep_scale

# Benchmarked weights: a node built with `runtime-benchmarks` runs `benchmark pallet` on the
# dev genesis and writes runtime/src/weights/. (frame-benchmarking-cli's storage-access test
# runtime cannot be built from the registry; `benchmark storage` does not need it here.)
BENCH_NODE := $(CARGO_TARGET_DIR)/ballast-node-benchmarks
weights: prereqs
	SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
		$(CARGO) build --release --locked -p ballast-node --features runtime-benchmarks
	cp $(NODE) $(BENCH_NODE)
	scripts/weights.sh $(BENCH_NODE)

fmt:
	$(CARGO) fmt --all

# Coverage-guided fuzzing (cargo-fuzz / libFuzzer, fuzz/cargo-fuzz): TARGET=runtime (random block
# sequences against the real runtime, every invariant after every block) or TARGET=json (the price
# feed's JSON reader against serde_json). Stable toolchain: RUSTC_BOOTSTRAP for cargo-fuzz's
# flags, no sanitizer (the runtime has no unsafe code). Crashes go to $(FUZZ_DIR)/artifacts/.
DURATION ?= 600
TARGET ?= runtime
FUZZ_TARGET_DIR ?= $(HOME)/.cache/ballast/target-fuzz
FUZZ := RUSTC_BOOTSTRAP=1 SKIP_WASM_BUILD=1 $(CARGO) fuzz
FUZZ_DIR := $(if $(filter json,$(TARGET)),fuzz/cargo-fuzz-json,fuzz/cargo-fuzz)
FUZZ_FLAGS := --fuzz-dir $(FUZZ_DIR) --sanitizer none --target-dir $(FUZZ_TARGET_DIR)
fuzz: prereqs
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	$(FUZZ) run $(FUZZ_FLAGS) $(TARGET) -- -max_total_time=$(DURATION) -max_len=4096 -print_final_stats=1

fuzz-replay: prereqs
	@test -n "$(INPUT)" || { echo "usage: make fuzz-replay INPUT=file [TARGET=runtime|json]"; exit 1; }
ifeq ($(TARGET),json)
	$(FUZZ) run $(FUZZ_FLAGS) json $(INPUT)
else
	SKIP_WASM_BUILD=1 $(CARGO) run --release --locked -p ballast-fuzz --example replay -- $(INPUT)
endif
