//! # Validator set
//!
//! Who authors (Aura) and finalizes (GRANDPA) Ballast's blocks, chosen by governance, and how
//! long a session is. `pallet-session` does the rest: it holds each validator's session keys
//! (set by the operator with `author_rotateKeys` and `session.setKeys`) and hands the keys of
//! the next set to Aura and GRANDPA at each session boundary. This pallet is the session's
//! `SessionManager` (which accounts validate) and its `ShouldEndSession` (when a session
//! ends). The genesis validators are the session pallet's genesis keys (`session.keys` in a
//! chain spec, which is also what zombienet writes): this pallet adopts them when session 0
//! starts.
//!
//! ## Changing the set ([`Config::ManagerOrigin`]: Root, a `root`-track referendum or a call
//! the risk council whitelisted)
//!
//! * [`Pallet::add_validator`]: the account must have registered session keys already
//!   ([`Error::NoSessionKeys`]: a validator without keys would be skipped by the session, and
//!   the set would not be what governance voted for).
//! * [`Pallet::remove_validator`]: the set never drops below [`Config::MinValidators`].
//! * [`Pallet::set_session_length`]: within [`Config::MinSessionLength`] ..=
//!   [`Config::MaxSessionLength`] blocks; the running session ends at its start plus the new
//!   length (at once, if that is already past).
//!
//! At every session boundary the session pallet plans the session after next with this set
//! (its members that have session keys), so a change made during session `n` takes effect at
//! the start of session `n + 2`: every node learns the new authorities a session before they
//! author. Keys rotated with `setKeys` take effect the same way. A validator that purges its
//! keys stops validating at the second boundary but stays in the set until governance removes
//! it; if no member had keys, the running authorities would stay (the chain never plans an
//! empty set).
//!
//! The logic is in `impls.rs`.

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
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::validator-set";

/// Sets up the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Register session keys for `who` (unique to `who`), as `session.setKeys` would.
	fn register_keys(who: &AccountId);
}

// The code FRAME's macros generate in this module calls `expect` (on facts the runtime's
// construction guarantees), and the genesis build refuses an invalid preset by panicking. The
// logic lives in `impls.rs`, where the lints apply in full.
#[allow(clippy::expect_used, clippy::panic)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use polkadot_sdk::{
		frame_support::{
			pallet_prelude::*,
			traits::{ValidatorRegistration, ValidatorSet},
			DefaultNoBound,
		},
		frame_system::pallet_prelude::*,
		sp_runtime::traits::Zero,
	};

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

		/// Who may change the set and the session length (in the runtime: Root, a `root`-track
		/// referendum or a whitelisted call).
		type ManagerOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The session pallet: whether an account has registered session keys, and who
		/// validates now (read once, at genesis, to adopt the genesis validators).
		type Session: ValidatorRegistration<Self::AccountId>
			+ ValidatorSet<Self::AccountId, ValidatorId = Self::AccountId>;

		/// Most validators (in the runtime: Aura's and GRANDPA's `MaxAuthorities`).
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// Fewest validators: removals stop here.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// Shortest session, in blocks.
		#[pallet::constant]
		type MinSessionLength: Get<BlockNumberFor<Self>>;

		/// Longest session, in blocks.
		#[pallet::constant]
		type MaxSessionLength: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Sets up the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The validators governance chose, sorted. The session pallet's `Validators` is the set
	/// that validates now; this one becomes it two sessions after a change.
	#[pallet::storage]
	pub type Validators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// How many blocks a session lasts (read through [`Pallet::session_length`], which keeps it
	/// within the bounds whatever is stored).
	#[pallet::storage]
	pub type SessionLength<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The block the running session started at.
	#[pallet::storage]
	pub type SessionStart<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The genesis validators are the session pallet's (`session.keys` in the chain spec, each
	/// with its keys): this pallet adopts them when the first session starts. Only the session
	/// length is its own.
	#[pallet::genesis_config]
	#[derive(DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The session length in blocks (zero: the shortest).
		pub session_length: BlockNumberFor<T>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		// The set itself is not touched: the session pallet's genesis hands it over, whichever
		// of the two pallets' genesis is built first.
		fn build(&self) {
			let length = self.session_length;
			if !(length.is_zero() || Pallet::<T>::length_in_bounds(length)) {
				panic!("invalid validator-set genesis: session length out of bounds");
			}
			SessionLength::<T>::put(length);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` joins the set; it validates from the second session boundary on.
		ValidatorAdded { who: T::AccountId },
		/// `who` leaves the set; it stops validating at the second session boundary.
		ValidatorRemoved { who: T::AccountId },
		/// Sessions now last `length` blocks (the running one included).
		SessionLengthSet { length: BlockNumberFor<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is a validator already.
		AlreadyValidator,
		/// The account is not a validator.
		NotValidator,
		/// The account has no session keys: its operator must run `author_rotateKeys` on the
		/// node and submit `session.setKeys` first.
		NoSessionKeys,
		/// The set is full ([`Config::MaxValidators`]).
		TooManyValidators,
		/// The set would drop below [`Config::MinValidators`].
		TooFewValidators,
		/// The session length is outside [`Config::MinSessionLength`] ..=
		/// [`Config::MaxSessionLength`].
		SessionLengthOutOfBounds,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MinValidators::get() > 0, "MinValidators must be positive");
			assert!(
				T::MinValidators::get() <= T::MaxValidators::get(),
				"MinValidators above MaxValidators"
			);
			assert!(!T::MinSessionLength::get().is_zero(), "MinSessionLength must be positive");
			assert!(
				T::MinSessionLength::get() <= T::MaxSessionLength::get(),
				"MinSessionLength above MaxSessionLength"
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
		/// Add `who` to the validator set. It validates from the second session boundary on.
		///
		/// Origin: [`Config::ManagerOrigin`].
		/// Errors: [`Error::AlreadyValidator`], [`Error::NoSessionKeys`],
		/// [`Error::TooManyValidators`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_validator())]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Self::do_add_validator(&who)?;
			Self::deposit_event(Event::ValidatorAdded { who });
			Ok(())
		}

		/// Remove `who` from the validator set. It stops validating at the second session
		/// boundary.
		///
		/// Origin: [`Config::ManagerOrigin`].
		/// Errors: [`Error::NotValidator`], [`Error::TooFewValidators`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_validator())]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Self::do_remove_validator(&who)?;
			Self::deposit_event(Event::ValidatorRemoved { who });
			Ok(())
		}

		/// Set how many blocks a session lasts, the running one included (it ends at its start
		/// plus `length`, at once if that is past).
		///
		/// Origin: [`Config::ManagerOrigin`].
		/// Errors: [`Error::SessionLengthOutOfBounds`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_session_length())]
		pub fn set_session_length(
			origin: OriginFor<T>,
			length: BlockNumberFor<T>,
		) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Self::do_set_session_length(length)?;
			Self::deposit_event(Event::SessionLengthSet { length });
			Ok(())
		}
	}
}
