//! Liquidation: `pallet_liquidation`, wired to the margin and derivative pallets through
//! [`Ledgers`], the runtime's implementation of `LiquidationTarget`.

use super::{derivatives::QuoteDecimals, oracle::OraclePrices};
use crate::{
	AccountId, CollateralRegistry, Liquidation, MarginAccounts, Perpetuals, Runtime, RuntimeEvent,
};
use alloc::vec::Vec;
use ballast_primitives::{
	traits::{
		AccountHealth, DerivativeExposure, Exposure, LiquidationTarget, MarginLedger, PriceError,
		PriceMode, PriceProvider,
	},
	AssetId, Balance, MarketId, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{parameter_types, weights::Weight, PalletId},
	sp_arithmetic::{FixedPointNumber, Permill},
	sp_runtime::{DispatchError, DispatchResult},
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
	/// 5 USDC to whoever restarts a stale auction.
	pub const KeeperReward: Balance = 5_000_000;
	/// A shortfall is spread over at most 16 opposing positions before the rest is written off.
	pub const MaxDeleverageSteps: u32 = 16;
}

impl pallet_liquidation::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Target = Ledgers;
	type Assets = super::derivatives::NativeAndAssets;
	type QuoteDecimals = QuoteDecimals;
	type PalletId = LiquidationPalletId;
	type MaxMarkets = polkadot_sdk::frame_support::traits::ConstU32<16>;
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
	type MaxDeleverageSteps = MaxDeleverageSteps;
	type WeightInfo = crate::weights::pallet_liquidation::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}

/// Positions as the margin engine sees them: perpetuals, with the insurance funds (net of bad
/// debt) counted as pooled quote in custody.
pub struct Derivatives;

impl DerivativeExposure<AccountId> for Derivatives {
	fn exposure(who: &AccountId, sub: SubAccount, mode: PriceMode) -> Result<Exposure, PriceError> {
		<Perpetuals as DerivativeExposure<AccountId>>::exposure(who, sub, mode)
	}

	fn market_exists(market: MarketId) -> bool {
		<Perpetuals as DerivativeExposure<AccountId>>::market_exists(market)
	}

	fn pooled_quote() -> SignedBalance {
		<Perpetuals as DerivativeExposure<AccountId>>::pooled_quote()
			.saturating_add(Liquidation::pooled_quote())
	}
}

/// The runtime's `LiquidationTarget`: margin accounts, perpetuals and the registry together.
pub struct Ledgers;

impl LiquidationTarget<AccountId> for Ledgers {
	fn health(who: &AccountId, sub: SubAccount) -> Option<AccountHealth> {
		let account = pallet_margin_accounts::Accounts::<Runtime>::get(who, sub)?;
		let v = MarginAccounts::valuation_of(who, sub, &account, PriceMode::Conservative).ok()?;
		let e = <Perpetuals as DerivativeExposure<AccountId>>::exposure(
			who,
			sub,
			PriceMode::Conservative,
		)
		.ok()?;
		Some(AccountHealth {
			maintenance_equity: v.maintenance_equity,
			maintenance_requirement: v.maintenance_requirement,
			notional: e.notional,
			positions: e.positions,
			quote: account.quote,
			collateral_assets: u32::try_from(account.collateral.len()).unwrap_or(u32::MAX),
		})
	}

	fn accounts_after(
		after: Option<(AccountId, SubAccount)>,
		limit: u32,
	) -> Vec<(AccountId, SubAccount)> {
		MarginAccounts::accounts_after(after, limit)
	}

	fn liquidation_price(who: &AccountId, sub: SubAccount) -> Option<(MarketId, bool, Price)> {
		let account = pallet_margin_accounts::Accounts::<Runtime>::get(who, sub)?;
		account.market?;
		let positions = Perpetuals::positions_of(who, sub);
		let [(market, pos)] = positions.as_slice() else { return None };
		let m = pallet_perpetuals::Markets::<Runtime>::get(market)?;
		let v = MarginAccounts::valuation_of(who, sub, &account, PriceMode::Conservative).ok()?;
		let other = v.maintenance_equity.saturating_sub(v.counted_pnl);
		let price = pallet_perpetuals::math::isolated_liquidation_price(
			pos.quantity,
			m.params.base_decimals,
			pos.entry_notional,
			other,
			m.params.maintenance_margin,
			QuoteDecimals::get(),
		)?;
		Some((*market, pos.quantity > 0, price))
	}

	fn mark_price(market: MarketId, long: bool) -> Option<Price> {
		Perpetuals::mark_price(market, long)
	}

	fn close_fraction(
		who: &AccountId,
		sub: SubAccount,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		Perpetuals::close_fraction(who, sub, fraction)
	}

	fn isolated_market(who: &AccountId, sub: SubAccount) -> Option<MarketId> {
		pallet_margin_accounts::Accounts::<Runtime>::get(who, sub)?.market
	}

	fn positions(who: &AccountId, sub: SubAccount) -> Vec<(MarketId, bool, Price)> {
		Perpetuals::positions_of(who, sub)
			.into_iter()
			.map(|(market, pos)| {
				let entry = Price::checked_from_rational(
					pos.entry_notional,
					pos.quantity.unsigned_abs().max(1),
				)
				.unwrap_or_default();
				(market, pos.quantity > 0, entry)
			})
			.collect()
	}

	fn position_pnl(
		who: &AccountId,
		sub: SubAccount,
		market: MarketId,
	) -> Option<(SignedBalance, Balance)> {
		let pos = pallet_perpetuals::Positions::<Runtime>::get((who, sub), market)?;
		// At the price deleveraging would close it at.
		let (_, _, pnl) = Perpetuals::mark(market, &pos, PriceMode::Conservative).ok()?;
		Some((pnl, pos.entry_notional))
	}

	fn deleverage(
		who: &AccountId,
		sub: SubAccount,
		market: MarketId,
		fraction: Permill,
	) -> Result<SignedBalance, DispatchError> {
		Perpetuals::deleverage(who, sub, market, fraction)
	}

	fn collateral(who: &AccountId, sub: SubAccount) -> Vec<(AssetId, Balance)> {
		pallet_margin_accounts::Accounts::<Runtime>::get(who, sub)
			.map(|a| a.collateral.into_inner())
			.unwrap_or_default()
	}

	fn seize(
		who: &AccountId,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
		to: &AccountId,
	) -> DispatchResult {
		MarginAccounts::seize(who, sub, asset, amount, to)
	}

	fn settle(who: &AccountId, sub: SubAccount, delta: SignedBalance) -> DispatchResult {
		<MarginAccounts as MarginLedger<AccountId>>::settle(who, sub, delta)
	}

	fn pay_in(payer: &AccountId, amount: Balance) -> DispatchResult {
		<MarginAccounts as MarginLedger<AccountId>>::pool_deposit(payer, amount)
	}

	fn pay_out(to: &AccountId, amount: Balance) -> DispatchResult {
		<MarginAccounts as MarginLedger<AccountId>>::pool_withdraw(to, amount)
	}

	fn volatility(asset: AssetId) -> Permill {
		CollateralRegistry::volatility(asset)
	}

	fn collateral_price(asset: AssetId) -> Option<(Price, u8)> {
		let params = CollateralRegistry::params(asset)?;
		let p = OraclePrices::price(params.oracle_key)?;
		Some((p.price, params.decimals))
	}
}
