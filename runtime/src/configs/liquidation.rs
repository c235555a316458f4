//! Liquidation: `pallet_liquidation`'s parameters, and its wiring to the margin engine, the
//! derivative products, the collateral registry and the price guard. No logic lives here.

use super::derivatives::{Products, QuoteDecimals};
use crate::{CollateralRegistry, MarginAccounts, Perpetuals, Runtime, RuntimeEvent};
use pallet_liquidation::LiquidationParams;
use polkadot_sdk::{
	frame_support::{parameter_types, weights::Weight, PalletId},
	sp_arithmetic::Permill,
};

parameter_types! {
	/// Lots of seized collateral wait here for bidders.
	pub const LiquidationPalletId: PalletId = PalletId(*b"bal/liqd");
	/// A quarter of each block's weight is reserved for the sweep (the normal-dispatch share is
	/// 75 %: see `configs::system`).
	pub SweepBudget: Weight =
		super::system::RuntimeBlockWeights::get().max_block.checked_div(4).unwrap_or_default();
	/// The round-robin check looks at 64 accounts per block.
	pub const AccountChecksPerBlock: u32 = 64;
	/// The liquidation parameters until governance changes them (`liquidation.setParams`, a
	/// `risk_parameters` referendum; stored in `Liquidation::Params`, which reads these while
	/// empty). Within the pallet's hard bounds (`LiquidationParams::validate`; the integrity
	/// test checks).
	pub DefaultLiquidationParams: LiquidationParams = LiquidationParams {
		// Close 10 % more than the minimum that restores maintenance ...
		close_buffer: Permill::from_percent(10),
		// ... and everything below half the maintenance requirement ...
		full_liquidation_ratio: Permill::from_percent(50),
		// ... or below 100 USDC of notional.
		dust_notional: 100_000_000,
		// 2 % of the closed notional to the insurance fund.
		liquidation_penalty: Permill::from_percent(2),
		auction_base_premium: Permill::from_percent(2),
		auction_max_premium: Permill::from_percent(10),
		// 0.5 % per block: from +2 % to the −10 % floor in about 24 blocks (2.4 minutes).
		auction_base_decay: Permill::from_parts(5_000),
		auction_max_discount: Permill::from_percent(10),
		// An auction older than an hour is restarted.
		auction_max_age: crate::HOURS,
		// At most 5 million USDC of collateral in live auctions, 2 million per asset.
		max_auction_value: 5_000_000_000_000,
		max_auction_value_per_asset: 2_000_000_000_000,
		// At most 5 USDC to whoever restarts a stale auction, and 1 % of the remaining lot's
		// value at the restart price below that (a lot worth 500 USDC or more earns the whole
		// 5 USDC), for the first 3 restarts of an auction; later restarts are unpaid.
		keeper_reward: 5_000_000,
		keeper_reward_share: Permill::from_percent(1),
		max_paid_restarts: 3,
	};
	/// A shortfall is spread over at most 16 opposing positions before the rest is written off.
	pub const MaxDeleverageSteps: u32 = 16;
	/// Auto-deleveraging walks past at most 8 positions without profit (dust) at the head of
	/// each side of the ADL index.
	pub const MaxAdlProbe: u32 = 8;
}

impl pallet_liquidation::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Margin = MarginAccounts;
	type Derivatives = Products;
	type Collateral = CollateralRegistry;
	type Prices = crate::PriceGuard;
	type Assets = super::derivatives::NativeAndAssets;
	type QuoteDecimals = QuoteDecimals;
	type PalletId = LiquidationPalletId;
	type MaxMarkets = super::derivatives::MaxMarkets;
	type MaxCollateralAssets = super::derivatives::MaxCollateralAssets;
	type SweepBudget = SweepBudget;
	type AccountChecksPerBlock = AccountChecksPerBlock;
	type DefaultParams = DefaultLiquidationParams;
	/// A `risk_parameters` referendum (or Root) changes the liquidation parameters.
	type GovernanceOrigin = crate::governance::RiskParametersOrigin;
	type MaxDeleverageSteps = MaxDeleverageSteps;
	type MaxAdlProbe = MaxAdlProbe;
	/// Written-off debt comes out of the perpetuals' vault (its LPs were the counterparty).
	type LossBearer = Perpetuals;
	/// The margin engine's grid: cross accounts are closed leg by leg under it.
	type PortfolioGrid = super::derivatives::PortfolioGrid;
	/// Nothing is liquidated at live prices while a global settlement closes every position.
	type Settlement = crate::GlobalSettlement;
	type WeightInfo = crate::weights::pallet_liquidation::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}
