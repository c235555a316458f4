//! Collateral and derivatives: the collateral registry, margin accounts and perpetuals.
//!
//! The three pallets never import each other; they meet here through the traits of
//! `ballast_primitives::traits`:
//!
//! ```text
//! CollateralRegistry ──CollateralRisk──▶ MarginAccounts ◀──MarginLedger── Perpetuals
//!         ▲                                   │  ▲                            │
//!         └──────── PriceProvider (oracle) ───┘  └──DerivativeExposure────────┘
//! ```

use super::oracle::OraclePrices;
use crate::{
	AccountId, AssetId, Assets, Balances, CollateralRegistry, MarginAccounts, Runtime,
	RuntimeEvent, DAYS,
};
use ballast_primitives::assets;
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{fungible::UnionOf, ConstU32},
		PalletId,
	},
	frame_system::EnsureRoot,
	sp_arithmetic::Permill,
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

/// Every fungible Ballast can hold in custody, by [`AssetId`]: BLST as id 0, the rest from
/// `pallet-assets`.
pub type NativeAndAssets = UnionOf<Balances, Assets, NativeOrAsset, AssetId, AccountId>;

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
	/// EWMA decay of the volatility estimate per new price (λ = 0.94, RiskMetrics' daily value).
	pub const VolatilityDecay: Permill = Permill::from_percent(94);
	/// The vault keeps NAV ≥ 20 % of the net skew notional after an LP withdrawal.
	pub const VaultReserveRatio: Permill = Permill::from_percent(20);
	/// Most volatility bands in a haircut schedule.
	pub const MaxBands: u32 = 8;
	/// Blocks per day, for funding.
	pub const BlocksPerDay: u32 = DAYS;
}

impl pallet_collateral_registry::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Root for now; a referenda track plugs in here.
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Prices = OraclePrices;
	type MaxBands = MaxBands;
	type MaxAssets = ConstU32<16>;
	type VolatilityDecay = VolatilityDecay;
	type WeightInfo = crate::weights::pallet_collateral_registry::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = OracleBenchmarkHelper;
}

/// Benchmarks write oracle values directly: the on-chain price path, without operators.
#[cfg(feature = "runtime-benchmarks")]
pub struct OracleBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_collateral_registry::BenchmarkHelper for OracleBenchmarkHelper {
	fn set_price(
		key: ballast_primitives::OracleKey,
		price: ballast_primitives::traits::TimestampedPrice,
	) {
		polkadot_sdk::pallet_oracle::Values::<Runtime>::insert(
			key,
			polkadot_sdk::pallet_oracle::TimestampedValue {
				value: price.price,
				timestamp: price.timestamp,
			},
		);
	}
}

impl pallet_margin_accounts::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Assets = NativeAndAssets;
	type QuoteAsset = QuoteAsset;
	type QuoteDecimals = QuoteDecimals;
	type Risk = CollateralRegistry;
	type Prices = OraclePrices;
	type Derivatives = super::liquidation::Derivatives;
	type PalletId = MarginPalletId;
	type OnChange = crate::Liquidation;
	type MaxIsolatedAccounts = MaxIsolatedAccounts;
	type MaxCollateralAssets = ConstU32<8>;
	type UnrealizedPnlHaircut = UnrealizedPnlHaircut;
	type WeightInfo = crate::weights::pallet_margin_accounts::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}

impl pallet_perpetuals::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Ledger = MarginAccounts;
	type Prices = OraclePrices;
	type QuoteDecimals = QuoteDecimals;
	type MaxMarkets = ConstU32<16>;
	type BlocksPerDay = BlocksPerDay;
	type VaultReserveRatio = VaultReserveRatio;
	type OnChange = crate::Liquidation;
	type WeightInfo = crate::weights::pallet_perpetuals::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}

/// The runtime side of `MarginApi`: assembles reports from the three pallets.
pub mod reports {
	use crate::{
		margin_api::{AccountSummary, MarketReport, PositionReport, VaultReport},
		AccountId, Runtime,
	};
	use alloc::vec::Vec;
	use ballast_primitives::{traits::PriceMode, MarketId, Price, SubAccount};
	use pallet_perpetuals::{math, Markets, Pallet as Perps};
	use polkadot_sdk::sp_arithmetic::{
		traits::{CheckedDiv, Zero},
		FixedPointNumber,
	};

	/// Summary of `(who, sub)`.
	pub fn account(who: &AccountId, sub: SubAccount) -> Option<AccountSummary> {
		let margin = pallet_margin_accounts::Pallet::<Runtime>::report(who, sub)?;
		let mut positions = Vec::new();
		for (market, pos) in Perps::<Runtime>::positions_of(who, sub) {
			let Some(m) = Markets::<Runtime>::get(market) else { continue };
			let marked = Perps::<Runtime>::mark(market, &pos, PriceMode::LastKnown).ok();
			let whole = math::whole(pos.quantity.abs(), m.params.base_decimals);
			let entry_price = whole
				.filter(|w| !w.is_zero())
				.and_then(|w| {
					let scale = ballast_primitives::math::pow10(super::QuoteDecimals::get())?;
					let quote = Price::checked_from_rational(pos.entry_notional, scale)?;
					quote.checked_div(&Price::from_inner(w.into_inner().unsigned_abs()))
				})
				.unwrap_or_default();
			positions.push(PositionReport {
				market,
				quantity: pos.quantity,
				entry_price,
				mark_price: marked.map(|(p, _, _)| p),
				notional: marked.map_or(0, |(_, n, _)| n),
				unrealized_pnl: marked.map_or(0, |(_, _, u)| u),
			});
		}
		let liquidation_price = match (margin.market, positions.as_slice()) {
			(Some(_), [only]) => {
				let m = Markets::<Runtime>::get(only.market)?;
				let pos =
					pallet_perpetuals::Positions::<Runtime>::get((who.clone(), sub), only.market)?;
				// Equity without the position's own PnL: collateral at maintenance weights
				// plus quote balance.
				let counted = pallet_margin_accounts::risk::counted_pnl(
					margin.unrealized_pnl,
					<Runtime as pallet_margin_accounts::Config>::UnrealizedPnlHaircut::get(),
				);
				let other = margin.maintenance_equity.saturating_sub(counted);
				math::isolated_liquidation_price(
					pos.quantity,
					m.params.base_decimals,
					pos.entry_notional,
					other,
					m.params.maintenance_margin,
					super::QuoteDecimals::get(),
				)
			},
			_ => None,
		};
		Some(AccountSummary { sub, margin, positions, liquidation_price })
	}

	/// Report of market `id`.
	pub fn market(id: MarketId) -> Option<MarketReport> {
		let m = Markets::<Runtime>::get(id)?;
		let p = &m.params;
		let last = ballast_primitives::traits::checked_price::<super::OraclePrices>(
			p.oracle_key,
			p.max_price_age,
			p.min_price,
			p.max_price,
			PriceMode::LastKnown,
		)
		.ok();
		let fresh = ballast_primitives::traits::checked_price::<super::OraclePrices>(
			p.oracle_key,
			p.max_price_age,
			p.min_price,
			p.max_price,
			PriceMode::Fresh,
		)
		.is_ok();
		let side = |delta: i128| {
			last.map(|price| {
				let prem = math::premium(
					delta,
					m.state.skew(),
					p.skew_scale,
					p.base_spread,
					p.max_premium,
				);
				math::execution_price(price, delta, prem)
			})
		};
		Some(MarketReport {
			id,
			params: *p,
			long_oi: m.state.long_oi,
			short_oi: m.state.short_oi,
			price: last,
			price_stale: !fresh,
			best_buy: side(1),
			best_sell: side(-1),
		})
	}

	/// All markets, by id.
	pub fn markets() -> Vec<MarketReport> {
		let mut ids: Vec<MarketId> = Markets::<Runtime>::iter_keys().collect();
		ids.sort();
		ids.into_iter().filter_map(market).collect()
	}

	/// The vault.
	pub fn vault() -> VaultReport {
		let v = pallet_perpetuals::VaultState::<Runtime>::get();
		VaultReport {
			cash: v.cash,
			shares: v.shares,
			nav: Perps::<Runtime>::vault_nav(PriceMode::LastKnown).ok(),
			fees: pallet_perpetuals::FeePot::<Runtime>::get(),
		}
	}
}
