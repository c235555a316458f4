//! Options: European cash-settled calls and puts on BTC, ETH and DOT against an options vault
//! (`pallet-options`), margined by the margin accounts like perpetuals (they meet in
//! [`Products`](super::derivatives::Products) and [`QuotePools`](super::derivatives::QuotePools)).
//!
//! Series ids start at `ballast_primitives::OPTION_SERIES_BASE` (`2^31`); perpetual market ids
//! stay below [`MaxMarkets`](super::derivatives::MaxMarkets), so they never overlap.

use super::derivatives::QuoteDecimals;
use crate::{MarginAccounts, Runtime, RuntimeEvent};
use polkadot_sdk::frame_support::{parameter_types, weights::Weight};

parameter_types! {
	/// Series listed and not yet settled: every buy values them all (three Black–Scholes
	/// evaluations each).
	pub const MaxLiveSeries: u32 = 32;
	/// Option positions per margin account.
	pub const MaxOptionPositions: u32 = 16;
	/// The options vault's virtual offset: one USDC (as the perpetuals' vault).
	pub const OptionsVirtualShares: ballast_primitives::Balance = 1_000_000;
	/// What `on_initialize` may spend settling expired series per block: a tenth of a second
	/// (≈ 1,600 positions at the placeholder weights).
	pub const SettlementBudget: Weight = Weight::from_parts(100_000_000_000, 2 * 1024 * 1024);
}

impl pallet_options::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// The risk-parameter origin, as the perpetuals' markets.
	type GovernanceOrigin = crate::governance::RiskParametersOrigin;
	/// Listing a series is a listing decision (the AssetListing track), as a perp market is.
	type ListOrigin = crate::governance::AssetListingOrigin;
	type Ledger = MarginAccounts;
	type Prices = crate::PriceGuard;
	type QuoteDecimals = QuoteDecimals;
	type MaxLiveSeries = MaxLiveSeries;
	type MaxPositions = MaxOptionPositions;
	type VirtualShares = OptionsVirtualShares;
	type SettlementBudget = SettlementBudget;
	type OnChange = (crate::Liquidation, crate::StressTest);
	/// Buying, selling and vault deposits stop once a global settlement is triggered.
	type Settlement = crate::GlobalSettlement;
	/// Placeholders until `make weights` generates `weights/pallet_options.rs`.
	type WeightInfo = crate::weights::pallet_options::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}
