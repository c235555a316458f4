//! The deterministic short sweep run by `make test`: fixed seeds, inputs from a seeded PRNG,
//! every invariant after every block (see `ballast_fuzz::checks`). Prints sequences and blocks
//! executed per minute.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::panic,
	clippy::float_arithmetic
)]

use ballast_fuzz::{run, to_hex, SplitMix, Stats};
use std::time::Instant;

/// Seeds of the sweep; each yields [`PER_SEED`] inputs. `BALLAST_FUZZ_SEEDS` (comma-separated,
/// decimal or 0x-hex) replaces them: a long random campaign on idle cores, one process per
/// core with its own seeds (a finding prints its seed, index and input, so it replays).
const SEEDS: [u64; 4] = [0xBA11A57, 1, 2026, 0xDEAD_BEEF];
/// Inputs per seed (tuned for ≈2 minutes in `--release` on a 2-core machine);
/// `BALLAST_FUZZ_SWEEP` overrides it.
const PER_SEED: usize = 2_000;

#[test]
fn deterministic_sweep() {
	let started = Instant::now();
	let mut total = Stats::default();
	let mut sequences = 0u64;
	let per_seed =
		std::env::var("BALLAST_FUZZ_SWEEP").ok().and_then(|v| v.parse().ok()).unwrap_or(PER_SEED);
	let seeds: Vec<u64> = match std::env::var("BALLAST_FUZZ_SEEDS") {
		Ok(list) => list
			.split(',')
			.map(|s| {
				let s = s.trim();
				match s.strip_prefix("0x") {
					Some(hex) => u64::from_str_radix(hex, 16),
					None => s.parse(),
				}
				.unwrap_or_else(|e| panic!("BALLAST_FUZZ_SEEDS: {s:?}: {e}"))
			})
			.collect(),
		Err(_) => SEEDS.to_vec(),
	};
	for seed in seeds {
		let mut rng = SplitMix(seed);
		for i in 0..per_seed {
			let len = 64 + (rng.next_u64() % 1_200) as usize;
			let input = rng.bytes(len);
			match run(&input) {
				Ok(stats) => total.add(&stats),
				Err(finding) => {
					panic!("seed {seed:#x} input {i}: {finding}\ninput (hex): {}", to_hex(&input))
				},
			}
			sequences += 1;
		}
	}
	let secs = started.elapsed().as_secs_f64();
	println!(
		"sweep: {sequences} sequences, {} blocks, {} extrinsics ({} ok, {} block-full) in {secs:.1} s: \
		 {:.0} sequences/min, {:.0} blocks/min; {} liquidations, {} auctions, {} takes, {} ADL/bad-debt, \
		 {} options bought, {} option positions settled",
		total.blocks,
		total.extrinsics,
		total.succeeded,
		total.block_full,
		sequences as f64 * 60.0 / secs,
		total.blocks as f64 * 60.0 / secs,
		total.liquidations,
		total.auctions,
		total.takes,
		total.adl_or_bad_debt,
		total.options_bought,
		total.options_settled,
	);
	assert!(total.liquidations > 0, "the sweep exercises liquidations");
	assert!(total.options_bought > 0, "the sweep exercises options");
}
