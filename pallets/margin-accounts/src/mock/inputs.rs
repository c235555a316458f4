//! The mock's external inputs behind the pallet's `Config` traits: collateral terms, prices and
//! their bounds (the price guard's), derivative positions, pooled quote, change notifications
//! and pending liquidations, from the thread-local tables.

use super::*;

/// Collateral registry stand-in.
pub struct MockRisk;

impl MockRisk {
	/// List (or relist) `asset` with `terms`.
	pub fn set(asset: AssetId, terms: CollateralTerms) {
		TERMS.with(|t| t.borrow_mut().insert(asset, terms));
	}

	/// Change the terms of a listed asset.
	pub fn update(asset: AssetId, f: impl FnOnce(&mut CollateralTerms)) {
		TERMS.with(|t| f(t.borrow_mut().get_mut(&asset).expect("asset listed")));
	}

	/// Set the status of a listed asset.
	pub fn set_status(asset: AssetId, status: AssetStatus) {
		Self::update(asset, |t| t.status = status);
	}

	/// Remove `asset` from the registry.
	pub fn unlist(asset: AssetId) {
		TERMS.with(|t| t.borrow_mut().remove(&asset));
	}

	/// Set the volatility estimate of `asset`.
	pub fn set_volatility(asset: AssetId, v: Permill) {
		VOLATILITY.with(|t| t.borrow_mut().insert(asset, v));
	}
}

impl CollateralRisk for MockRisk {
	fn terms(asset: AssetId, _holding: Balance) -> Option<CollateralTerms> {
		TERMS.with(|t| t.borrow().get(&asset).copied())
	}

	fn volatility(asset: AssetId) -> Permill {
		VOLATILITY.with(|t| t.borrow().get(&asset).copied().unwrap_or_default())
	}
}

/// Price guard stand-in: the oracle's prices, and per key the bounds, maximum age and circuit
/// breaker a price must meet and the last valid price (with its timestamp).
pub struct MockPrices;

impl MockPrices {
	/// The oracle reports `price` (whole quote units) for `key`, accepted at `timestamp`.
	pub fn set(key: OracleKey, price: u32, timestamp: Moment) {
		Self::set_exact(key, Price::from_u32(price), timestamp);
	}

	/// The oracle reports `price` for `key`, accepted at `timestamp`.
	pub fn set_exact(key: OracleKey, price: Price, timestamp: Moment) {
		PRICES.with(|p| p.borrow_mut().insert(key, TimestampedPrice { price, timestamp }));
	}

	/// The oracle has no price for `key`.
	pub fn remove(key: OracleKey) {
		PRICES.with(|p| p.borrow_mut().remove(&key));
	}

	/// The oracle has no prices at all.
	pub fn clear() {
		PRICES.with(|p| p.borrow_mut().clear());
		LAST_VALID.with(|p| p.borrow_mut().clear());
	}

	/// The last valid price recorded for `key`, stamped with the mock's current time.
	pub fn set_last_valid(key: OracleKey, price: u32) {
		Self::set_last_valid_at(key, price, Self::now());
	}

	/// The last valid price recorded for `key`, with the oracle timestamp `timestamp`.
	pub fn set_last_valid_at(key: OracleKey, price: u32, timestamp: Moment) {
		let last = TimestampedPrice { price: Price::from_u32(price), timestamp };
		LAST_VALID.with(|p| p.borrow_mut().insert(key, last));
	}

	/// Guard `key` with `bounds` (`None`: the key is not guarded).
	pub fn set_bounds(key: OracleKey, bounds: Option<PriceBounds>) {
		BOUNDS.with(|b| match bounds {
			Some(bounds) => b.borrow_mut().insert(key, bounds),
			None => b.borrow_mut().remove(&key),
		});
	}

	/// Change the bounds of a guarded key.
	pub fn update_bounds(key: OracleKey, f: impl FnOnce(&mut PriceBounds)) {
		BOUNDS.with(|b| f(b.borrow_mut().get_mut(&key).expect("key guarded")));
	}

	/// Every key guarded as in [`bounds_at_genesis`].
	pub fn reset_bounds() {
		BOUNDS.with(|b| {
			*b.borrow_mut() =
				ALL_ASSETS.iter().filter_map(|k| Some((*k, bounds_at_genesis(*k)?))).collect();
		});
	}

	/// Set the clock.
	pub fn set_now(now: Moment) {
		CLOCK.with(|c| *c.borrow_mut() = now);
	}

	/// BTC 50,000, ETH 3,000, DOT 5, USDC 1, all at [`NOW`], which is also the clock; each also
	/// recorded as the last valid price.
	pub fn set_defaults() {
		for (key, price) in [(BTC, 50_000), (ETH, 3_000), (DOT, 5), (USDC, 1)] {
			Self::set(key, price, NOW);
			Self::set_last_valid_at(key, price, NOW);
		}
		Self::set_now(NOW);
	}
}

impl PriceProvider for MockPrices {
	fn price(key: OracleKey) -> Option<TimestampedPrice> {
		PRICES.with(|p| p.borrow().get(&key).copied())
	}

	fn now() -> Moment {
		CLOCK.with(|c| *c.borrow())
	}

	fn bounds(key: OracleKey) -> Option<PriceBounds> {
		BOUNDS.with(|b| b.borrow().get(&key).copied())
	}

	fn last_valid(key: OracleKey) -> Option<TimestampedPrice> {
		LAST_VALID.with(|p| p.borrow().get(&key).copied())
	}
}

/// Derivative products stand-in: per `(who, sub)` an exposure and positions.
pub struct MockDerivatives;

impl MockDerivatives {
	/// Replace the book of `(who, sub)`.
	pub fn set_book(who: AccountId, sub: SubAccount, book: Book) {
		BOOKS.with(|b| b.borrow_mut().insert((who, sub), book));
	}

	/// Give `(who, sub)` one long position in each of `markets` and `exposure` in total.
	pub fn open(who: AccountId, sub: SubAccount, markets: &[MarketId], exposure: Exposure) {
		let positions = markets
			.iter()
			.map(|m| PositionView {
				market: *m,
				quantity: 1_000,
				entry_notional: 1_000 * USDC_UNIT,
				entry_price: Price::from_u32(50_000),
			})
			.collect();
		Self::set_book(
			who,
			sub,
			Book {
				exposure: Exposure { positions: markets.len() as u32, ..exposure },
				positions,
				fresh_error: None,
				legs: Vec::new(),
			},
		);
	}

	/// `exposure` of `(who, sub)` in `PriceMode::Fresh` fails with `e`.
	pub fn fail_fresh(who: AccountId, sub: SubAccount, e: PriceError) {
		BOOKS.with(|b| b.borrow_mut().entry((who, sub)).or_default().fresh_error = Some(e));
	}

	/// `(who, sub)` has no positions.
	pub fn close_all(who: AccountId, sub: SubAccount) {
		BOOKS.with(|b| b.borrow_mut().remove(&(who, sub)));
	}

	/// Markets that exist are exactly `markets`.
	pub fn set_markets(markets: &[MarketId]) {
		MARKET_SET.with(|m| *m.borrow_mut() = markets.iter().copied().collect());
	}

	/// What `liquidation_price` answers for an account with positions.
	pub fn set_liquidation_price(p: Option<Price>) {
		LIQUIDATION_PRICE.with(|l| *l.borrow_mut() = p);
	}

	/// The `other_equity` of the last `liquidation_price` call.
	pub fn other_equity_seen() -> Option<SignedBalance> {
		OTHER_EQUITY_SEEN.with(|o| *o.borrow())
	}

	/// The modes `exposure` was asked for since the last call, oldest first.
	pub fn take_modes() -> Vec<PriceMode> {
		EXPOSURE_MODES.with(|m| core::mem::take(&mut *m.borrow_mut()))
	}

	/// Forget every book, restore the default markets and liquidation price.
	pub fn reset() {
		BOOKS.with(|b| b.borrow_mut().clear());
		Self::set_markets(&MARKETS);
		Self::set_liquidation_price(None);
		OTHER_EQUITY_SEEN.with(|o| *o.borrow_mut() = None);
		EXPOSURE_MODES.with(|m| m.borrow_mut().clear());
	}

	fn book(who: &AccountId, sub: SubAccount) -> Book {
		BOOKS.with(|b| b.borrow().get(&(*who, sub)).cloned().unwrap_or_default())
	}
}

impl Derivatives<AccountId> for MockDerivatives {
	fn exposure(who: &AccountId, sub: SubAccount, mode: PriceMode) -> Result<Exposure, PriceError> {
		EXPOSURE_MODES.with(|m| m.borrow_mut().push(mode));
		let book = Self::book(who, sub);
		match book.fresh_error {
			Some(e) if mode == PriceMode::Fresh => Err(e),
			_ => Ok(book.exposure),
		}
	}

	fn risk_legs(
		who: &AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Vec<RiskLeg>, PriceError> {
		let book = Self::book(who, sub);
		match book.fresh_error {
			Some(e) if mode == PriceMode::Fresh => Err(e),
			_ => Ok(book.legs),
		}
	}

	fn market_exists(market: MarketId) -> bool {
		MARKET_SET.with(|m| m.borrow().contains(&market))
	}

	fn positions(who: &AccountId, sub: SubAccount) -> Vec<PositionView> {
		Self::book(who, sub).positions
	}

	fn mark_price(_market: MarketId) -> Option<Price> {
		None
	}

	fn funding_index(_market: MarketId) -> Option<polkadot_sdk::sp_arithmetic::FixedI128> {
		None
	}

	fn liquidation_price(
		who: &AccountId,
		sub: SubAccount,
		other_equity: SignedBalance,
	) -> Option<(MarketId, bool, Price)> {
		OTHER_EQUITY_SEEN.with(|o| *o.borrow_mut() = Some(other_equity));
		let first = Self::book(who, sub).positions.first().copied()?;
		LIQUIDATION_PRICE.with(|l| *l.borrow()).map(|p| (first.market, first.is_long(), p))
	}

	fn position_pnl(
		_who: &AccountId,
		_sub: SubAccount,
		_market: MarketId,
	) -> Option<(SignedBalance, Balance)> {
		None
	}

	fn close_fraction(
		_who: &AccountId,
		_sub: SubAccount,
		_fraction: Permill,
	) -> Result<Balance, DispatchError> {
		Err(DispatchError::Other("not in the mock"))
	}

	fn deleverage(
		_who: &AccountId,
		_sub: SubAccount,
		_market: MarketId,
		_fraction: Permill,
	) -> Result<SignedBalance, DispatchError> {
		Err(DispatchError::Other("not in the mock"))
	}
}

/// Pooled quote stand-in.
pub struct MockPools;

impl MockPools {
	/// The pools hold `amount` of the custody's quote.
	pub fn set(amount: SignedBalance) {
		POOLED.with(|p| *p.borrow_mut() = amount);
	}
}

impl PooledQuote for MockPools {
	fn pooled_quote() -> SignedBalance {
		POOLED.with(|p| *p.borrow())
	}
}

/// Records every `changed` call.
pub struct MockOnChange;

impl MockOnChange {
	/// The accounts reported changed since the last call, oldest first.
	pub fn take() -> Vec<(AccountId, SubAccount)> {
		CHANGES.with(|c| core::mem::take(&mut *c.borrow_mut()))
	}
}

impl OnAccountChange<AccountId> for MockOnChange {
	fn changed(who: &AccountId, sub: SubAccount) {
		CHANGES.with(|c| c.borrow_mut().push((*who, sub)));
	}
}

/// Liquidation engine stand-in: the accounts it still has business with.
pub struct MockPendingLiquidation;

impl MockPendingLiquidation {
	/// From now on the liquidation engine has (`true`) or has no (`false`) business with
	/// `(who, sub)` (e.g. a live auction of its collateral).
	pub fn set(who: AccountId, sub: SubAccount, pending: bool) {
		PENDING.with(|p| {
			if pending {
				p.borrow_mut().insert((who, sub));
			} else {
				p.borrow_mut().remove(&(who, sub));
			}
		});
	}

	/// Nothing is pending.
	pub fn clear() {
		PENDING.with(|p| p.borrow_mut().clear());
	}
}

impl PendingLiquidation<AccountId> for MockPendingLiquidation {
	fn is_pending(who: &AccountId, sub: SubAccount) -> bool {
		PENDING.with(|p| p.borrow().contains(&(*who, sub)))
	}
}
