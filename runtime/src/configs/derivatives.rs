//! Collateral and derivatives: the collateral registry, margin accounts and perpetuals.
//!
//! The pallets never import each other; they meet here through the traits of
//! `ballast_primitives::traits`:
//!
//! ```text
//! CollateralRegistry ──CollateralRisk──▶ MarginAccounts ◀──MarginLedger── Perpetuals
//!         ▲                                   │  ▲                            │
//!         └───── PriceProvider (PriceGuard) ──┘  └──Derivatives (Products)────┘
//! ```
//!
//! [`Products`] lists the derivative products; a second one (options) joins as a tuple member.
//!
//! One more glue trait is `pallet_perpetuals`'s own, `AccountClass`: a trade is refunded to
//! the class of its account (positions, collateral assets) as the margin engine counts it
//! ([`MarginAccountClass`]). The limits the account-valuing calls are weighed at are one pair
//! for all three pallets that value accounts: [`MaxMarkets`] and [`MaxCollateralAssets`].

use crate::{
	AccountId, AssetId, Assets, Balances, CollateralRegistry, Liquidation, MarginAccounts,
	Perpetuals, Runtime, RuntimeEvent, DAYS,
};
use ballast_primitives::{
	assets,
	math::portfolio::{Correlation, Floor, Grid, SpotShock},
};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{fungible::UnionOf, ConstU32},
		PalletId,
	},
	sp_arithmetic::{FixedU128, Permill},
	sp_runtime::{traits::Convert, Either},
};

/// Routes collateral asset [`assets::NATIVE`] to `pallet-balances`, every other id to
/// `pallet-assets`.
pub struct NativeOrAsset;

impl Convert<AssetId, Either<(), AssetId>> for NativeOrAsset {
	fn convert(asset: AssetId) -> Either<(), AssetId> {
		if asset == assets::NATIVE {
			Either::Left(())
		} else {
			Either::Right(asset)
		}
	}
}

/// The derivative products margin accounts secure: perpetual markets (ids from 0) and option
/// series (ids from `OPTION_SERIES_BASE`, never overlapping).
pub type Products = (Perpetuals, crate::Options);

/// The quote pools kept in the margin custody account besides traders' balances: the vault and
/// fee pot, and the insurance funds net of bad debt.
pub type QuotePools = (Perpetuals, crate::Options, Liquidation);

/// Every fungible Ballast can hold in custody, by [`AssetId`]: BLST as id 0, the rest from
/// `pallet-assets`.
pub type NativeAndAssets = UnionOf<Balances, Assets, NativeOrAsset, AssetId, AccountId>;

/// The portfolio-margin grid of cross accounts (`ballast_math::portfolio`): every underlying
/// shocked by 0, ±3, ±6, ±10 and ±16 % with each option's implied volatility × 0.7, 1 and 1.3
/// (27 cells), all underlyings together and each alone; at least 1 % of every perpetual's
/// notional and 5 % of every short option's underlying notional; maintenance 80 % of the
/// initial requirement. Isolated accounts keep their market's linear margins.
pub const CROSS_MARGIN_GRID: Grid<'static> = Grid {
	spot_shocks: &[
		SpotShock::from_percent(0),
		SpotShock::from_percent(-3),
		SpotShock::from_percent(3),
		SpotShock::from_percent(-6),
		SpotShock::from_percent(6),
		SpotShock::from_percent(-10),
		SpotShock::from_percent(10),
		SpotShock::from_percent(-16),
		SpotShock::from_percent(16),
	],
	vol_shocks: &[
		FixedU128::from_inner(700_000_000_000_000_000),
		FixedU128::from_inner(1_000_000_000_000_000_000),
		FixedU128::from_inner(1_300_000_000_000_000_000),
	],
	sets: &[Correlation::Together, Correlation::Alone],
	floor: Floor { perp: Permill::from_percent(1), short_option: Permill::from_percent(5) },
	maintenance: Permill::from_percent(80),
};

parameter_types! {
	/// The quote asset: USDC.
	pub const QuoteAsset: AssetId = assets::USDC;
	/// USDC has 6 decimals.
	pub const QuoteDecimals: u8 = 6;
	/// Custody account of all margin collateral, quote balances and the vault.
	pub const MarginPalletId: PalletId = PalletId(*b"bal/mrgn");
	/// Isolated margin accounts per user.
	pub const MaxIsolatedAccounts: u8 = 8;
	/// A positive unrealized PnL counts 90 % towards margin.
	pub const UnrealizedPnlHaircut: Permill = Permill::from_percent(10);
	/// Cross accounts are margined by the portfolio grid ([`CROSS_MARGIN_GRID`]).
	pub const PortfolioGrid: Option<Grid<'static>> = Some(CROSS_MARGIN_GRID);
	/// The vault keeps NAV ≥ 20 % of the net skew notional after an LP withdrawal.
	pub const VaultReserveRatio: Permill = Permill::from_percent(20);
	/// BLST held for each open margin account (a million empty accounts lock a million BLST).
	pub const MarginAccountDeposit: ballast_primitives::Balance = crate::UNIT;
	/// The vault's virtual offset: one USDC.
	pub const VirtualShares: ballast_primitives::Balance = 1_000_000;
	/// Most volatility bands in a haircut schedule.
	pub const MaxBands: u32 = 8;
	/// The emergency track may tighten an asset at once by at most 10 points on its haircuts
	/// and 5 on its liquidation threshold in total, between two decisions of the
	/// `risk_parameters` track (whose changes come with a day's notice).
	pub const EmergencyBound: pallet_collateral_registry::Tightening =
		pallet_collateral_registry::Tightening {
			haircut_rise: Permill::from_percent(10),
			threshold_cut: Permill::from_percent(5),
		};
	/// Blocks per day, for funding.
	pub const BlocksPerDay: u32 = DAYS;
	/// Most perpetual markets; with one product, also the most positions one margin account
	/// holds.
	pub const MaxMarkets: u32 = 16;
	/// Most distinct collateral assets in one margin account.
	pub const MaxCollateralAssets: u32 = 8;
	/// Most positions one margin account holds: one per perpetual market, and its options.
	pub MaxPositions: u32 = MaxMarkets::get()
		.saturating_add(super::options::MaxOptionPositions::get());
}

/// A margin account's class — positions in every product, collateral assets — as the margin
/// engine counts it ([`pallet_margin_accounts::Pallet::account_class`]): what a trade is
/// charged at after the fact.
pub struct MarginAccountClass;

impl pallet_perpetuals::AccountClass<AccountId> for MarginAccountClass {
	fn class(who: &AccountId, sub: ballast_primitives::SubAccount) -> (u32, u32) {
		MarginAccounts::account_class(who, sub, None)
	}
}

impl pallet_collateral_registry::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Parameters and caps: the `risk_parameters` track.
	type GovernanceOrigin = crate::governance::RiskParametersOrigin;
	/// Listing an asset, and any status: the `asset_listing` track.
	type ListingOrigin = crate::governance::AssetListingOrigin;
	/// Freezing an asset, making it reduce-only, or tightening it at once within
	/// `EmergencyBound`: the `emergency` track.
	type EmergencyOrigin = crate::governance::EmergencyOrigin;
	type Prices = crate::PriceGuard;
	/// What an asset is (oracle key, decimals) cannot change while margin accounts or live
	/// auctions hold it.
	type Holdings = (MarginAccounts, Liquidation);
	type MaxBands = MaxBands;
	type MaxAssets = ConstU32<16>;
	type EmergencyBound = EmergencyBound;
	type WeightInfo = crate::weights::pallet_collateral_registry::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}

impl pallet_margin_accounts::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Assets = NativeAndAssets;
	type Currency = Balances;
	type RuntimeHoldReason = crate::RuntimeHoldReason;
	/// One BLST held per open margin account, released when it closes.
	type AccountDeposit = MarginAccountDeposit;
	type QuoteAsset = QuoteAsset;
	type QuoteDecimals = QuoteDecimals;
	type Risk = CollateralRegistry;
	type Prices = crate::PriceGuard;
	type Derivatives = Products;
	type Pools = QuotePools;
	type PalletId = MarginPalletId;
	type OnChange = (crate::Liquidation, crate::StressTest);
	/// New risk under the stress test's tightening.
	type Tightening = crate::StressTest;
	/// Live auctions (and other liquidation work) keep an isolated account open.
	type PendingLiquidation = crate::Liquidation;
	/// Once a global settlement is triggered, value leaves only accounts without positions.
	type Settlement = crate::GlobalSettlement;
	type MaxIsolatedAccounts = MaxIsolatedAccounts;
	type MaxCollateralAssets = MaxCollateralAssets;
	/// One position per perpetual market plus the option positions.
	type MaxPositions = MaxPositions;
	type UnrealizedPnlHaircut = UnrealizedPnlHaircut;
	type PortfolioGrid = PortfolioGrid;
	type WeightInfo = crate::weights::pallet_margin_accounts::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}

impl pallet_perpetuals::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Market parameters (status included) and the vault's rules: the `risk_parameters` track.
	type GovernanceOrigin = crate::governance::RiskParametersOrigin;
	/// Creating a market: the `asset_listing` track.
	type ListingOrigin = crate::governance::AssetListingOrigin;
	type Ledger = MarginAccounts;
	type Prices = crate::PriceGuard;
	type QuoteDecimals = QuoteDecimals;
	type MaxMarkets = MaxMarkets;
	type MaxCollateralAssets = MaxCollateralAssets;
	/// A trade is refunded to its account's class, counted by the margin engine.
	type AccountClass = MarginAccountClass;
	type BlocksPerDay = BlocksPerDay;
	type VaultReserveRatio = VaultReserveRatio;
	/// One USDC of virtual shares and quote prices the vault's shares (see
	/// `ballast_math::shares`).
	type VirtualShares = VirtualShares;
	type OnChange = (crate::Liquidation, crate::StressTest);
	/// New risk under the stress test's tightening (open-interest caps).
	type Tightening = crate::StressTest;
	/// Trading, closes and vault deposits stop once a global settlement is triggered.
	type Settlement = crate::GlobalSettlement;
	type WeightInfo = crate::weights::pallet_perpetuals::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}
