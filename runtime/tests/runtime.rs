//! The runtime's integration tests, one test binary: each module drives the real runtime (native,
//! from the genesis presets) through one domain; `common` holds the shared helpers. One binary
//! instead of one per file: the helpers and the runtime's generic code are compiled and linked
//! once (the runtime crate sets `autotests = false` and names this file).
//!
//! One domain: `cargo test --release --workspace --test runtime derivatives::`.

mod common;

mod benchmark_accounts;
mod derivatives;
mod genesis;
mod governance;
mod layout;
mod liquidation;
mod oracle;
mod settlement;
mod stress;
mod validators;
mod volatility;
mod watch;
