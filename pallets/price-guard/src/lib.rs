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
//! * **Guard** ([`Guards`]): `min_price ≤ price ≤ max_price` and `age ≤ max_age`. A key without a
//!   guard has no usable price (`PriceError::Missing`), so an asset or a market can only be
//!   listed on a guarded key (their pallets check). A guard is replaced, never removed: assets
//!   and markets keep referring to their key.
//! * **Last valid price** ([`LastValid`]): the last price of the key that was fresh and inside its
//!   bounds when a block ended. Conservative (liquidation) pricing falls back to it when the
//!   latest print is stale or out of bounds. It stays as recorded when governance later
//!   narrows the bounds.
//! * **Volatility** ([`Volatility`]): an exponentially weighted moving average of the squared
//!   relative change between consecutive prices inside the bounds (decay
//!   [`Config::VolatilityDecay`]); the volatility is its square root, saturating at 100%.
//!   Collateral haircut bands and the liquidation auction curve read it.
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
//! All need [`Config::GovernanceOrigin`]:
//!
//! * [`set_guard`](Pallet::set_guard): guard a key, or replace its guard.
//! * [`set_volatility`](Pallet::set_volatility): seed or override a key's volatility.

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
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::{GuardError, GuardParams, VolatilityState};
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
		OracleKey,
	};
	use polkadot_sdk::{
		frame_support::pallet_prelude::*,
		frame_system::pallet_prelude::*,
		sp_arithmetic::{PerThing, Permill},
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>>
			+ IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// Who may set guards and volatility (Root, later a governance track).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The raw prices (the oracle).
		type Source: PriceSource;

		/// Most guarded keys. Bounds the work of the end-of-block observation.
		#[pallet::constant]
		type MaxKeys: Get<u32>;

		/// EWMA decay `λ` of the volatility estimate, per observation: the weight of the old
		/// variance (e.g. 94%). The newest squared change gets `1 − λ`.
		#[pallet::constant]
		type VolatilityDecay: Get<Permill>;

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

	/// Tracked volatility per key; absent until the first observation or `set_volatility`
	/// (absent means zero).
	#[pallet::storage]
	pub type Volatility<T: Config> =
		StorageMap<_, Twox64Concat, OracleKey, VolatilityState, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A key was guarded, or its guard replaced.
		GuardSet { key: OracleKey, params: GuardParams },
		/// Governance set a key's tracked volatility.
		VolatilitySet { key: OracleKey, volatility: Permill },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `min_price` is zero or not below `max_price`.
		InvalidPriceBounds,
		/// `max_age` is zero.
		ZeroMaxAge,
		/// `MaxKeys` keys are guarded already.
		TooManyKeys,
		/// The key has no guard.
		UnguardedKey,
		/// A percentage exceeds 100% (only reachable from JSON).
		PermillOutOfRange,
	}

	impl<T> From<GuardError> for Error<T> {
		fn from(e: GuardError) -> Self {
			match e {
				GuardError::InvalidPriceBounds => Error::InvalidPriceBounds,
				GuardError::ZeroMaxAge => Error::ZeroMaxAge,
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
		/// Initial volatility of some of those keys.
		pub volatility: Vec<(OracleKey, Permill)>,
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
			assert!(
				T::VolatilityDecay::get().deconstruct() <= Permill::ACCURACY,
				"VolatilityDecay must be at most 100%"
			);
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
		/// Origin: `GovernanceOrigin`. Emits `GuardSet`.
		///
		/// Errors: `BadOrigin`; `InvalidPriceBounds` (`min_price` zero or not below
		/// `max_price`); `ZeroMaxAge`; `TooManyKeys` (a new key when `MaxKeys` are guarded).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_guard())]
		pub fn set_guard(
			origin: OriginFor<T>,
			key: OracleKey,
			params: GuardParams,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_guard(key, params)
		}

		/// Set the tracked volatility of `key` (its variance becomes `volatility²`). Later
		/// observations move it from there.
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
	}
}
