//! The chain-wide stress test (`pallet_stress`): its scenarios and controller, its budget, and
//! the funds that absorb losses beyond traders' equity. No logic lives here.

use super::derivatives::{MaxPositions, QuoteDecimals};
use crate::{Liquidation, Options, Perpetuals, Runtime, RuntimeEvent};
use ballast_primitives::{
	traits::{LossCapacity, PooledQuote, PriceMode},
	SignedBalance,
};
use pallet_stress::{ScenarioParams, StressParams};
use polkadot_sdk::{
	frame_support::{parameter_types, weights::Weight, BoundedVec},
	sp_arithmetic::{FixedU128, Permill},
};

/// One scenario: every underlying `percent` % from its reference, implied volatility ×
/// `vol_tenths / 10`.
const fn scenario(percent: i32, vol_tenths: u128) -> ScenarioParams {
	ScenarioParams {
		shock: percent.saturating_mul(10_000),
		vol: FixedU128::from_inner(vol_tenths.saturating_mul(100_000_000_000_000_000)),
	}
}

/// The crash scenarios: every underlying together ±10, ±20, ±30 % (the largest beyond the
/// portfolio grid's ±16 %: the stress test asks what the margin does not cover), volatility up
/// with the size of the move.
pub const SCENARIOS: [ScenarioParams; 6] = [
	scenario(-30, 15),
	scenario(-20, 13),
	scenario(-10, 12),
	scenario(10, 12),
	scenario(20, 13),
	scenario(30, 15),
];

parameter_types! {
	/// The parameters until governance sets any (`stressTest.setParams`, the risk-parameters
	/// track): tighten while insurance and vaults cover less than 1.5× the worst scenario's
	/// shortfall, relax from 2×; 0.5 % per block (6 s), at most 25 %; 256 accounts per block.
	pub DefaultStressParams: StressParams = StressParams {
		scenarios: BoundedVec::truncate_from(SCENARIOS.to_vec()),
		tighten_below: FixedU128::from_rational(3, 2),
		relax_above: FixedU128::from_u32(2),
		step: Permill::from_parts(5_000),
		max_tightening: Permill::from_percent(25),
		accounts_per_block: 256,
	};
	/// A twentieth of each block's weight (the sweep has a quarter).
	pub StressBudget: Weight =
		super::system::RuntimeBlockWeights::get().max_block.checked_div(20).unwrap_or_default();
}

/// What absorbs losses beyond traders' equity: the insurance funds (global and per market) and
/// both vaults' NAV at conservative prices (a vault that cannot be valued counts for nothing).
pub struct LossAbsorbers;
impl LossCapacity for LossAbsorbers {
	fn loss_capacity() -> SignedBalance {
		let perps = Perpetuals::vault_nav(PriceMode::Conservative).unwrap_or(0);
		let options = Options::vault_nav(PriceMode::Conservative).unwrap_or(0);
		Liquidation::pooled_quote().saturating_add(perps).saturating_add(options)
	}
}

impl pallet_stress::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Scenarios and thresholds are risk parameters.
	type GovernanceOrigin = crate::governance::RiskParametersOrigin;
	type Accounts = crate::MarginAccounts;
	/// The liquidation engine's watch: accounts with a position or in debt.
	type Walk = crate::Liquidation;
	type Capacity = LossAbsorbers;
	type QuoteDecimals = QuoteDecimals;
	type Budget = StressBudget;
	type MaxLegs = MaxPositions;
	type DefaultParams = DefaultStressParams;
	type WeightInfo = crate::weights::pallet_stress::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}
