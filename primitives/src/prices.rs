//! Prices as every pallet sees them: a [`TimestampedPrice`], the raw [`PriceSource`] (the
//! oracle), the [`PriceBounds`] a key's guard sets, and [`PriceProvider`], where the meaning
//! of each [`PriceMode`] is defined once ([`PriceProvider::checked`]). Re-exported from
//! [`crate::traits`].

use crate::{Moment, OracleKey, Price};
use polkadot_sdk::sp_arithmetic::Permill;

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

	/// The tracked volatility of `key` per day, measured per unit of time (zero when unknown).
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
