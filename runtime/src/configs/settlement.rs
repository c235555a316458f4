//! The global settlement (`pallet_global_settlement`): who triggers it, its pace, and the
//! products it settles. No logic lives here.
//!
//! Triggered by Root only: a `root`-track referendum (or a call the risk council whitelisted,
//! dispatched as Root by a `whitelisted_caller` referendum; sudo on the dev and local chains).
//! No narrower track may: it ends trading on the chain for good.

use crate::{Runtime, RuntimeEvent};
use polkadot_sdk::{
	frame_support::{parameter_types, weights::Weight},
	frame_system::EnsureRoot,
};

parameter_types! {
	/// A tenth of each block's weight (the sweep has a quarter, the stress test a twentieth;
	/// the sweep does nothing while the settlement runs).
	pub SettleBudget: Weight =
		super::system::RuntimeBlockWeights::get().max_block.checked_div(10).unwrap_or_default();
	/// At most 64 positions a block, whatever the budget: a few hundred take several blocks.
	pub const MaxSettlePerBlock: u32 = 64;
	/// Every market's key and every options underlying's: at most one per market and one per
	/// live series.
	pub const MaxSettlementKeys: u32 = 64;
}

impl pallet_global_settlement::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type SettleOrigin = EnsureRoot<ballast_primitives::AccountId>;
	type Prices = crate::PriceGuard;
	/// Perpetuals first, then options.
	type Products = super::derivatives::Products;
	type SettleBudget = SettleBudget;
	type MaxSettlePerBlock = MaxSettlePerBlock;
	type MaxKeys = MaxSettlementKeys;
	type WeightInfo = crate::weights::pallet_global_settlement::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}
