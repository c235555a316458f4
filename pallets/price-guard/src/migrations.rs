//! Storage migrations of the price guard. The runtime lists them (`runtime/src/migrations.rs`).

/// Version 1 → 2: the volatility is measured per unit of time ([`VolatilityState`] gains an
/// `anchor`, and its numbers are per day), not per oracle update.
///
/// Each stored state is seeded from its old `volatility`, read as a volatility per day: the
/// variance becomes its square, and the last observation is also the anchor of the first bucket.
/// An old per-update volatility is no larger than the same market's daily volatility unless
/// prints are more than a day apart, so the seed errs low for at most a few half-lives: the
/// estimator then converges from the prices (and reads a crash at once either way). Governance
/// may override a seed with `set_volatility` in the upgrade's referendum.
///
/// [`VolatilityState`]: crate::VolatilityState
pub mod v2 {
	use crate::{
		pallet::{Config, Pallet, Volatility},
		VolatilityState,
	};
	use ballast_primitives::traits::TimestampedPrice;
	use codec::{Decode, Encode, MaxEncodedLen};
	use core::marker::PhantomData;
	use polkadot_sdk::{
		frame_support::{
			migrations::VersionedMigration, pallet_prelude::Get, traits::UncheckedOnRuntimeUpgrade,
			weights::Weight,
		},
		frame_system,
		sp_arithmetic::{FixedU128, Permill},
	};
	use scale_info::TypeInfo;

	/// Version 1's volatility state: an EWMA of squared relative changes per oracle update.
	#[derive(
		Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo,
	)]
	pub struct OldVolatilityState {
		/// EWMA of the squared relative change between consecutive observations.
		pub variance: FixedU128,
		/// `sqrt(variance)`, saturating at 100%.
		pub volatility: Permill,
		/// The last price folded into `variance`.
		pub last_observation: Option<TimestampedPrice>,
	}

	impl OldVolatilityState {
		/// The version 2 state seeded from this one (see the module docs).
		pub fn migrate(self) -> VolatilityState {
			let mut new = VolatilityState {
				anchor: self.last_observation,
				last_observation: self.last_observation,
				..Default::default()
			};
			new.set(self.volatility);
			new
		}
	}

	/// Rewrites every [`Volatility`] entry; use it through [`MigrateV1ToV2`].
	pub struct Inner<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut entries: u64 = 0;
			Volatility::<T>::translate::<OldVolatilityState, _>(|_key, old| {
				entries = entries.saturating_add(1);
				Some(old.migrate())
			});
			<T as frame_system::Config>::DbWeight::get().reads_writes(entries, entries)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, polkadot_sdk::sp_runtime::TryRuntimeError> {
			let entries = u64::try_from(Volatility::<T>::iter_keys().count()).unwrap_or(u64::MAX);
			Ok(entries.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(
			state: alloc::vec::Vec<u8>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			let before = u64::decode(&mut &state[..])
				.map_err(|_| "price guard v2: cannot decode the pre-upgrade count")?;
			let after = u64::try_from(Volatility::<T>::iter().count()).unwrap_or(u64::MAX);
			polkadot_sdk::frame_support::ensure!(
				before == after,
				"price guard v2: a volatility entry was lost"
			);
			Ok(())
		}
	}

	/// The price guard's storage from version 1 to 2 (runs only at version 1).
	pub type MigrateV1ToV2<T> =
		VersionedMigration<1, 2, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
