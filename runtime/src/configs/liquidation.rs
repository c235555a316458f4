//! Liquidation: `pallet_liquidation`'s parameters, and its wiring to the margin engine, the
//! derivative products, the collateral registry and the price guard. No logic lives here.

use super::derivatives::{Products, QuoteDecimals};
use crate::{CollateralRegistry, MarginAccounts, Perpetuals, Runtime, RuntimeEvent};
use ballast_primitives::Balance;
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
	/// Close 10 % more than the minimum that restores maintenance.
	pub const CloseBuffer: Permill = Permill::from_percent(10);
	/// Below half the maintenance requirement, close everything.
	pub const FullLiquidationRatio: Permill = Permill::from_percent(50);
	/// Below 100 USDC of notional, close everything.
	pub const DustNotional: Balance = 100_000_000;
	/// 2 % of the closed notional to the insurance fund.
	pub const LiquidationPenalty: Permill = Permill::from_percent(2);
	pub const AuctionBasePremium: Permill = Permill::from_percent(2);
	pub const AuctionMaxPremium: Permill = Permill::from_percent(10);
	/// 0.5 % per block: from +2 % to the −10 % floor in about 24 blocks (2.4 minutes).
	pub const AuctionBaseDecay: Permill = Permill::from_parts(5_000);
	pub const AuctionMaxDiscount: Permill = Permill::from_percent(10);
	/// An auction older than an hour is restarted.
	pub const AuctionMaxAge: u32 = crate::HOURS;
	/// At most 5 million USDC of collateral in live auctions, 2 million per asset.
	pub const MaxAuctionValue: Balance = 5_000_000_000_000;
	pub const MaxAuctionValuePerAsset: Balance = 2_000_000_000_000;
	/// At most 5 USDC to whoever restarts a stale auction ...
	pub const KeeperReward: Balance = 5_000_000;
	/// ... and 1 % of the remaining lot's value at the restart price below that (a lot worth
	/// 500 USDC or more earns the whole 5 USDC) ...
	pub const KeeperRewardShare: Permill = Permill::from_percent(1);
	/// ... for the first 3 restarts of an auction; later restarts are unpaid.
	pub const MaxPaidRestarts: u32 = 3;
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
	type CloseBuffer = CloseBuffer;
	type FullLiquidationRatio = FullLiquidationRatio;
	type DustNotional = DustNotional;
	type LiquidationPenalty = LiquidationPenalty;
	type AuctionBasePremium = AuctionBasePremium;
	type AuctionMaxPremium = AuctionMaxPremium;
	type AuctionBaseDecay = AuctionBaseDecay;
	type AuctionMaxDiscount = AuctionMaxDiscount;
	type AuctionMaxAge = AuctionMaxAge;
	type MaxAuctionValue = MaxAuctionValue;
	type MaxAuctionValuePerAsset = MaxAuctionValuePerAsset;
	type KeeperReward = KeeperReward;
	type KeeperRewardShare = KeeperRewardShare;
	type MaxPaidRestarts = MaxPaidRestarts;
	type MaxDeleverageSteps = MaxDeleverageSteps;
	type MaxAdlProbe = MaxAdlProbe;
	/// Written-off debt comes out of the perpetuals' vault (its LPs were the counterparty).
	type LossBearer = Perpetuals;
	type WeightInfo = crate::weights::pallet_liquidation::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}
