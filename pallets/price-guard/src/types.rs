//! The guard's data: a key's [`GuardParams`] (what a price of it must satisfy), the
//! [`VolatilityState`] tracked from its prices, and [`GuardError`], why parameters are refused.
//!
//! `GuardParams` derives serde for the runtime's genesis presets: field names camelCase, prices
//! as `FixedU128` inner values in strings (`"1000000000000000000"` = 1.0), `maxAge` in
//! milliseconds.

use ballast_primitives::{
	math::volatility::{Estimate, Params, Point},
	traits::{PriceBounds, TimestampedPrice},
	Moment, Price,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::__private::serde::{Deserialize, Serialize},
	sp_arithmetic::{traits::Zero, FixedU128, PerThing, Permill},
};
use scale_info::TypeInfo;

/// What a price of one oracle key must satisfy to be used for a risk decision.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Serialize,
	Deserialize,
)]
#[serde(crate = "polkadot_sdk::frame_support::__private::serde")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GuardParams {
	/// Lowest price believed; positive. Below it the oracle is assumed broken.
	pub min_price: Price,
	/// Highest price believed; above `min_price`.
	pub max_price: Price,
	/// Oldest price (ms) usable for liquidation, and how long a last valid price lasts; positive.
	pub max_age: Moment,
	/// Oldest price (ms) a trade, a withdrawal or an LP exit may use; positive, at most
	/// `max_age`.
	pub trade_age: Moment,
	/// Circuit breaker: the largest relative move from the last valid price a print may make
	/// and be used at once; positive.
	pub max_jump: Permill,
	/// How long (ms, oracle time) a larger move must persist, every print in between beyond
	/// the breaker too, before it is accepted as the new last valid price; positive.
	pub jump_confirm: Moment,
}

impl GuardParams {
	/// Checks the parameters: `0 < min_price < max_price`, `0 < max_age ≤` [`MAX_PRICE_AGE`],
	/// `0 < trade_age ≤ max_age`, `0 < max_jump ≤ 100 %`, `0 < jump_confirm ≤`
	/// [`MAX_PRICE_AGE`].
	pub fn validate(&self) -> Result<(), GuardError> {
		if self.min_price.is_zero() || self.min_price >= self.max_price {
			return Err(GuardError::InvalidPriceBounds);
		}
		if self.max_age == 0 {
			return Err(GuardError::ZeroMaxAge);
		}
		if self.max_age > MAX_PRICE_AGE {
			return Err(GuardError::MaxAgeTooLong);
		}
		if self.trade_age == 0 || self.trade_age > self.max_age {
			return Err(GuardError::InvalidTradeAge);
		}
		if self.max_jump.is_zero() || self.max_jump.deconstruct() > Permill::ACCURACY {
			return Err(GuardError::InvalidMaxJump);
		}
		if self.jump_confirm == 0 {
			return Err(GuardError::ZeroJumpConfirm);
		}
		if self.jump_confirm > MAX_PRICE_AGE {
			return Err(GuardError::JumpConfirmTooLong);
		}
		Ok(())
	}

	/// The bounds consumers check prices against ([`PriceBounds::admit`]).
	pub fn bounds(&self) -> PriceBounds {
		PriceBounds {
			min_price: self.min_price,
			max_price: self.max_price,
			max_age: self.max_age,
			trade_age: self.trade_age,
			max_jump: self.max_jump,
		}
	}
}

/// How operators' values combine into one price (see [`crate::combine`]). Governed.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Serialize,
	Deserialize,
)]
#[serde(crate = "polkadot_sdk::frame_support::__private::serde")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeedRules {
	/// Fewest fresh, non-rejected operator values that make a new price; at least 1.
	pub min_count: u32,
	/// A fresh value further than this from the median of the other fresh values is rejected;
	/// positive.
	pub max_deviation: Permill,
}

impl Default for FeedRules {
	/// One value suffices and none is rejected: the oracle's plain behaviour, until governance
	/// (or genesis) sets rules.
	fn default() -> Self {
		Self { min_count: 1, max_deviation: Permill::one() }
	}
}

impl FeedRules {
	/// Checks the rules: `min_count ≥ 1`, `0 < max_deviation ≤ 100%`.
	pub fn validate(&self) -> Result<(), GuardError> {
		if self.min_count == 0 {
			return Err(GuardError::ZeroMinCount);
		}
		if self.max_deviation.is_zero() || self.max_deviation.deconstruct() > Permill::ACCURACY {
			return Err(GuardError::InvalidMaxDeviation);
		}
		Ok(())
	}
}

/// Why guard parameters are refused. Each case maps to its own pallet error.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GuardError {
	/// `min_price` is zero or not below `max_price`.
	InvalidPriceBounds,
	/// `max_age` is zero.
	ZeroMaxAge,
	/// `trade_age` is zero or above `max_age`.
	InvalidTradeAge,
	/// `max_jump` is zero or above 100%.
	InvalidMaxJump,
	/// `jump_confirm` is zero.
	ZeroJumpConfirm,
	/// The feed rules' `min_count` is zero.
	ZeroMinCount,
	/// The feed rules' `max_deviation` is zero or above 100%.
	InvalidMaxDeviation,
	/// `max_age` is above [`MAX_PRICE_AGE`].
	MaxAgeTooLong,
	/// `jump_confirm` is above [`MAX_PRICE_AGE`].
	JumpConfirmTooLong,
}

/// The longest maximum age (and circuit-breaker confirmation time) governance may set: one
/// hour, in milliseconds. Liquidation acts on a last valid price up to the maximum age; a
/// price older than an hour says nothing about today's market.
pub const MAX_PRICE_AGE: Moment = 3_600_000;

/// The volatility the guard tracks for one oracle key: a variance **per day**, sampled over
/// fixed buckets of oracle time, whatever the feed frequency (the estimator and its formulas are
/// `ballast_math::volatility`'s; see the pallet docs).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct VolatilityState {
	/// Time-weighted EWMA of the variance of log returns over closed buckets, per day.
	pub variance: FixedU128,
	/// The reported volatility per day: `√variance`, or more while the bucket in progress has
	/// moved (it never falls within a bucket); saturating at 100%.
	pub volatility: Permill,
	/// Start of the bucket in progress: the price and timestamp returns are measured from.
	pub anchor: Option<TimestampedPrice>,
	/// The last price used; only a strictly newer one is used next.
	pub last_observation: Option<TimestampedPrice>,
}

fn point(p: TimestampedPrice) -> Point {
	Point { price: p.price, time: p.timestamp }
}

fn timestamped(p: Point) -> TimestampedPrice {
	TimestampedPrice { price: p.price, timestamp: p.time }
}

impl VolatilityState {
	/// The estimator's view of this state.
	pub fn estimate(&self) -> Estimate {
		Estimate {
			variance: self.variance,
			volatility: self.volatility,
			anchor: self.anchor.map(point),
			last: self.last_observation.map(point),
		}
	}

	/// The state of an estimate.
	pub fn from_estimate(e: Estimate) -> Self {
		Self {
			variance: e.variance,
			volatility: e.volatility,
			anchor: e.anchor.map(timestamped),
			last_observation: e.last.map(timestamped),
		}
	}

	/// Fold `observed` into the estimate (`ballast_math::volatility::Estimate::observe`), if it
	/// is strictly newer than the last observation and inside `bounds`' price band (outside it
	/// the oracle is assumed broken and the print is ignored). Age is not checked: an old price
	/// is simply not newer. The first observation only becomes the reference. Returns whether
	/// the state changed.
	pub fn observe(
		&mut self,
		observed: TimestampedPrice,
		bounds: &PriceBounds,
		params: &Params,
	) -> bool {
		if !bounds.contains(observed.price) {
			return false;
		}
		let mut e = self.estimate();
		if !e.observe(point(observed), params) {
			return false;
		}
		*self = Self::from_estimate(e);
		true
	}

	/// Governance's seed or override: the daily variance becomes `volatility²` and the reported
	/// volatility `volatility`; the bucket in progress goes on.
	pub fn set(&mut self, volatility: Permill) {
		let mut e = self.estimate();
		e.set(volatility);
		*self = Self::from_estimate(e);
	}
}
