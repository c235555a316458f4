//! The validator set's logic: the calls' `do_*`, the session pallet's manager and clock, and the
//! invariants.

use crate::*;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		ensure,
		pallet_prelude::*,
		traits::{EstimateNextSessionRotation, ValidatorRegistration, ValidatorSet},
		BoundedVec,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	pallet_session::{SessionManager, ShouldEndSession},
	sp_runtime::{
		traits::{Saturating, Zero},
		Permill,
	},
	sp_staking::SessionIndex,
};

impl<T: Config> Pallet<T> {
	/// Add `who` (with session keys) to the set, kept sorted.
	pub(crate) fn do_add_validator(who: &T::AccountId) -> DispatchResult {
		let mut set = Validators::<T>::get();
		let at = match set.binary_search(who) {
			Ok(_) => return Err(Error::<T>::AlreadyValidator.into()),
			Err(at) => at,
		};
		ensure!(T::Session::is_registered(who), Error::<T>::NoSessionKeys);
		set.try_insert(at, who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
		Validators::<T>::put(set);
		Ok(())
	}

	/// Remove `who` from the set, never below [`Config::MinValidators`].
	pub(crate) fn do_remove_validator(who: &T::AccountId) -> DispatchResult {
		let mut set = Validators::<T>::get();
		let at = set.binary_search(who).map_err(|_| Error::<T>::NotValidator)?;
		ensure!(set.len() > Self::min_validators(), Error::<T>::TooFewValidators);
		set.remove(at);
		Validators::<T>::put(set);
		Ok(())
	}

	/// Set the session length, within its bounds.
	pub(crate) fn do_set_session_length(length: BlockNumberFor<T>) -> DispatchResult {
		ensure!(Self::length_in_bounds(length), Error::<T>::SessionLengthOutOfBounds);
		SessionLength::<T>::put(length);
		Ok(())
	}

	/// Set up the set and the session length on a running chain that moves from validators
	/// fixed at genesis to this pallet (the runtime's migration). `validators` is sorted and
	/// deduplicated; empty leaves the set empty (it adopts the running validators at the next
	/// session start). A zero `length` reads as the shortest session.
	pub fn initialize(
		validators: Vec<T::AccountId>,
		length: BlockNumberFor<T>,
	) -> Result<(), Error<T>> {
		let mut validators = validators;
		validators.sort();
		validators.dedup();
		ensure!(
			validators.is_empty() || validators.len() >= Self::min_validators(),
			Error::<T>::TooFewValidators
		);
		let set = BoundedVec::<_, T::MaxValidators>::try_from(validators)
			.map_err(|_| Error::<T>::TooManyValidators)?;
		ensure!(
			length.is_zero() || Self::length_in_bounds(length),
			Error::<T>::SessionLengthOutOfBounds
		);
		Validators::<T>::put(set);
		SessionLength::<T>::put(length);
		SessionStart::<T>::put(frame_system::Pallet::<T>::block_number());
		Ok(())
	}

	/// How many blocks a session lasts: the stored length, kept within its bounds.
	pub fn session_length() -> BlockNumberFor<T> {
		SessionLength::<T>::get().clamp(T::MinSessionLength::get(), T::MaxSessionLength::get())
	}

	/// The block the running session ends at.
	pub fn session_end() -> BlockNumberFor<T> {
		SessionStart::<T>::get().saturating_add(Self::session_length())
	}

	pub(crate) fn length_in_bounds(length: BlockNumberFor<T>) -> bool {
		T::MinSessionLength::get() <= length && length <= T::MaxSessionLength::get()
	}

	fn min_validators() -> usize {
		usize::try_from(T::MinValidators::get()).unwrap_or(usize::MAX)
	}

	/// Check the pallet's invariants:
	/// * the set is sorted, without duplicates, and (unless empty) at least
	///   [`Config::MinValidators`] long;
	/// * a stored session length is within its bounds (or zero: never set);
	/// * the running session did not start in the future.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let set = Validators::<T>::get();
		ensure!(set.iter().zip(set.iter().skip(1)).all(|(a, b)| a < b), "validators not sorted");
		ensure!(set.is_empty() || set.len() >= Self::min_validators(), "too few validators");
		let length = SessionLength::<T>::get();
		ensure!(length.is_zero() || Self::length_in_bounds(length), "session length out of bounds");
		ensure!(
			SessionStart::<T>::get() <= frame_system::Pallet::<T>::block_number(),
			"session started in the future"
		);
		Ok(())
	}
}

/// The session pallet asks which accounts validate next.
impl<T: Config> SessionManager<T::AccountId> for Pallet<T> {
	/// The set's members that have session keys, planned at every boundary (as staking does:
	/// GRANDPA starts a new authority set each session). If none has keys, `None`: the session
	/// pallet keeps the running authorities rather than plan an empty set.
	fn new_session(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let next: Vec<_> =
			Validators::<T>::get().into_iter().filter(T::Session::is_registered).collect();
		if next.is_empty() {
			log::error!(target: LOG_TARGET, "no validator of the new set has session keys; the running set stays");
			return None;
		}
		log::debug!(target: LOG_TARGET, "next validator set: {} validators", next.len());
		Some(next)
	}

	/// At genesis the session pallet's own keys name the validators.
	fn new_session_genesis(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		None
	}

	fn end_session(_end_index: SessionIndex) {}

	/// A session starts now: the clock restarts. With no set of its own (genesis, or a chain
	/// whose validators were fixed before this pallet), the pallet adopts the validators of
	/// the session that starts.
	fn start_session(_start_index: SessionIndex) {
		SessionStart::<T>::put(frame_system::Pallet::<T>::block_number());
		if Validators::<T>::get().is_empty() {
			let mut running = T::Session::validators();
			running.sort();
			running.dedup();
			let set = BoundedVec::<_, T::MaxValidators>::truncate_from(running);
			log::info!(target: LOG_TARGET, "adopted the running validators ({})", set.len());
			Validators::<T>::put(set);
		}
	}
}

/// The session pallet asks whether the running session is over.
impl<T: Config> ShouldEndSession<BlockNumberFor<T>> for Pallet<T> {
	fn should_end_session(now: BlockNumberFor<T>) -> bool {
		now >= Self::session_end()
	}
}

/// For whoever estimates when the next session comes (RPC, other pallets).
impl<T: Config> EstimateNextSessionRotation<BlockNumberFor<T>> for Pallet<T> {
	fn average_session_length() -> BlockNumberFor<T> {
		Self::session_length()
	}

	fn estimate_current_session_progress(now: BlockNumberFor<T>) -> (Option<Permill>, Weight) {
		let done = now.saturating_sub(SessionStart::<T>::get());
		let progress = Permill::from_rational(done, Self::session_length());
		(Some(progress), T::DbWeight::get().reads(2))
	}

	fn estimate_next_session_rotation(
		now: BlockNumberFor<T>,
	) -> (Option<BlockNumberFor<T>>, Weight) {
		(Some(Self::session_end().max(now)), T::DbWeight::get().reads(2))
	}
}
