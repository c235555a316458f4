//! Glue traits between Ballast pallets.
//!
//! Each trait here is the whole of what one pallet may know about another. The runtime
//! implements them over the concrete pallets; tests implement them over plain storage.

use crate::{
	AssetId, AssetStatus, Balance, MarketId, Moment, OracleKey, Price, SignedBalance, SubAccount,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	sp_arithmetic::Permill,
	sp_runtime::{DispatchError, DispatchResult},
};

/// A price together with the moment the oracle accepted it.
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
pub struct TimestampedPrice {
	/// Quote-asset units per unit of the priced asset.
	pub price: Price,
	/// When the oracle combined this value, in milliseconds since the Unix epoch.
	pub timestamp: Moment,
}

impl TimestampedPrice {
	/// Age of this price at `now`, saturating at zero for a timestamp in the future.
	pub fn age(&self, now: Moment) -> Moment {
		now.saturating_sub(self.timestamp)
	}

	/// Whether this price is older than `max_age` at `now`.
	pub fn is_stale(&self, now: Moment, max_age: Moment) -> bool {
		self.age(now) > max_age
	}
}

/// The raw source of prices: the oracle's combined value per key, with the time it was set.
/// Only the price guard reads it; every other consumer goes through [`PriceProvider`].
pub trait PriceSource {
	/// The latest combined price of `key`, if the oracle has one.
	fn price(key: OracleKey) -> Option<TimestampedPrice>;

	/// The current time, by the same clock the timestamps are on.
	fn now() -> Moment;
}

/// What a price must satisfy to be believed: its guard, owned per oracle key by the price
/// guard (one place for every asset, market and feed that uses the key).
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
pub struct PriceBounds {
	/// Lowest price believed; below it the oracle is assumed broken.
	pub min_price: Price,
	/// Highest price believed.
	pub max_price: Price,
	/// Oldest price (ms) usable for liquidation (and the last valid price's lifetime).
	pub max_age: Moment,
	/// Oldest price (ms) a risk-increasing action (trade, withdrawal, LP exit) may use: short,
	/// so that nobody acts on a price the next feed is about to move. At most `max_age`.
	pub trade_age: Moment,
	/// Circuit breaker: the largest move from the last valid price a print may make and still
	/// be used at once. A larger move is used only after the price guard has seen it persist
	/// (then it becomes the new last valid price).
	pub max_jump: Permill,
}

impl PriceBounds {
	/// Whether `p` is usable at `now` and no older than `age`, given the last valid price: why
	/// not, if it is not.
	pub fn admit(
		&self,
		p: TimestampedPrice,
		now: Moment,
		last_valid: Option<Price>,
		age: Moment,
	) -> Result<Price, PriceError> {
		if p.is_stale(now, age) {
			return Err(PriceError::Stale);
		}
		if !self.contains(p.price) {
			return Err(PriceError::OutOfBounds);
		}
		if last_valid.is_some_and(|last| self.jumps(last, p.price)) {
			return Err(PriceError::Jump);
		}
		Ok(p.price)
	}

	/// Whether `price` lies inside the bounds (inclusive).
	pub fn contains(&self, price: Price) -> bool {
		price >= self.min_price && price <= self.max_price
	}

	/// Whether moving from `from` to `to` is a larger relative move than `max_jump` (a move
	/// from zero always is).
	pub fn jumps(&self, from: Price, to: Price) -> bool {
		let (from, to) = (from.into_inner(), to.into_inner());
		if from == 0 {
			return to != 0;
		}
		Permill::from_rational(from.abs_diff(to), from) > self.max_jump
	}
}

/// Guarded read access to prices: the latest price of a key with its timestamp, the key's
/// [`PriceBounds`], the last price that was valid, the tracked volatility, and
/// [`PriceProvider::checked`], where the meaning of each [`PriceMode`] is defined once.
///
/// A provider never hides a timestamp, so an old price can never pass for a new one.
pub trait PriceProvider {
	/// The latest combined price of `key`, if the oracle has one (unchecked).
	fn price(key: OracleKey) -> Option<TimestampedPrice>;

	/// The current time, by the same clock the timestamps are on.
	fn now() -> Moment;

	/// The guard of `key`; `None` if the key is not guarded (then no price of it is usable for
	/// a decision: [`PriceProvider::checked`] reports it as [`PriceError::Missing`]).
	fn bounds(key: OracleKey) -> Option<PriceBounds>;

	/// The last price of `key` that was usable (fresh, inside its bounds, no unconfirmed jump)
	/// when a block ended, with its oracle timestamp (`None` if none is recorded): the
	/// reference of the circuit breaker and of [`PriceMode::Conservative`].
	fn last_valid(_key: OracleKey) -> Option<TimestampedPrice> {
		None
	}

	/// The tracked volatility of `key` (zero when unknown).
	fn volatility(_key: OracleKey) -> Permill {
		Permill::zero()
	}

	/// How many blocks have ended, so far, without a price of `key` usable in
	/// [`PriceMode::Conservative`]: a clock that stands still while the key's price is valid.
	/// Auctions subtract it so that their price does not decay while they are paused.
	fn invalid_blocks(_key: OracleKey) -> u32 {
		0
	}

	/// The price of `key` for `mode` (see [`PriceMode`]).
	fn checked(key: OracleKey, mode: PriceMode) -> Result<Price, PriceError> {
		let p = Self::price(key).ok_or(PriceError::Missing)?;
		if mode == PriceMode::LastKnown {
			return Ok(p.price);
		}
		let bounds = Self::bounds(key).ok_or(PriceError::Missing)?;
		let now = Self::now();
		let last = Self::last_valid(key);
		let age = if mode == PriceMode::Fresh { bounds.trade_age } else { bounds.max_age };
		let admitted = bounds.admit(p, now, last.map(|l| l.price), age);
		match (mode, admitted) {
			(PriceMode::Conservative, Err(e)) => match last {
				Some(l) if !l.is_stale(now, bounds.max_age) => Ok(l.price),
				_ => Err(e),
			},
			(_, admitted) => admitted,
		}
	}
}

/// Why a price cannot be used.
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
pub enum PriceError {
	/// The oracle has never had a price for this key (or the key has no guard).
	Missing,
	/// The latest price is older than the key's maximum age.
	Stale,
	/// The latest price lies outside the key's bounds.
	OutOfBounds,
	/// The latest price moved further from the last valid price than the key's circuit breaker
	/// allows, and the move is not confirmed yet.
	Jump,
}

/// Which prices a valuation may use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PriceMode {
	/// Only a usable latest price no older than the key's `trade_age`: inside its bounds, no
	/// unconfirmed jump; anything else is an error. Used for every risk-increasing action: it
	/// fails closed.
	Fresh,
	/// The latest price whatever its age, for reporting (the report says it is stale).
	LastKnown,
	/// For liquidation: the latest price if it is usable; otherwise it is ignored and the last
	/// valid price is used, as long as that one is not older than the maximum age. Nothing
	/// executes at an outlier, stale or unconfirmed print, and an account unhealthy at the last
	/// valid price is still liquidated; with no usable price at all, liquidation of the key's
	/// holdings and positions pauses (the error says why).
	Conservative,
}

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
	/// Penalty charged on collateral seized in liquidation.
	pub liquidation_penalty: Permill,
	/// Share of the penalty that goes to the insurance fund; the rest rewards the liquidator.
	pub penalty_to_insurance: Permill,
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

	/// Whether `market` exists.
	fn market_exists(market: MarketId) -> bool;

	/// Positions of `(who, sub)`.
	fn positions(who: &AccountId, sub: SubAccount) -> Vec<PositionView>;

	/// The conservative price ([`PriceMode::Conservative`]) of `market`'s underlying, the same
	/// for its longs and its shorts (`None` while it has no usable price).
	fn mark_price(market: MarketId) -> Option<Price>;

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
}

/// Several products together (and `()`: none).
#[impl_trait_for_tuples::impl_for_tuples(4)]
impl<AccountId> Derivatives<AccountId> for Tuple {
	fn exposure(who: &AccountId, sub: SubAccount, mode: PriceMode) -> Result<Exposure, PriceError> {
		let mut total = Exposure::default();
		for_tuples!( #( total = total.combine(&Tuple::exposure(who, sub, mode)?); )* );
		Ok(total)
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
}

/// Quote asset held in the common custody outside margin accounts (a liquidity vault, fees,
/// insurance funds net of bad debt). Implemented by each pallet that keeps such a pool, and for
/// tuples of them: the margin engine proves custody as `held ≥ Σ quote balances + Σ pools`.
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

/// Told when a margin account's state changes (so an index of liquidation prices can follow).
pub trait OnAccountChange<AccountId> {
	/// `(who, sub)` changed.
	fn changed(who: &AccountId, sub: SubAccount);
}

impl<AccountId> OnAccountChange<AccountId> for () {
	fn changed(_: &AccountId, _: SubAccount) {}
}

#[cfg(test)]
mod tests {
	use super::*;

	std::thread_local! {
		static LATEST: core::cell::Cell<(u128, u64)> = const { core::cell::Cell::new((0, 0)) };
		static LAST_VALID: core::cell::Cell<Option<(u128, u64)>> = const { core::cell::Cell::new(None) };
	}

	struct Feed;
	impl PriceProvider for Feed {
		fn price(_: OracleKey) -> Option<TimestampedPrice> {
			let (p, t) = LATEST.with(|c| c.get());
			Some(TimestampedPrice { price: Price::from_u32(p as u32), timestamp: t })
		}
		fn now() -> Moment {
			10_000
		}
		fn bounds(key: OracleKey) -> Option<PriceBounds> {
			// Key 3: the same, but trading accepts only prices up to one second old.
			(key == 1 || key == 3).then(|| PriceBounds {
				min_price: Price::from_u32(100),
				max_price: Price::from_u32(1_000),
				max_age: 5_000,
				trade_age: if key == 3 { 1_000 } else { 5_000 },
				max_jump: Permill::from_percent(20),
			})
		}
		fn last_valid(_: OracleKey) -> Option<TimestampedPrice> {
			LAST_VALID
				.with(|c| c.get())
				.map(|(p, t)| TimestampedPrice { price: Price::from_u32(p as u32), timestamp: t })
		}
	}

	fn set(latest: (u128, u64), last_valid: Option<(u128, u64)>) {
		LATEST.with(|c| c.set(latest));
		LAST_VALID.with(|c| c.set(last_valid));
	}

	fn conservative() -> Result<Price, PriceError> {
		Feed::checked(1, PriceMode::Conservative)
	}

	#[test]
	fn conservative_prices_use_a_usable_print_as_is() {
		set((500, 9_000), Some((450, 8_000)));
		assert_eq!(conservative(), Ok(Price::from_u32(500)));
	}

	#[test]
	fn an_outlier_print_is_ignored_for_the_last_valid_price() {
		// Below the floor, above the cap, or a jump beyond 20%: the last valid price, for
		// holders hurt by a fall and by a rise alike.
		for outlier in [1, 50, 2_000, 350, 700] {
			set((outlier, 9_000), Some((500, 8_000)));
			assert_eq!(conservative(), Ok(Price::from_u32(500)), "print {outlier}");
		}
		// A move of exactly 20% is not a jump.
		set((600, 9_000), Some((500, 8_000)));
		assert_eq!(conservative(), Ok(Price::from_u32(600)));
	}

	#[test]
	fn nothing_executes_at_a_price_older_than_the_maximum_age() {
		// The print is stale and so is the last valid price: no price at all.
		set((500, 4_000), Some((500, 4_000)));
		assert_eq!(conservative(), Err(PriceError::Stale));
		// An outlier with a last valid price that has aged out: paused, with the print's reason.
		set((1, 9_000), Some((500, 4_999)));
		assert_eq!(conservative(), Err(PriceError::OutOfBounds));
		// An outlier and nothing recorded: paused.
		set((2_000, 9_000), None);
		assert_eq!(conservative(), Err(PriceError::OutOfBounds));
	}

	#[test]
	fn fresh_mode_fails_closed() {
		set((50, 9_000), None);
		assert_eq!(Feed::checked(1, PriceMode::Fresh), Err(PriceError::OutOfBounds));
		set((500, 1_000), None);
		assert_eq!(Feed::checked(1, PriceMode::Fresh), Err(PriceError::Stale));
		set((700, 9_000), Some((500, 9_000)));
		assert_eq!(Feed::checked(1, PriceMode::Fresh), Err(PriceError::Jump));
		set((500, 5_000), Some((450, 5_000)));
		assert_eq!(Feed::checked(1, PriceMode::Fresh), Ok(Price::from_u32(500)));
	}

	#[test]
	fn trading_needs_a_younger_price_than_liquidation() {
		set((500, 8_000), Some((500, 8_000)));
		assert_eq!(Feed::checked(3, PriceMode::Fresh), Err(PriceError::Stale));
		assert_eq!(Feed::checked(3, PriceMode::Conservative), Ok(Price::from_u32(500)));
		set((500, 9_000), Some((500, 8_000)));
		assert_eq!(Feed::checked(3, PriceMode::Fresh), Ok(Price::from_u32(500)));
	}

	#[test]
	fn an_unguarded_key_has_no_usable_price_but_can_be_reported() {
		set((500, 9_000), Some((500, 9_000)));
		assert_eq!(Feed::checked(2, PriceMode::Fresh), Err(PriceError::Missing));
		assert_eq!(Feed::checked(2, PriceMode::Conservative), Err(PriceError::Missing));
		assert_eq!(Feed::checked(2, PriceMode::LastKnown), Ok(Price::from_u32(500)));
	}

	#[test]
	fn bounds_are_inclusive_and_jumps_relative() {
		let b = Feed::bounds(1).unwrap();
		assert!(b.contains(Price::from_u32(100)) && b.contains(Price::from_u32(1_000)));
		assert!(!b.contains(Price::from_u32(99)) && !b.contains(Price::from_u32(1_001)));
		let at = |t| TimestampedPrice { price: Price::from_u32(100), timestamp: t };
		assert_eq!(b.admit(at(5_000), 10_000, None, 5_000), Ok(Price::from_u32(100)));
		assert_eq!(b.admit(at(4_999), 10_000, None, 5_000), Err(PriceError::Stale));
		assert!(!b.jumps(Price::from_u32(100), Price::from_u32(120)));
		assert!(b.jumps(Price::from_u32(100), Price::from_u32(121)));
		assert!(b.jumps(Price::from_u32(100), Price::from_rational(7_999, 100)));
		assert!(!b.jumps(Price::from_u32(100), Price::from_u32(80)));
		assert!(b.jumps(Price::from_u32(0), Price::from_u32(1)));
		assert!(b.jumps(Price::from_u32(1), Price::from_u32(u32::MAX)));
	}

	#[test]
	fn staleness_is_strictly_older_than_max_age() {
		let p = TimestampedPrice { price: Price::from_u32(10), timestamp: 1_000 };
		assert!(!p.is_stale(1_000, 0));
		assert!(!p.is_stale(7_000, 6_000));
		assert!(p.is_stale(7_001, 6_000));
		// A clock that went backwards never makes a price look stale or panics.
		assert_eq!(p.age(500), 0);
	}
}

/// Two products behind one `Derivatives`, and pools that sum.
#[cfg(test)]
#[path = "traits_tuple_tests.rs"]
mod tuple_tests;
