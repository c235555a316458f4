//! Glue traits between Ballast pallets.
//!
//! Each trait here is the whole of what one pallet may know about another. The runtime
//! implements them over the concrete pallets; tests implement them over plain storage.

use crate::{AssetId, Moment, Price};

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

/// Read access to oracle prices, with the time each was set.
///
/// Consumers decide what "fresh" means for them (each collateral asset has its own maximum
/// age); a provider never hides the timestamp, so an old price can never pass for a new one.
pub trait PriceProvider {
	/// The latest combined price of `asset`, if the oracle has one.
	fn price(asset: AssetId) -> Option<TimestampedPrice>;

	/// The current time, by the same clock the timestamps are on.
	fn now() -> Moment;
}

#[cfg(test)]
mod tests {
	use super::*;

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
