//! Prices: `pallet_oracle` (the ORML oracle, now in polkadot-sdk) fed by the operators of the
//! `OracleMembership` instance of `pallet_membership`.
//!
//! Operators call `oracle.feedValues` with `(AssetId, Price)` pairs; every value is stamped
//! with the block time. The combined price of an asset is the median of the operators' values
//! that are younger than [`OracleValueExpiry`], after rejecting any value further than the
//! governed `max_deviation` from the median of the others, and only when at least the governed
//! `min_count` values are left (`pallet_price_guard::GuardedMedian`, rules in
//! `priceGuard.feedRules`); otherwise the previous combined value (with its old timestamp) is
//! kept, so consumers can always see how old a price is.
//!
//! `pallet_price_guard` stands between the oracle and every consumer: it owns each key's bounds
//! and maximum age, the last valid price and the volatility, and is the `Prices` of every
//! Ballast pallet. The oracle's raw values reach it as [`OraclePrices`], its `Source`.

use crate::governance::OracleOperatorsOrigin;
use crate::{Moment, OracleKey, OracleMembership, Price, Runtime, RuntimeEvent, Timestamp};
use ballast_primitives::traits::{PriceSource, TimestampedPrice};
use polkadot_sdk::{
	frame_support::{parameter_types, traits::Time, PalletId},
	pallet_membership, pallet_oracle,
};

parameter_types! {
	/// Values older than ten minutes take no part in the median.
	pub const OracleValueExpiry: Moment = 10 * 60 * 1_000;
	/// The oracle's own account, used when Root feeds a value.
	pub const OraclePalletId: PalletId = PalletId(*b"bal/orcl");
	/// Most operators that may feed in one block; equal to the largest operator set.
	pub const MaxOracleOperators: u32 = 32;
	/// Most `(asset, price)` pairs in one feed.
	pub const MaxFeedValues: u32 = 32;
	/// Most oracle keys the price guard watches (it observes each at the end of every block).
	pub const MaxGuardedKeys: u32 = 32;
	/// The volatility's sampling bucket: returns are measured over at least ten minutes of
	/// oracle time, so the estimate does not depend on how often operators feed.
	pub const VolatilityBucket: Moment = 10 * 60 * 1_000;
	/// The volatility estimate's old variance keeps half its weight after a day (an effective
	/// window of about 1.4 days, some 200 buckets); a single bucket's move `r` adds
	/// `ln 2 · r²` to the daily variance, so a crash reads at once.
	pub const VolatilityHalfLife: Moment = 24 * 60 * 60 * 1_000;
}

/// The oracle's value type as stored: a price and the moment it was fed.
pub type TimestampedOracleValue = pallet_oracle::TimestampedValue<Price, Moment>;

impl pallet_oracle::Config for Runtime {
	type OnNewData = ();
	type CombineData = pallet_price_guard::GuardedMedian<Runtime, Runtime, OracleValueExpiry>;
	type Time = Timestamp;
	type OracleKey = OracleKey;
	type OracleValue = Price;
	type PalletId = OraclePalletId;
	type Members = OracleMembership;
	type WeightInfo = pallet_oracle::weights::SubstrateWeight<Runtime>;
	type MaxHasDispatchedSize = MaxOracleOperators;
	type MaxFeedValues = MaxFeedValues;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// The oracle operators. The `oracle_operators` track (or Root) adds, removes and swaps them;
/// removing an operator also clears the values it fed (`MembershipChanged = Oracle`).
pub type OracleMembershipInstance = pallet_membership::Instance1;

impl pallet_membership::Config<OracleMembershipInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = OracleOperatorsOrigin;
	type RemoveOrigin = OracleOperatorsOrigin;
	type SwapOrigin = OracleOperatorsOrigin;
	type ResetOrigin = OracleOperatorsOrigin;
	type PrimeOrigin = OracleOperatorsOrigin;
	type MembershipInitialized = ();
	type MembershipChanged = crate::Oracle;
	type MaxMembers = MaxOracleOperators;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

/// The oracle's combined values with their timestamps, on `pallet_timestamp`'s clock: the price
/// guard's raw source. Nothing else reads it.
pub struct OraclePrices;

impl PriceSource for OraclePrices {
	fn price(key: OracleKey) -> Option<TimestampedPrice> {
		crate::Oracle::get(&key)
			.map(|v| TimestampedPrice { price: v.value, timestamp: v.timestamp })
	}

	fn now() -> Moment {
		Timestamp::now()
	}
}

impl pallet_price_guard::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Guards of guarded keys and volatility: the `risk_parameters` track.
	type GovernanceOrigin = crate::governance::RiskParametersOrigin;
	/// Guarding a new key (the first step of a listing): the `asset_listing` track.
	type ListingOrigin = crate::governance::AssetListingOrigin;
	/// How operators' values make a price (minimum count, deviation): the `oracle_operators`
	/// track.
	type FeedRulesOrigin = OracleOperatorsOrigin;
	type Source = OraclePrices;
	type MaxKeys = MaxGuardedKeys;
	type VolatilityBucket = VolatilityBucket;
	type VolatilityHalfLife = VolatilityHalfLife;
	type WeightInfo = crate::weights::pallet_price_guard::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}
