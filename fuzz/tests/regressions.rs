//! Every input the fuzzers found a crash or a broken invariant with, minimised, replayed
//! against the runtime: each must now run clean (`ballast_fuzz::run`). Add new ones at the end
//! with what they found and what fixed it.

#![allow(clippy::unwrap_used, clippy::panic)]

use ballast_fuzz::{driver::hooks_cover_the_runtime, from_hex, run};

/// `(what it found → what fixed it, minimised input as hex)`.
const REGRESSIONS: &[(&str, &str)] = &[];

#[test]
fn regressions_run_clean() {
	for (what, hex) in REGRESSIONS {
		if let Err(finding) = run(&from_hex(hex)) {
			panic!("regression `{what}` is back: {finding}");
		}
	}
}

/// The empty input and a few degenerate ones run no block and find nothing.
#[test]
fn degenerate_inputs_run_clean() {
	for input in [&[][..], &[0], &[0xFF; 4], &[0xFF; 64]] {
		if let Err(finding) = run(input) {
			panic!("{input:?}: {finding}");
		}
	}
}

/// The driver runs every pallet's hooks: its lists around the sweep are exactly the runtime's
/// pallets, in declaration order.
#[test]
fn the_driver_runs_every_pallets_hooks() {
	if let Err(e) = hooks_cover_the_runtime() {
		panic!("{e}");
	}
}
