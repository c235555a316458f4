//! The guard's logic, outside the `#[pallet]` module so that the workspace's panic lints apply
//! in full.

use crate::{pallet::*, weights::WeightInfo, FeedRules, GuardParams, LOG_TARGET};
use ballast_primitives::{
	math::volatility::{volatility_from_variance, Params},
	traits::{PriceBounds, PriceError, PriceMode, PriceProvider, PriceSource, TimestampedPrice},
	Moment, OracleKey,
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
			state.get_or_insert_with(Default::default).set(volatility);
		});
		Self::deposit_event(Event::VolatilitySet { key, volatility });
		Ok(())
	}

	/// Validate and store the feed rules. Used by `set_feed_rules` and genesis.
	pub(crate) fn do_set_feed_rules(rules: FeedRules) -> DispatchResult {
		rules.validate().map_err(Error::<T>::from)?;
		FeedRulesOf::<T>::put(rules);
		Self::deposit_event(Event::FeedRulesSet { rules });
		Ok(())
	}

	/// The volatility estimator's parameters: the runtime's bucket and half-life, per day.
	pub fn volatility_params() -> Params {
		Params {
			bucket: T::VolatilityBucket::get(),
			half_life: T::VolatilityHalfLife::get(),
			horizon: crate::VOLATILITY_HORIZON,
		}
	}

	/// Observe every guarded key's latest price (see [`Self::observe`]). Returns the weight
	/// used.
	pub(crate) fn observe_prices() -> Weight {
		let keys = GuardedKeys::<T>::get();
		let params = Self::volatility_params();
		let now = T::Source::now();
		for key in keys.iter().copied() {
			let Some(guard) = Guards::<T>::get(key) else {
				log::error!(target: LOG_TARGET, "guarded key {key} has no guard");
				continue;
			};
			if let Some(observed) = T::Source::price(key) {
				Self::observe(key, &guard, observed, now, &params);
			}
			if Self::checked(key, PriceMode::Conservative).is_err() {
				InvalidBlocks::<T>::mutate(key, |n| *n = n.saturating_add(1));
			}
		}
		T::WeightInfo::observe(u32::try_from(keys.len()).unwrap_or(u32::MAX))
	}

	/// Observe `key`'s latest print: a usable one becomes the last valid price and moves the
	/// volatility; a move beyond the circuit breaker is held until it has persisted for
	/// `jump_confirm`, then accepted; a stale or out-of-bounds print is ignored.
	fn observe(
		key: OracleKey,
		guard: &GuardParams,
		observed: TimestampedPrice,
		now: Moment,
		params: &Params,
	) {
		let bounds = guard.bounds();
		let last = LastValid::<T>::get(key);
		match bounds.admit(observed, now, last.map(|l| l.price), bounds.max_age) {
			Ok(_) => {
				PendingJump::<T>::remove(key);
				Self::accept(key, &bounds, observed, last, params);
			},
			Err(PriceError::Jump) => match PendingJump::<T>::get(key) {
				None => {
					PendingJump::<T>::insert(key, observed.timestamp);
					let last_valid = last.map(|l| l.price).unwrap_or_default();
					Self::deposit_event(Event::JumpHeld { key, last_valid, print: observed.price });
				},
				Some(since) if observed.timestamp.saturating_sub(since) >= guard.jump_confirm => {
					PendingJump::<T>::remove(key);
					Self::accept(key, &bounds, observed, last, params);
					let from = last.map(|l| l.price).unwrap_or_default();
					Self::deposit_event(Event::JumpConfirmed { key, from, to: observed.price });
				},
				Some(_) => {},
			},
			Err(_) => {},
		}
	}

	/// Record `observed` as `key`'s last valid price and fold it into the volatility.
	fn accept(
		key: OracleKey,
		bounds: &PriceBounds,
		observed: TimestampedPrice,
		last: Option<TimestampedPrice>,
		params: &Params,
	) {
		if last == Some(observed) {
			return;
		}
		LastValid::<T>::insert(key, observed);
		let mut state = Volatility::<T>::get(key).unwrap_or_default();
		if state.observe(observed, bounds, params) {
			Volatility::<T>::insert(key, state);
		}
	}

	/// The last valid price of `key` with its oracle timestamp.
	pub fn last_valid_price(key: OracleKey) -> Option<TimestampedPrice> {
		LastValid::<T>::get(key)
	}

	/// Checks the pallet's invariants:
	///
	/// * every stored guard validates;
	/// * [`GuardedKeys`] holds no duplicates and exactly the keys of [`Guards`];
	/// * [`LastValid`], [`PendingJump`], [`InvalidBlocks`] and [`Volatility`] have entries only
	///   for guarded keys, and volatilities decode
	///   (a volatility above 100% does not);
	/// * a volatility state reports at least `√variance`, and has an anchor exactly when it has
	///   a last observation, no later than it.
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
		ensure!(FeedRulesOf::<T>::get().validate().is_ok(), "stored feed rules do not validate");

		for key in LastValid::<T>::iter_keys() {
			ensure!(key_set.contains(&key), "last valid price of an unguarded key");
		}
		for key in PendingJump::<T>::iter_keys().chain(InvalidBlocks::<T>::iter_keys()) {
			ensure!(key_set.contains(&key), "breaker state of an unguarded key");
		}
		for key in Volatility::<T>::iter_keys() {
			ensure!(key_set.contains(&key), "volatility of an unguarded key");
			// A volatility above 100% cannot be decoded (SCALE refuses such a `Permill`).
			let state = Volatility::<T>::try_get(key).map_err(|_| "volatility does not decode")?;
			ensure!(
				state.volatility >= volatility_from_variance(state.variance),
				"volatility below the square root of its variance"
			);
			let ordered = match (state.anchor, state.last_observation) {
				(None, None) => true,
				(Some(anchor), Some(last)) => anchor.timestamp <= last.timestamp,
				_ => false,
			};
			ensure!(ordered, "volatility anchor without a last observation, or after it");
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

	fn last_valid(key: OracleKey) -> Option<TimestampedPrice> {
		LastValid::<T>::get(key)
	}

	fn invalid_blocks(key: OracleKey) -> u32 {
		InvalidBlocks::<T>::get(key)
	}

	fn volatility(key: OracleKey) -> Permill {
		Volatility::<T>::get(key).map(|s| s.volatility).unwrap_or_default()
	}
}
