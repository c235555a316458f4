//! Margin accounts and the reports `MarginApi` serves about them.

use alloc::vec::Vec;
use ballast_primitives::{AssetId, Balance, MarketId, Price, SignedBalance};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{self, pallet_prelude::Get, BoundedVec},
	sp_arithmetic::{FixedU128, Permill},
};
use scale_info::TypeInfo;

/// A margin account: its binding, quote balance and collateral.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	frame_support::DefaultNoBound,
)]
#[scale_info(skip_type_params(MaxAssets))]
pub struct MarginAccount<MaxAssets: Get<u32>> {
	/// The market an isolated account is bound to; `None` for the cross account.
	pub market: Option<MarketId>,
	/// Quote-asset balance, negative when the account owes.
	pub quote: SignedBalance,
	/// Collateral holdings `(asset, amount)`, sorted by asset, no zero amounts.
	pub collateral: BoundedVec<(AssetId, Balance), MaxAssets>,
}

impl<M: Get<u32>> MarginAccount<M> {
	/// Amount of `asset` held.
	pub fn holding(&self, asset: AssetId) -> Balance {
		self.collateral
			.binary_search_by_key(&asset, |(a, _)| *a)
			.ok()
			.and_then(|i| self.collateral.get(i))
			.map_or(0, |(_, b)| *b)
	}

	/// Whether the account holds nothing and owes nothing.
	pub fn is_empty(&self) -> bool {
		self.quote == 0 && self.collateral.is_empty()
	}
}

/// One collateral holding as reported to clients.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CollateralReport {
	/// The asset.
	pub asset: AssetId,
	/// Amount in the asset's smallest unit.
	pub amount: Balance,
	/// Price used, if any (quote per whole token).
	pub price: Option<Price>,
	/// Whether that price is unusable for risk-increasing actions: too old, out of bounds, or an
	/// unconfirmed jump beyond the circuit breaker (or the asset has no price).
	pub price_stale: bool,
	/// Haircut for the initial test (with the concentration add-on for this holding).
	pub haircut: Permill,
	/// Value at the price, quote smallest units.
	pub value: Balance,
	/// Value after the haircut.
	pub risk_adjusted_value: Balance,
}

/// The margin part of an account summary (the runtime API adds positions).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct AccountReport {
	/// Isolated accounts: their market.
	pub market: Option<MarketId>,
	/// Collateral, per asset.
	pub collateral: Vec<CollateralReport>,
	/// Quote balance.
	pub quote: SignedBalance,
	/// Unrealized PnL of all positions.
	pub unrealized_pnl: SignedBalance,
	/// Equity for the initial test.
	pub initial_equity: SignedBalance,
	/// Equity for the maintenance test.
	pub maintenance_equity: SignedBalance,
	/// Initial requirement.
	pub initial_requirement: Balance,
	/// Maintenance requirement.
	pub maintenance_requirement: Balance,
	/// Maintenance equity / maintenance requirement, `None` when nothing is required.
	pub health_ratio: Option<FixedU128>,
	/// Initial equity above the initial requirement.
	pub free_margin: Balance,
	/// Whether any price used is unusable for risk-increasing actions (stale, out of bounds or
	/// an unconfirmed jump).
	pub uses_stale_prices: bool,
	/// Isolated accounts with one position: the price at which it becomes liquidatable, other
	/// prices unchanged.
	pub liquidation_price: Option<Price>,
}

/// One cell of a cross account's scenario table: its legs on one underlying, moved together.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ScenarioCell {
	/// The underlying (its oracle key).
	pub underlying: ballast_primitives::OracleKey,
	/// The spot move, in parts per million (`-160000`: −16 %), as applied to this underlying.
	pub spot_shock: i32,
	/// The implied-volatility multiplier.
	pub vol: polkadot_sdk::sp_arithmetic::FixedU128,
	/// P&L of the underlying's legs in this cell (quote smallest units).
	pub pnl: ballast_primitives::SignedBalance,
}

/// A cross account's portfolio-margin grid, cell by cell, with what it adds up to
/// (`ballast_math::portfolio::{table, evaluate}` at the latest prices).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ScenarioTable {
	/// Every cell of every underlying.
	pub cells: alloc::vec::Vec<ScenarioCell>,
	/// The worst loss over the grid's scenario sets.
	pub worst_loss: Balance,
	/// The contingency floor.
	pub floor: Balance,
	/// Initial requirement: `max(worst loss, floor)` (before the stress test's tightening of
	/// new risk, which the account report includes).
	pub initial_requirement: Balance,
	/// Maintenance requirement.
	pub maintenance_requirement: Balance,
}
