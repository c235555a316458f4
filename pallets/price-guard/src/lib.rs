//! # Price guard
//!
//! The one owner, per oracle key, of what makes a price usable: the band of believable prices
//! and the maximum age ([`GuardParams`]), the last price that was valid, and the volatility
//! tracked from the prices. Collateral assets, perpetual markets and price feeds refer to an
//! oracle key; none carries bounds of its own. Every Ballast pallet reads prices through this
//! pallet's [`ballast_primitives::traits::PriceProvider`] implementation, whose
//! [`checked`](ballast_primitives::traits::PriceProvider::checked) defines what each
//! [`PriceMode`](ballast_primitives::traits::PriceMode) means, once.
//!
//! ## Model
//!
//! * **Source** ([`Config::Source`]): the raw combined price of a key and its timestamp (in the
//!   Ballast runtime, `pallet-oracle`'s median of the operators' fresh values).
//! * **Guard** ([`Guards`]): a print is usable when `min_price ≤ price ≤ max_price`,
//!   `age ≤ max_age`, and it moved at most `max_jump` from the last valid price (the circuit
//!   breaker). A key without a guard has no usable price (`PriceError::Missing`), so an asset,
//!   a market or a feed can only be listed on a guarded key (their pallets check). A guard is
//!   replaced, never removed: assets and markets keep referring to their key.
//! * **Last valid price** ([`LastValid`]): the last usable print of the key when a block ended,
//!   with its timestamp. Liquidation (`PriceMode::Conservative`) ignores an unusable print and
//!   uses this one while it is within `max_age`; older, liquidation on the key pauses. It stays
//!   as recorded when governance later narrows the bounds.
//! * **Circuit breaker** ([`PendingJump`]): a print beyond `max_jump` from the last valid price
//!   is held, not used; if prints keep landing beyond it for `jump_confirm` (oracle time), the
//!   latest becomes the new last valid price (`JumpConfirmed`). One print back within the
//!   breaker ends the hold. A single outlier therefore never executes, while a genuine crash is
//!   followed within `jump_confirm`.
//! * **Pause clock** ([`InvalidBlocks`]): blocks that ended with no price usable for
//!   liquidation; auctions of the key's collateral stop decaying while it ticks.
//! * **Volatility** ([`Volatility`]): a volatility **per day**, measured per unit of oracle
//!   time, not per print, so that feeding more often neither lowers nor raises it
//!   (`ballast_math::volatility` has the formulas). Every accepted price (one that became the
//!   last valid price) is folded in: returns `ln(p / p₀)` are measured from the anchor `p₀` of
//!   the bucket in progress; a bucket closes at the first accepted price at least
//!   [`Config::VolatilityBucket`] after its anchor, and its `r² · day / elapsed` enters a
//!   time-weighted EWMA of the daily variance whose old weight halves every
//!   [`Config::VolatilityHalfLife`]. While a bucket is in progress, its move so far is priced
//!   as if the bucket closed now, and the reported volatility is the larger of that and the
//!   variance's (and never falls within the bucket): a crash reads in the block its price is
//!   accepted. With the runtime's 10-minute buckets and one-day half-life, a move `x` alone
//!   reads as about `0.83 · |ln(1 + x)|` a day (a 35% crash: ≈ 36%), however many prints it
//!   took. The volatility saturates at 100%. Collateral haircut bands, the liquidation auction
//!   curve and option pricing read it
//!   ([`PriceProvider::volatility`](ballast_primitives::traits::PriceProvider::volatility)).
//!
//! ## When
//!
//! Every guarded key is observed at the end of every block (`on_finalize`), after all feeds in
//! it, so the next block's hooks (the liquidation sweep among them) see the same last valid
//! prices and volatility whatever order the pallets are declared in. `on_initialize` reserves
//! the weight of that observation; the work is bounded by [`Config::MaxKeys`].
//!
//! ## Calls
//!
//! * [`set_guard`](Pallet::set_guard): guard a new key ([`Config::ListingOrigin`]: the first
//!   step of listing an asset or a market on it), or replace a guarded key's guard
//!   ([`Config::GovernanceOrigin`]).
//! * [`set_volatility`](Pallet::set_volatility) ([`Config::GovernanceOrigin`]): seed or
//!   override a key's volatility per day (the variance becomes its square; the bucket in
//!   progress goes on, and later prices move the estimate from there).
//! * [`set_feed_rules`](Pallet::set_feed_rules) ([`Config::FeedRulesOrigin`]): how operators'
//!   values combine ([`GuardedMedian`], the oracle's `CombineData`).
//!
//! ## Storage versions
//!
//! 2: [`VolatilityState`] is per unit of time and has an `anchor`; [`migrations::v2`] seeds
//! each key's new state from its old volatility.
//!
//! ## Feeds first
//!
//! [`FeedsFirst`], a transaction extension, gives operators' feeds the highest priority, so a
//! new price is applied before any other transaction of its block.

#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(
	test,
	allow(
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing,
		clippy::arithmetic_side_effects,
		clippy::panic
	)
)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
#[cfg_attr(test, allow(clippy::float_arithmetic))]
mod benchmarking;
pub mod combine;
pub mod feeds_first;
mod impls;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use combine::GuardedMedian;
pub use feeds_first::FeedsFirst;
pub use types::{FeedRules, GuardError, GuardParams, VolatilityState, MAX_PRICE_AGE};

/// [`PriceProvider::volatility`]'s horizon: volatility is stated per day (ms).
///
/// [`PriceProvider::volatility`]: ballast_primitives::traits::PriceProvider::volatility
pub const VOLATILITY_HORIZON: ballast_primitives::Moment =
	ballast_primitives::math::volatility::DAY;
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::price-guard";

/// Lets the benchmarks make the price source return a given price.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// From now on, `Config::Source::price(key)` returns `price`.
	fn set_price(
		key: ballast_primitives::OracleKey,
		price: ballast_primitives::traits::TimestampedPrice,
	);
}

/// No-op: the observation is then benchmarked without prices (an under-estimate).
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper for () {
	fn set_price(
		_: ballast_primitives::OracleKey,
		_: ballast_primitives::traits::TimestampedPrice,
	) {
	}
}

// The code FRAME's macros generate in this module calls `expect`; the logic lives in
// `impls.rs`, where the lint applies in full.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use ballast_primitives::{
		traits::{PriceSource, TimestampedPrice},
		Moment, OracleKey, Price,
	};
	use polkadot_sdk::{
		frame_support::pallet_prelude::*, frame_system::pallet_prelude::*, sp_arithmetic::Permill,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>>
			+ IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// Who may change the guard of a guarded key, and volatility.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may guard a new key (a listing decision).
		type ListingOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may set the feed rules (how operators' values make a price).
		type FeedRulesOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The raw prices (the oracle).
		type Source: PriceSource;

		/// Most guarded keys. Bounds the work of the end-of-block observation.
		#[pallet::constant]
		type MaxKeys: Get<u32>;

		/// Shortest interval (ms of oracle time) a return is measured over: the volatility's
		/// sampling bucket (e.g. 10 minutes); positive.
		#[pallet::constant]
		type VolatilityBucket: Get<Moment>;

		/// Oracle time (ms) after which the volatility estimate's old variance keeps half its
		/// weight (e.g. one day); positive.
		#[pallet::constant]
		type VolatilityHalfLife: Get<Moment>;

		/// Weights of this pallet's calls and hook.
		type WeightInfo: WeightInfo;

		/// Sets prices for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// The guard of each guarded key.
	#[pallet::storage]
	pub type Guards<T: Config> = StorageMap<_, Twox64Concat, OracleKey, GuardParams, OptionQuery>;

	/// The guarded keys, in the order they were first guarded: exactly the keys of [`Guards`].
	#[pallet::storage]
	pub type GuardedKeys<T: Config> =
		StorageValue<_, BoundedVec<OracleKey, T::MaxKeys>, ValueQuery>;

	/// Per key, the last price that was fresh and inside its bounds at the end of a block, with
	/// its oracle timestamp: the reference of conservative (liquidation) pricing.
	#[pallet::storage]
	pub type LastValid<T: Config> =
		StorageMap<_, Twox64Concat, OracleKey, TimestampedPrice, OptionQuery>;

	/// How operators' values combine into one price (the oracle's `CombineData` reads them).
	#[pallet::storage]
	pub type FeedRulesOf<T: Config> = StorageValue<_, FeedRules, ValueQuery>;

	/// Per key, the oracle timestamp of the first print of a move beyond the circuit breaker
	/// that has persisted since (every print after it beyond the breaker too). Cleared when a
	/// print is usable again or the move is confirmed.
	#[pallet::storage]
	pub type PendingJump<T: Config> = StorageMap<_, Twox64Concat, OracleKey, Moment, OptionQuery>;

	/// Per key, how many blocks have ended without a price usable for liquidation (no usable
	/// print and no last valid price within the maximum age). Auctions of the key's collateral
	/// do not decay while it ticks.
	#[pallet::storage]
	pub type InvalidBlocks<T: Config> = StorageMap<_, Twox64Concat, OracleKey, u32, ValueQuery>;

	/// Tracked volatility per key (per day); absent until the first observation or
	/// `set_volatility` (absent means zero).
	#[pallet::storage]
	pub type Volatility<T: Config> =
		StorageMap<_, Twox64Concat, OracleKey, VolatilityState, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A key was guarded, or its guard replaced.
		GuardSet { key: OracleKey, params: GuardParams },
		/// Governance set a key's tracked volatility (per day).
		VolatilitySet { key: OracleKey, volatility: Permill },
		/// A print moved beyond the key's circuit breaker: it is not used until it persists
		/// for `jump_confirm`.
		JumpHeld { key: OracleKey, last_valid: Price, print: Price },
		/// A move beyond the circuit breaker persisted for `jump_confirm`: its latest print is
		/// the key's new last valid price.
		JumpConfirmed { key: OracleKey, from: Price, to: Price },
		/// Governance set the feed rules.
		FeedRulesSet { rules: FeedRules },
		/// An operator's value just fed was rejected: further than the feed rules'
		/// `max_deviation` from the median of the operators' fresh values.
		FeedValueRejected { key: OracleKey, value: Price, median: Price },
	}

	#[pallet::error]
	pub enum Error<T> {
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
		/// `MaxKeys` keys are guarded already.
		TooManyKeys,
		/// The key has no guard.
		UnguardedKey,
		/// A percentage exceeds 100% (only reachable from JSON).
		PermillOutOfRange,
		/// `max_age` is above one hour (`MAX_PRICE_AGE`).
		MaxAgeTooLong,
		/// `jump_confirm` is above one hour (`MAX_PRICE_AGE`).
		JumpConfirmTooLong,
	}

	impl<T> From<GuardError> for Error<T> {
		fn from(e: GuardError) -> Self {
			match e {
				GuardError::InvalidPriceBounds => Error::InvalidPriceBounds,
				GuardError::ZeroMaxAge => Error::ZeroMaxAge,
				GuardError::InvalidTradeAge => Error::InvalidTradeAge,
				GuardError::InvalidMaxJump => Error::InvalidMaxJump,
				GuardError::ZeroJumpConfirm => Error::ZeroJumpConfirm,
				GuardError::ZeroMinCount => Error::ZeroMinCount,
				GuardError::InvalidMaxDeviation => Error::InvalidMaxDeviation,
				GuardError::MaxAgeTooLong => Error::MaxAgeTooLong,
				GuardError::JumpConfirmTooLong => Error::JumpConfirmTooLong,
			}
		}
	}

	/// Genesis: the guarded keys, and optionally their initial volatility.
	///
	/// JSON, as a runtime genesis preset writes it under `"priceGuard"`:
	///
	/// ```json
	/// {
	///   "guards": [[1, {
	///     "minPrice": "1000000000000000000000",
	///     "maxPrice": "1000000000000000000000000",
	///     "maxAge": 60000
	///   }]],
	///   "volatility": [[1, 30000]]
	/// }
	/// ```
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Keys to guard, each with parameters that must validate.
		pub guards: Vec<(OracleKey, GuardParams)>,
		/// Initial volatility (per day) of some of those keys.
		pub volatility: Vec<(OracleKey, Permill)>,
		/// How operators' values combine (default: one value, no rejection).
		pub feed_rules: FeedRules,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		// Invalid guards at genesis are a configuration bug: refuse to build the chain.
		#[allow(clippy::panic)]
		fn build(&self) {
			for (key, params) in &self.guards {
				if let Err(e) = Pallet::<T>::do_set_guard(*key, *params) {
					panic!("PriceGuard genesis: cannot guard key {key}: {e:?}");
				}
			}
			if let Err(e) = Pallet::<T>::do_set_feed_rules(self.feed_rules) {
				panic!("PriceGuard genesis: feed rules: {e:?}");
			}
			for (key, volatility) in &self.volatility {
				if let Err(e) = Pallet::<T>::do_set_volatility(*key, *volatility) {
					panic!("PriceGuard genesis: volatility of key {key}: {e:?}");
				}
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			// What `on_finalize` will use, reserved now (FRAME's pattern for finalization work).
			let keys = GuardedKeys::<T>::decode_len().unwrap_or(0);
			T::WeightInfo::observe(u32::try_from(keys).unwrap_or(u32::MAX))
		}

		fn on_finalize(_n: BlockNumberFor<T>) {
			Self::observe_prices();
		}

		#[allow(clippy::panic)]
		fn integrity_test() {
			assert!(T::MaxKeys::get() > 0, "MaxKeys must be positive");
			assert!(T::VolatilityBucket::get() > 0, "VolatilityBucket must be positive");
			assert!(T::VolatilityHalfLife::get() > 0, "VolatilityHalfLife must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Guard `key` with `params`, or replace its guard. The last valid price and the
		/// volatility are kept.
		///
		/// Origin: `ListingOrigin` for a key not guarded yet, `GovernanceOrigin` for a guarded
		/// one. Emits `GuardSet`.
		///
		/// Errors: `BadOrigin`; `InvalidPriceBounds` (`min_price` zero or not below
		/// `max_price`); `ZeroMaxAge`; `InvalidTradeAge`; `InvalidMaxJump`; `ZeroJumpConfirm`; `MaxAgeTooLong`,
		/// `JumpConfirmTooLong` (above one hour); `TooManyKeys` (a new key when `MaxKeys` are guarded).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_guard())]
		pub fn set_guard(
			origin: OriginFor<T>,
			key: OracleKey,
			params: GuardParams,
		) -> DispatchResult {
			if Guards::<T>::contains_key(key) {
				T::GovernanceOrigin::ensure_origin(origin)?;
			} else {
				T::ListingOrigin::ensure_origin(origin)?;
			}
			Self::do_set_guard(key, params)
		}

		/// Set the tracked volatility of `key`, per day (its daily variance becomes
		/// `volatility²`, and it is reported at once). The bucket in progress goes on; later
		/// prices move the estimate from there.
		///
		/// Origin: `GovernanceOrigin`. Emits `VolatilitySet`.
		///
		/// Errors: `BadOrigin`; `UnguardedKey`; `PermillOutOfRange`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_volatility())]
		pub fn set_volatility(
			origin: OriginFor<T>,
			key: OracleKey,
			volatility: Permill,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_volatility(key, volatility)
		}

		/// Set how operators' values combine: the fewest fresh values that make a price, and the
		/// largest deviation of one value from the median of the others.
		///
		/// Origin: `FeedRulesOrigin`. Emits `FeedRulesSet`.
		///
		/// Errors: `BadOrigin`; `ZeroMinCount`; `InvalidMaxDeviation`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_feed_rules())]
		pub fn set_feed_rules(origin: OriginFor<T>, rules: FeedRules) -> DispatchResult {
			T::FeedRulesOrigin::ensure_origin(origin)?;
			Self::do_set_feed_rules(rules)
		}
	}
}
