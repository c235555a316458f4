//! The guard's logic, outside the `#[pallet]` module so that the workspace's panic lints apply
//! in full.

use crate::{pallet::*, weights::WeightInfo, GuardParams, LOG_TARGET};
use ballast_primitives::{
	math::haircut::variance_from_volatility,
	traits::{PriceBounds, PriceProvider, PriceSource, TimestampedPrice},
	Moment, OracleKey, Price,
};
use polkadot_sdk::{
	frame_support::{dispatch::DispatchResult, ensure, pallet_prelude::Get, weights::Weight},
	sp_arithmetic::{PerThing, Permill},
};

impl<T: Config> Pallet<T> {
	/// Validate and store the guard of `key`. Used by `set_guard` and genesis.
	pub(crate) fn do_set_guard(key: OracleKey, params: GuardParams) -> DispatchResult {
		params.validate().map_err(Error::<T>::from)?;
		if !Guards::<T>::contains_key(key) {
			GuardedKeys::<T>::try_mutate(|keys| keys.try_push(key))
				.map_err(|_| Error::<T>::TooManyKeys)?;
		}
		Guards::<T>::insert(key, params);
		Self::deposit_event(Event::GuardSet { key, params });
		Ok(())
	}

	/// Set the tracked volatility of a guarded `key`. Used by `set_volatility` and genesis.
	pub(crate) fn do_set_volatility(key: OracleKey, volatility: Permill) -> DispatchResult {
		ensure!(Guards::<T>::contains_key(key), Error::<T>::UnguardedKey);
		ensure!(volatility.deconstruct() <= Permill::ACCURACY, Error::<T>::PermillOutOfRange);
		Volatility::<T>::mutate(key, |state| {
			let state = state.get_or_insert_with(Default::default);
			state.variance = variance_from_volatility(volatility);
			state.volatility = volatility;
		});
		Self::deposit_event(Event::VolatilitySet { key, volatility });
		Ok(())
	}

	/// Observe every guarded key's latest price: record it as the last valid price if it is
	/// fresh and inside its bounds, and fold it into the volatility. Returns the weight used.
	pub(crate) fn observe_prices() -> Weight {
		let keys = GuardedKeys::<T>::get();
		let decay = T::VolatilityDecay::get();
		let now = T::Source::now();
		for key in keys.iter().copied() {
			let Some(guard) = Guards::<T>::get(key) else {
				log::error!(target: LOG_TARGET, "guarded key {key} has no guard");
				continue;
			};
			let Some(observed) = T::Source::price(key) else { continue };
			let bounds = guard.bounds();
			if bounds.admit(observed, now).is_ok() && LastValid::<T>::get(key) != Some(observed) {
				LastValid::<T>::insert(key, observed);
			}
			let mut state = Volatility::<T>::get(key).unwrap_or_default();
			if state.observe(observed, &bounds, decay) {
				Volatility::<T>::insert(key, state);
			}
		}
		T::WeightInfo::observe(u32::try_from(keys.len()).unwrap_or(u32::MAX))
	}

	/// The last valid price of `key` with its oracle timestamp.
	pub fn last_valid_price(key: OracleKey) -> Option<TimestampedPrice> {
		LastValid::<T>::get(key)
	}

	/// Checks the pallet's invariants:
	///
	/// * every stored guard validates;
	/// * [`GuardedKeys`] holds no duplicates and exactly the keys of [`Guards`];
	/// * [`LastValid`] and [`Volatility`] have entries only for guarded keys, and they decode
	///   (a volatility above 100% does not).
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeSet;

		let keys = GuardedKeys::<T>::get();
		let key_set: BTreeSet<OracleKey> = keys.iter().copied().collect();
		ensure!(key_set.len() == keys.len(), "GuardedKeys holds a duplicate");

		let mut guarded = BTreeSet::new();
		for (key, params) in Guards::<T>::iter() {
			ensure!(params.validate().is_ok(), "stored guard does not validate");
			guarded.insert(key);
		}
		ensure!(guarded == key_set, "GuardedKeys differs from the keys of Guards");

		for key in LastValid::<T>::iter_keys() {
			ensure!(key_set.contains(&key), "last valid price of an unguarded key");
		}
		for key in Volatility::<T>::iter_keys() {
			ensure!(key_set.contains(&key), "volatility of an unguarded key");
			// A volatility above 100% cannot be decoded (SCALE refuses such a `Permill`).
			ensure!(Volatility::<T>::try_get(key).is_ok(), "volatility does not decode");
		}
		Ok(())
	}
}

/// The guarded prices every Ballast pallet reads.
impl<T: Config> PriceProvider for Pallet<T> {
	fn price(key: OracleKey) -> Option<TimestampedPrice> {
		T::Source::price(key)
	}

	fn now() -> Moment {
		T::Source::now()
	}

	fn bounds(key: OracleKey) -> Option<PriceBounds> {
		Guards::<T>::get(key).map(|g| g.bounds())
	}

	fn last_valid(key: OracleKey) -> Option<Price> {
		LastValid::<T>::get(key).map(|p| p.price)
	}

	fn volatility(key: OracleKey) -> Permill {
		Volatility::<T>::get(key).map(|s| s.volatility).unwrap_or_default()
	}
}
