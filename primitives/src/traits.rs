//! Glue traits between Ballast pallets.
//!
//! Each trait here is the whole of what one pallet may know about another. The runtime
//! implements them over the concrete pallets; tests implement them over plain storage.

pub use crate::prices::{
	PriceBounds, PriceError, PriceMode, PriceProvider, PriceSource, TimestampedPrice,
};
use crate::{AssetId, AssetStatus, Balance, MarketId, OracleKey, Price, SignedBalance, SubAccount};
use alloc::vec::Vec;
/// One position as the portfolio-margin grid sees it.
pub use ballast_math::portfolio::Leg as RiskLeg;
use polkadot_sdk::{
	sp_arithmetic::{FixedI128, Permill},
	sp_runtime::{DispatchError, DispatchResult},
};

/// What the margin engine needs to value one holding of one collateral asset.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub struct CollateralTerms {
	/// Listing status.
	pub status: AssetStatus,
	/// Decimals of the asset's smallest unit.
	pub decimals: u8,
	/// Oracle key of the asset's price; its bounds and age are the price guard's.
	pub oracle_key: OracleKey,
	/// Share of value not counted for the **initial** margin test: the volatility band's haircut
	/// plus the concentration add-on for this holding.
	pub haircut: Permill,
	/// Share of value counted for the **maintenance** margin test (the liquidation threshold,
	/// less the same add-ons). Never below `1 - haircut`.
	pub maintenance_weight: Permill,
	/// Penalty charged on the debt that seizing this collateral repays, from the account to the
	/// insurance fund. (No share goes to a liquidator: liquidation has no keepers; bidders
	/// earn the auction's discount.)
	pub liquidation_penalty: Permill,
	/// Most of this asset all margin accounts together may hold.
	pub supply_cap: Balance,
	/// Most of this asset one margin account may hold.
	pub account_cap: Balance,
}

/// Risk parameters of collateral assets (implemented by the collateral registry).
pub trait CollateralRisk {
	/// Terms for an account holding `holding` of `asset`, or `None` if the asset is not listed.
	/// The haircut depends on the holding through the concentration add-on.
	fn terms(asset: AssetId, holding: Balance) -> Option<CollateralTerms>;

	/// Current volatility of a collateral asset: the price guard's for its oracle key (zero when
	/// unknown).
	fn volatility(asset: AssetId) -> Permill;
}

/// Mark-to-market of the derivative positions of one margin account.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub struct Exposure {
	/// Unrealized PnL, including funding accrued but not yet settled (quote smallest units).
	pub unrealized_pnl: SignedBalance,
	/// Margin needed to open or increase risk.
	pub initial_requirement: Balance,
	/// Margin below which the account is liquidatable.
	pub maintenance_requirement: Balance,
	/// Number of open positions.
	pub positions: u32,
	/// Sum of position notionals at the mark price.
	pub notional: Balance,
}

impl Exposure {
	/// The exposure of two products together.
	pub fn combine(&self, other: &Exposure) -> Exposure {
		Exposure {
			unrealized_pnl: self.unrealized_pnl.saturating_add(other.unrealized_pnl),
			initial_requirement: self.initial_requirement.saturating_add(other.initial_requirement),
			maintenance_requirement: self
				.maintenance_requirement
				.saturating_add(other.maintenance_requirement),
			positions: self.positions.saturating_add(other.positions),
			notional: self.notional.saturating_add(other.notional),
		}
	}

	/// The requirements in the form the margin math takes.
	pub fn requirements(&self) -> ballast_math::margin::Requirements {
		ballast_math::margin::Requirements {
			unrealized_pnl: self.unrealized_pnl,
			initial: self.initial_requirement,
			maintenance: self.maintenance_requirement,
		}
	}
}

/// One derivative position, as the margin and liquidation engines see it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub struct PositionView {
	/// The market.
	pub market: MarketId,
	/// Size in the underlying's smallest unit: positive long, negative short.
	pub quantity: i128,
	/// What `|quantity|` cost at entry, quote smallest units.
	pub entry_notional: Balance,
	/// Entry price, quote per whole underlying token (`ballast_math::perp::entry_price`).
	pub entry_price: Price,
}

impl PositionView {
	/// Whether the position is long.
	pub fn is_long(&self) -> bool {
		self.quantity > 0
	}
}

/// A derivative product (perpetuals today, options next) as the margin and liquidation engines
/// see it. Implemented by each derivative pallet, and for tuples of them, so a runtime wires
/// `type Derivatives = (Perpetuals, Options)`: sums add up, lists concatenate, and a per-market
/// question goes to the member that has the market. Members' market ids must not overlap.
pub trait Derivatives<AccountId> {
	/// Exposure of the margin account `(who, sub)` at prices allowed by `mode`.
	fn exposure(who: &AccountId, sub: SubAccount, mode: PriceMode) -> Result<Exposure, PriceError>;

	/// The positions of `(who, sub)` as the portfolio-margin grid sees them
	/// ([`ballast_math::portfolio`]), at prices allowed by `mode`: legs on the same underlying
	/// carry the same key (its oracle key) and move together. Every position
	/// [`Self::exposure`] counts must be here (one missing would be margined at nothing);
	/// positions without risk left (a series being settled) may be left out.
	fn risk_legs(
		who: &AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Vec<RiskLeg>, PriceError>;

	/// Whether `market` exists.
	fn market_exists(market: MarketId) -> bool;

	/// Positions of `(who, sub)`.
	fn positions(who: &AccountId, sub: SubAccount) -> Vec<PositionView>;

	/// The conservative price ([`PriceMode::Conservative`]) of `market`'s underlying, the same
	/// for its longs and its shorts (`None` while it has no usable price).
	fn mark_price(market: MarketId) -> Option<Price>;

	/// `market`'s funding index accrued to now at [`Self::mark_price`] (quote smallest units per
	/// whole token, 18 decimals: a long owes its rise, a short its fall), the one the positions'
	/// PnL is valued with (`None` while the market has no usable price).
	fn funding_index(market: MarketId) -> Option<FixedI128>;

	/// For an account whose only position is in this product: its market, whether it is long,
	/// and the price at which it becomes liquidatable given `other_equity` (collateral at
	/// maintenance weights plus quote balance: the account's equity without the position).
	fn liquidation_price(
		who: &AccountId,
		sub: SubAccount,
		other_equity: SignedBalance,
	) -> Option<(MarketId, bool, Price)>;

	/// Unrealized PnL (net of pending funding) at the conservative price and entry notional of
	/// `(who, sub)`'s position in `market`.
	fn position_pnl(
		who: &AccountId,
		sub: SubAccount,
		market: MarketId,
	) -> Option<(SignedBalance, Balance)>;

	/// Liquidation: close `fraction` of every position of `(who, sub)` at the conservative price
	/// against the product's counterparty (no premium, no fee); realized PnL settles to the
	/// quote balance. Returns the closed notional.
	fn close_fraction(
		who: &AccountId,
		sub: SubAccount,
		fraction: Permill,
	) -> Result<Balance, DispatchError>;

	/// Auto-deleveraging: close `fraction` of `(who, sub)`'s position in `market` at the
	/// conservative price; the realized PnL net of funding settles to the quote balance and is
	/// returned.
	fn deleverage(
		who: &AccountId,
		sub: SubAccount,
		market: MarketId,
		fraction: Permill,
	) -> Result<SignedBalance, DispatchError>;

	/// [`Self::risk_legs`], each with the market (or option series) of its position, so the
	/// liquidation engine can close a portfolio-margined account leg by leg, the legs whose
	/// close lowers the requirement most first (`ballast_math::liquidation::close_plan`).
	/// `None` (the default): this product cannot say, and the engine closes the same share of
	/// every position ([`Self::close_fraction`]). A product that returns legs must implement
	/// [`Self::close_position`].
	fn market_legs(
		_who: &AccountId,
		_sub: SubAccount,
		_mode: PriceMode,
	) -> Result<Option<Vec<(MarketId, RiskLeg)>>, PriceError> {
		Ok(None)
	}

	/// Liquidation: [`Self::close_fraction`] for `(who, sub)`'s position in `market` only.
	/// Returns the closed notional (as [`Self::close_fraction`] counts it); nothing for a
	/// position it does not have.
	fn close_position(
		_who: &AccountId,
		_sub: SubAccount,
		_market: MarketId,
		_fraction: Permill,
	) -> Result<Balance, DispatchError> {
		Err(DispatchError::Other("close_position not supported"))
	}
}

/// Several products together (and `()`: none).
#[impl_trait_for_tuples::impl_for_tuples(4)]
impl<AccountId> Derivatives<AccountId> for Tuple {
	fn exposure(who: &AccountId, sub: SubAccount, mode: PriceMode) -> Result<Exposure, PriceError> {
		let mut total = Exposure::default();
		for_tuples!( #( total = total.combine(&Tuple::exposure(who, sub, mode)?); )* );
		Ok(total)
	}

	fn risk_legs(
		who: &AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Vec<RiskLeg>, PriceError> {
		let mut all = Vec::new();
		for_tuples!( #( all.extend(Tuple::risk_legs(who, sub, mode)?); )* );
		Ok(all)
	}

	fn market_exists(market: MarketId) -> bool {
		for_tuples!( #( if Tuple::market_exists(market) { return true; } )* );
		false
	}

	fn positions(who: &AccountId, sub: SubAccount) -> Vec<PositionView> {
		let mut all = Vec::new();
		for_tuples!( #( all.extend(Tuple::positions(who, sub)); )* );
		all
	}

	fn mark_price(market: MarketId) -> Option<Price> {
		for_tuples!( #( if let Some(p) = Tuple::mark_price(market) { return Some(p); } )* );
		None
	}

	fn funding_index(market: MarketId) -> Option<FixedI128> {
		for_tuples!( #( if let Some(f) = Tuple::funding_index(market) { return Some(f); } )* );
		None
	}

	fn liquidation_price(
		who: &AccountId,
		sub: SubAccount,
		other_equity: SignedBalance,
	) -> Option<(MarketId, bool, Price)> {
		for_tuples!( #(
			if let Some(p) = Tuple::liquidation_price(who, sub, other_equity) { return Some(p); }
		)* );
		None
	}

	fn position_pnl(
		who: &AccountId,
		sub: SubAccount,
		market: MarketId,
	) -> Option<(SignedBalance, Balance)> {
		for_tuples!( #(
			if let Some(p) = Tuple::position_pnl(who, sub, market) { return Some(p); }
		)* );
		None
	}

	fn close_fraction(
		who: &AccountId,
		sub: SubAccount,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		let mut closed: Balance = 0;
		for_tuples!( #( closed = closed.saturating_add(Tuple::close_fraction(who, sub, fraction)?); )* );
		Ok(closed)
	}

	fn deleverage(
		who: &AccountId,
		sub: SubAccount,
		market: MarketId,
		fraction: Permill,
	) -> Result<SignedBalance, DispatchError> {
		for_tuples!( #(
			if Tuple::market_exists(market) { return Tuple::deleverage(who, sub, market, fraction); }
		)* );
		Err(DispatchError::Other("no such market"))
	}

	/// `None` if any member cannot say.
	fn market_legs(
		who: &AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Option<Vec<(MarketId, RiskLeg)>>, PriceError> {
		let mut all = Vec::new();
		for_tuples!( #(
			match Tuple::market_legs(who, sub, mode)? {
				Some(legs) => all.extend(legs),
				None => return Ok(None),
			}
		)* );
		Ok(Some(all))
	}

	fn close_position(
		who: &AccountId,
		sub: SubAccount,
		market: MarketId,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		for_tuples!( #(
			if Tuple::market_exists(market) {
				return Tuple::close_position(who, sub, market, fraction);
			}
		)* );
		Err(DispatchError::Other("no such market"))
	}
}

/// Quote asset held in the common custody outside margin accounts (a liquidity vault, fees,
/// insurance funds). Implemented by each pallet that keeps such a pool, and for tuples of them:
/// the margin engine proves its custody books exactly, `books == Σ quote balances + Σ pools`
/// (and the asset balance of the custody account `≥` its books: donations are surplus).
pub trait PooledQuote {
	/// This pool's quote (negative: it owes the custody).
	fn pooled_quote() -> SignedBalance;
}

/// Several pools together (and `()`: none).
#[impl_trait_for_tuples::impl_for_tuples(4)]
impl PooledQuote for Tuple {
	fn pooled_quote() -> SignedBalance {
		let mut total: SignedBalance = 0;
		for_tuples!( #( total = total.saturating_add(Tuple::pooled_quote()); )* );
		total
	}
}

/// The counterparty that bears a loss nobody else can pay: debt written off after the
/// insurance funds and auto-deleveraging. Implemented by the derivative pallet whose liquidity
/// vault took the other side of the bankrupt positions (its LPs' claim shrinks by the loss, in
/// the same block), so bad debt is never a counter that nobody pays.
pub trait LossBearer {
	/// Charge `amount` of written-off debt, from positions in `market` (`None`: a cross account,
	/// several markets). The caller credits the bankrupt account with the same amount.
	fn bear_loss(market: Option<MarketId>, amount: Balance) -> DispatchResult;
}

/// Whether the liquidation engine still has business with an account (live auctions of its
/// collateral, a place in the seizure queue, a shortfall being deleveraged): such an account
/// must not be closed, or the proceeds of its auctions would have nowhere to go.
pub trait PendingLiquidation<AccountId> {
	/// `(who, sub)` has liquidation work outstanding.
	fn is_pending(who: &AccountId, sub: SubAccount) -> bool;
}

impl<AccountId> PendingLiquidation<AccountId> for () {
	fn is_pending(_: &AccountId, _: SubAccount) -> bool {
		false
	}
}

/// How much of a collateral asset the chain holds for users (implemented by the margin engine,
/// for margin accounts, and the liquidation engine, for lots in auctions; tuples add up):
/// governance may not change what an asset is (its oracle key or decimals) while any of it is
/// held, which would revalue every holding and every lot by the change.
pub trait CollateralHoldings {
	/// Σ holdings of `asset`.
	fn total_held(asset: AssetId) -> Balance;
}

/// Several holders together (and `()`: none).
#[impl_trait_for_tuples::impl_for_tuples(4)]
impl CollateralHoldings for Tuple {
	fn total_held(asset: AssetId) -> Balance {
		let mut total: Balance = 0;
		for_tuples!( #( total = total.saturating_add(Tuple::total_held(asset)); )* );
		total
	}
}

/// What the margin engine offers derivative pallets.
pub trait MarginLedger<AccountId> {
	/// Ok if `(who, sub)` exists and may trade `market`: the cross account always may, an
	/// isolated account only the market it is bound to.
	fn ensure_can_trade(who: &AccountId, sub: SubAccount, market: MarketId) -> DispatchResult;

	/// Credit (positive) or debit (negative) the quote balance of `(who, sub)` by `delta`: realized
	/// PnL, funding, fees. The counterparty's side is the caller's to book.
	fn settle(who: &AccountId, sub: SubAccount, delta: SignedBalance) -> DispatchResult;

	/// Ok if `(who, sub)` meets its initial margin at fresh prices (after a risk-increasing action).
	fn ensure_initial_margin(who: &AccountId, sub: SubAccount) -> DispatchResult;

	/// Move `amount` of the quote asset from `who`'s wallet into the common custody, for a pool
	/// kept by the caller (e.g. a liquidity vault deposit).
	fn pool_deposit(who: &AccountId, amount: Balance) -> DispatchResult;

	/// Pay `amount` of the quote asset out of the common custody to `who`'s wallet.
	fn pool_withdraw(who: &AccountId, amount: Balance) -> DispatchResult;
}

/// One valuation of a margin account at conservative prices: everything the liquidation engine
/// decides on, computed once.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Default,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	scale_info::TypeInfo,
)]
pub struct AccountSnapshot {
	/// The market an isolated account is bound to (`None`: the cross account).
	pub market: Option<MarketId>,
	/// Collateral at maintenance weights + quote balance + counted unrealized PnL.
	pub maintenance_equity: SignedBalance,
	/// Maintenance equity without the positions' counted PnL: collateral at maintenance weights
	/// plus the quote balance.
	pub equity_without_pnl: SignedBalance,
	/// Maintenance requirement of all positions.
	pub maintenance_requirement: Balance,
	/// Notional of all positions at the conservative price.
	pub notional: Balance,
	/// How far the maintenance requirement can move per unit of relative price move beyond
	/// the requirement itself (the portfolio grid's term,
	/// `ballast_math::portfolio::price_sensitivity`; zero for linear requirements): added to the
	/// margin of safety's gross sensitivity.
	pub requirement_sensitivity: Balance,
	/// Collateral value before weights, at the conservative prices (holdings without a usable
	/// price count for nothing, as in the equity).
	pub collateral_value: Balance,
	/// Open positions.
	pub positions: u32,
	/// Quote balance (negative: debt).
	pub quote: SignedBalance,
	/// Collateral held, by asset.
	pub collateral: Vec<(AssetId, Balance)>,
}

impl AccountSnapshot {
	/// Whether the account meets its maintenance margin ([`ballast_math::margin::is_healthy`]).
	/// An account without positions is healthy unless it has debt its collateral does not cover.
	pub fn is_healthy(&self) -> bool {
		ballast_math::margin::is_healthy(self.maintenance_equity, self.maintenance_requirement)
	}

	/// Whether the liquidation engine has anything to do: below maintenance, or in debt.
	pub fn needs_action(&self) -> bool {
		!self.is_healthy() || self.quote < 0
	}
}

/// The margin engine as the liquidation engine sees it.
pub trait MarginSide<AccountId>: MarginLedger<AccountId> {
	/// One valuation of `(who, sub)` at conservative prices ([`PriceMode::Conservative`]:
	/// liquidation never waits for a fresh price). `None` if the account does not exist or
	/// cannot be valued at all.
	fn snapshot(who: &AccountId, sub: SubAccount) -> Option<AccountSnapshot>;

	/// The quote balance and collateral of `(who, sub)`, read without valuing anything.
	fn balances(
		who: &AccountId,
		sub: SubAccount,
	) -> Option<(SignedBalance, Vec<(AssetId, Balance)>)>;

	/// Up to `limit` margin accounts following `after` in storage order (from the start for
	/// `None`), for a round-robin sweep. Fewer than `limit` means the end was reached.
	fn accounts_after(
		after: Option<(AccountId, SubAccount)>,
		limit: u32,
	) -> Vec<(AccountId, SubAccount)>;

	/// Move `amount` of collateral `asset` out of `(who, sub)` to the wallet `to`.
	fn seize(
		who: &AccountId,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
		to: &AccountId,
	) -> DispatchResult;
}

/// Told when a margin account's state changes (so an index of liquidation prices, and the
/// stress test, can follow). Tuples tell each member in turn.
pub trait OnAccountChange<AccountId> {
	/// `(who, sub)` changed.
	fn changed(who: &AccountId, sub: SubAccount);
}

#[impl_trait_for_tuples::impl_for_tuples(4)]
impl<AccountId> OnAccountChange<AccountId> for Tuple {
	fn changed(who: &AccountId, sub: SubAccount) {
		for_tuples!( #( Tuple::changed(who, sub); )* );
	}
}

/// The global settlement's glue (in `settlement.rs`, re-exported here with the other glue
/// traits).
pub use crate::settlement::{GlobalSettle, SettleStep, SettlementStatus};

/// The stress test's glue (in `stress.rs`, re-exported here with the other glue traits).
pub use crate::stress::{
	LossCapacity, RiskBearers, RiskTightening, StressHolding, StressProfile, StressSubject,
};

/// Two products behind one `Derivatives`, and pools that sum.
#[cfg(test)]
#[path = "traits_tuple_tests.rs"]
mod tuple_tests;
