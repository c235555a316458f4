//! # Global settlement
//!
//! Maker's emergency shutdown for Ballast: by referendum ([`Config::SettleOrigin`]; Root in the
//! runtime, so a `root`-track referendum or a whitelisted call), the chain stops trading and
//! settles every derivative position at **one fixed price per oracle key**, then lets every
//! account withdraw what it is owed.
//!
//! ## The state machine ([`Phase`], irreversible)
//!
//! * **`Live`**: nothing happens here; [`SettlementStatus::is_live`] is true.
//! * [`Pallet::trigger`] fixes, for every oracle key a perpetual market with open interest or a live, unexpired
//!   option series uses ([`GlobalSettle::price_keys`] of [`Config::Products`]), the key's
//!   current **valid** price: fresh and admitted by its price guard (bounds, maximum age, no
//!   unconfirmed jump: [`PriceProvider::checked`] in [`PriceMode::Fresh`], the accessor every
//!   trade is executed with). One key without one and nothing changes
//!   ([`Error::PriceUnavailable`]). → **`Settling`**.
//! * **`Settling`**: trading and new liquidity are refused by the products
//!   (`GlobalSettlementActive`) and the liquidation engine closes nothing at live prices.
//!   Each block's `on_initialize` asks the products to settle their next positions at the
//!   fixed prices, at most [`Config::MaxSettlePerBlock`] positions and within
//!   [`Config::SettleBudget`]; each product keeps its own cursor and resumes in the next block
//!   ([`Event::Progress`]). When every product is done ([`Event::Completed`]) → **`Settled`**.
//! * **`Settled`**: every account withdraws (deposits, withdrawals and LP exits were never
//!   closed). An account left in debt at the fixed prices is the liquidation engine's as
//!   always: its collateral seized and auctioned, what remains written off to the insurance
//!   funds and then the perpetuals vault (`BadDebt`, `LossBorne`).
//!
//! The formulas without storage are in [`fix`]; the logic in `impls.rs`.

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
// The generated benchmark test suite computes with floats.
#[cfg_attr(test, allow(clippy::float_arithmetic))]
mod benchmarking;
pub mod fix;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use ballast_primitives::traits::{GlobalSettle, PriceMode, PriceProvider, SettlementStatus};
pub use types::Phase;
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::global-settlement";

/// Sets up the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// The products need at least `keys` oracle keys (as many as the runtime can list), each
	/// with a fresh, valid price. Returns how many keys they need.
	fn prices(keys: u32) -> u32;
}

// The code FRAME's macros generate in this module calls `expect` (on facts the runtime's
// construction guarantees). The logic lives in `impls.rs`, where the lint applies in full.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use ballast_primitives::{OracleKey, Price};
	use polkadot_sdk::{frame_support::pallet_prelude::*, frame_system::pallet_prelude::*};

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

		/// Who may trigger the settlement (in the runtime: Root, a `root`-track referendum).
		type SettleOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Prices, checked by the price guard.
		type Prices: PriceProvider;

		/// The products whose positions are settled (in the runtime: perpetuals, then options).
		type Products: GlobalSettle;

		/// What `on_initialize` may spend settling per block.
		#[pallet::constant]
		type SettleBudget: Get<Weight>;

		/// Most positions settled per block, whatever the budget.
		#[pallet::constant]
		type MaxSettlePerBlock: Get<u32>;

		/// Most oracle keys the settlement fixes a price for.
		#[pallet::constant]
		type MaxKeys: Get<u32>;

		/// Weights of this pallet's call and of its own per-block work.
		type WeightInfo: WeightInfo;

		/// Sets up the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// Where the chain stands.
	#[pallet::storage]
	pub type Status<T: Config> = StorageValue<_, Phase<BlockNumberFor<T>>, ValueQuery>;

	/// The fixed prices, by oracle key (sorted; empty while live).
	#[pallet::storage]
	pub type SettlementPrices<T: Config> =
		StorageValue<_, BoundedVec<(OracleKey, Price), T::MaxKeys>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The settlement was triggered: trading stopped, every position is settled at
		/// `prices` (one per oracle key) from the next block on.
		Triggered { prices: Vec<(OracleKey, Price)> },
		/// A block settled `settled` positions (`total` so far).
		Progress { settled: u32, total: u32 },
		/// Every position is settled (`total`): accounts withdraw what they are owed.
		Completed { total: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The settlement was triggered already (it is irreversible and happens once).
		AlreadyTriggered,
		/// An oracle key the settlement needs has no valid price now (missing, stale, out of
		/// its guard's bounds or an unconfirmed jump): nothing was fixed.
		PriceUnavailable,
		/// More oracle keys than [`Config::MaxKeys`].
		TooManyKeys,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::step(now, T::SettleBudget::get())
		}

		fn integrity_test() {
			assert!(T::MaxSettlePerBlock::get() > 0, "MaxSettlePerBlock must be positive");
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
		/// Trigger the global settlement: fix one price per oracle key the products need (its
		/// current valid price), stop trading, and settle every position at those prices from
		/// the next block on. Irreversible.
		///
		/// Origin: [`Config::SettleOrigin`] (Root: a `root`-track referendum).
		/// Errors: [`Error::AlreadyTriggered`], [`Error::PriceUnavailable`] (nothing changes),
		/// [`Error::TooManyKeys`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::trigger(T::MaxKeys::get()))]
		pub fn trigger(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			T::SettleOrigin::ensure_origin(origin)?;
			let prices = Self::do_trigger()?;
			let keys = u32::try_from(prices.len()).unwrap_or(u32::MAX);
			Self::deposit_event(Event::Triggered { prices });
			Ok(Some(T::WeightInfo::trigger(keys)).into())
		}
	}
}

impl<T: Config> SettlementStatus for Pallet<T> {
	fn is_live() -> bool {
		Status::<T>::get().is_live()
	}

	fn is_settling() -> bool {
		Status::<T>::get().is_settling()
	}
}

/// The mode the settlement prices are read in: the one trades execute at.
pub const SETTLEMENT_PRICE_MODE: PriceMode = PriceMode::Fresh;
