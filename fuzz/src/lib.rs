//! # ballast-fuzz
//!
//! A fuzzer over the real Ballast runtime, natively (no wasm): input bytes decode into a
//! sequence of blocks, each with a time gap and a list of extrinsics from a weighted menu of
//! every Ballast call (see [`menu`]), and every block is driven like `frame-executive` drives
//! one (`System::initialize` with an Aura pre-runtime digest, every pallet's `on_initialize` in
//! declaration order, the timestamp inherent, the extrinsics admitted under the normal-class
//! weight limit, `on_idle`, `on_finalize`). After every block [`checks`] verifies every
//! invariant; the first one broken is returned as a [`Finding`] (a panic anywhere is one too).
//!
//! Not emulated: signatures, nonces and transaction fees (`ChargeTransactionPayment`): calls
//! are dispatched from their origin directly, through the runtime's call filter.
//!
//! Entry point: [`run`]. The deterministic sweep (`tests/sweep.rs`) and the libFuzzer targets
//! (`fuzz/cargo-fuzz`) both call it.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::panic,
	clippy::float_arithmetic,
	clippy::manual_is_multiple_of
)]

pub mod checks;
pub mod driver;
pub mod menu;

use std::fmt;

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
	/// Blocks executed (after the shared setup).
	pub blocks: u64,
	/// Extrinsics dispatched (admitted under the weight limit).
	pub extrinsics: u64,
	/// Of which succeeded.
	pub succeeded: u64,
	/// Extrinsics not admitted: the block's normal-class weight was full.
	pub block_full: u64,
	/// `PositionsLiquidated` events.
	pub liquidations: u64,
	/// `AuctionStarted` events.
	pub auctions: u64,
	/// `AuctionTaken` events.
	pub takes: u64,
	/// Auto-deleveraging steps and bad-debt write-offs.
	pub adl_or_bad_debt: u64,
	/// Options bought (`Bought` events).
	pub options_bought: u64,
	/// Option positions paid at expiry (`PositionSettled` events).
	pub options_settled: u64,
}

impl Stats {
	pub fn add(&mut self, o: &Stats) {
		self.blocks += o.blocks;
		self.extrinsics += o.extrinsics;
		self.succeeded += o.succeeded;
		self.block_full += o.block_full;
		self.liquidations += o.liquidations;
		self.auctions += o.auctions;
		self.takes += o.takes;
		self.adl_or_bad_debt += o.adl_or_bad_debt;
		self.options_bought += o.options_bought;
		self.options_settled += o.options_settled;
	}
}

/// An invariant broken (or a panic), with the block it happened in and the calls of the run
/// so far.
#[derive(Clone, Debug)]
pub struct Finding {
	/// Which check.
	pub check: &'static str,
	/// What it saw.
	pub detail: String,
	/// Block number (chain numbering) it happened in.
	pub block: u32,
	/// The run's log up to the finding: blocks, calls and their results.
	pub log: Vec<String>,
}

impl fmt::Display for Finding {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		writeln!(f, "[{}] at block {}: {}", self.check, self.block, self.detail)?;
		let skip = self.log.len().saturating_sub(60);
		if skip > 0 {
			writeln!(f, "  ... {skip} earlier log lines")?;
		}
		for line in self.log.iter().skip(skip) {
			writeln!(f, "  {line}")?;
		}
		Ok(())
	}
}

/// Run one input: decode blocks from `data` and execute them on a fresh copy of the shared
/// start state ([`driver::start_state`]), checking every invariant after every block.
pub fn run(data: &[u8]) -> Result<Stats, Finding> {
	driver::run(data, false)
}

/// [`run`], printing every block and call as it goes (for replaying an input).
pub fn run_verbose(data: &[u8]) -> Result<Stats, Finding> {
	driver::run(data, true)
}

/// Lower-case hex of `bytes` (regression inputs are kept as hex).
pub fn to_hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes of a hex string (whitespace ignored).
pub fn from_hex(s: &str) -> Vec<u8> {
	let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
	clean
		.chunks(2)
		.map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
		.collect()
}

/// A small deterministic PRNG (SplitMix64) for the sweep's inputs.
pub struct SplitMix(pub u64);

impl SplitMix {
	pub fn next_u64(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	/// `len` random bytes.
	pub fn bytes(&mut self, len: usize) -> Vec<u8> {
		let mut out = Vec::with_capacity(len + 8);
		while out.len() < len {
			out.extend_from_slice(&self.next_u64().to_le_bytes());
		}
		out.truncate(len);
		out
	}
}
