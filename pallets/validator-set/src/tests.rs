use crate::{mock::*, Error, Event, SessionLength, SessionStart, Validators};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::EstimateNextSessionRotation},
	pallet_session::{self, ShouldEndSession},
	sp_runtime::{testing::UintAuthorityId, DispatchError, Permill},
};

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

fn queued() -> Vec<AccountId> {
	Session::queued_keys().into_iter().map(|(who, _)| who).collect()
}

#[test]
fn genesis_adopts_the_session_validators_and_sets_the_session_length() {
	new_test_ext().execute_with(|| {
		assert_eq!(Validators::<Test>::get().into_inner(), GENESIS.to_vec());
		assert_eq!(active(), GENESIS.to_vec());
		assert_eq!(SessionLength::<Test>::get(), GENESIS_LENGTH);
		assert_eq!(SessionStart::<Test>::get(), 0);
		assert_ok!(ValidatorSet::do_try_state());
	});
}

#[test]
fn sessions_end_every_session_length_blocks() {
	new_test_ext().execute_with(|| {
		assert!(!ValidatorSet::should_end_session(GENESIS_LENGTH - 1));
		assert!(ValidatorSet::should_end_session(GENESIS_LENGTH));
		run_to_block(GENESIS_LENGTH);
		assert_eq!(Session::current_index(), 1);
		assert_eq!(SessionStart::<Test>::get(), GENESIS_LENGTH);
		run_to_block(2 * GENESIS_LENGTH - 1);
		assert_eq!(Session::current_index(), 1);
		run_to_block(2 * GENESIS_LENGTH);
		assert_eq!(Session::current_index(), 2);
	});
}

#[test]
fn an_added_validator_validates_from_the_second_boundary() {
	new_test_ext().execute_with(|| {
		set_keys(3);
		assert_ok!(ValidatorSet::add_validator(root(), 3));
		assert_eq!(last_event(), Some(Event::ValidatorAdded { who: 3 }));
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 2, 3]);
		assert_eq!(active(), vec![1, 2]);

		next_session();
		assert_eq!(active(), vec![1, 2], "planned one session ahead");
		assert_eq!(queued(), vec![1, 2, 3]);

		next_session();
		assert_eq!(active(), vec![1, 2, 3]);
	});
}

#[test]
fn a_removed_validator_stops_at_the_second_boundary() {
	new_test_ext().execute_with(|| {
		assert_ok!(ValidatorSet::remove_validator(root(), 1));
		assert_eq!(last_event(), Some(Event::ValidatorRemoved { who: 1 }));
		assert_eq!(Validators::<Test>::get().into_inner(), vec![2]);
		next_session();
		assert_eq!(active(), vec![1, 2]);
		next_session();
		assert_eq!(active(), vec![2]);
	});
}

#[test]
fn add_validator_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		set_keys(3);
		assert_noop!(
			ValidatorSet::add_validator(RuntimeOrigin::signed(3), 3),
			DispatchError::BadOrigin
		);
		assert_noop!(ValidatorSet::add_validator(root(), 1), Error::<Test>::AlreadyValidator);
		assert_noop!(
			ValidatorSet::add_validator(root(), WITHOUT_KEYS[1]),
			Error::<Test>::NoSessionKeys
		);
		for who in 3..=4 {
			set_keys(who);
			assert_ok!(ValidatorSet::add_validator(root(), who));
		}
		assert_eq!(Validators::<Test>::get().len(), MAX_VALIDATORS as usize);
		set_keys(5);
		assert_noop!(ValidatorSet::add_validator(root(), 5), Error::<Test>::TooManyValidators);
	});
}

#[test]
fn remove_validator_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ValidatorSet::remove_validator(RuntimeOrigin::signed(1), 1),
			DispatchError::BadOrigin
		);
		assert_noop!(ValidatorSet::remove_validator(root(), 3), Error::<Test>::NotValidator);
		assert_ok!(ValidatorSet::remove_validator(root(), 1));
		assert_noop!(ValidatorSet::remove_validator(root(), 2), Error::<Test>::TooFewValidators);
	});
}

#[test]
fn set_session_length_within_bounds_shortens_the_running_session() {
	new_test_ext().execute_with(|| {
		run_to_block(7);
		assert_noop!(
			ValidatorSet::set_session_length(RuntimeOrigin::signed(1), MIN_LENGTH),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ValidatorSet::set_session_length(root(), MIN_LENGTH - 1),
			Error::<Test>::SessionLengthOutOfBounds
		);
		assert_noop!(
			ValidatorSet::set_session_length(root(), MAX_LENGTH + 1),
			Error::<Test>::SessionLengthOutOfBounds
		);
		assert_noop!(
			ValidatorSet::set_session_length(root(), 0),
			Error::<Test>::SessionLengthOutOfBounds
		);

		// Seven blocks into the session, five is already past: the session ends next block.
		assert_ok!(ValidatorSet::set_session_length(root(), MIN_LENGTH));
		assert_eq!(last_event(), Some(Event::SessionLengthSet { length: MIN_LENGTH }));
		run_to_block(8);
		assert_eq!(Session::current_index(), 1);
		run_to_block(8 + MIN_LENGTH);
		assert_eq!(Session::current_index(), 2);

		assert_ok!(ValidatorSet::set_session_length(root(), MAX_LENGTH));
		run_to_block(8 + MIN_LENGTH + MAX_LENGTH - 1);
		assert_eq!(Session::current_index(), 2);
		run_to_block(8 + MIN_LENGTH + MAX_LENGTH);
		assert_eq!(Session::current_index(), 3);
	});
}

#[test]
fn rotated_keys_take_effect_at_the_second_boundary() {
	new_test_ext().execute_with(|| {
		assert_ok!(Session::set_keys(RuntimeOrigin::signed(1), UintAuthorityId(11), vec![]));
		next_session();
		assert!(Session::queued_keys().contains(&(1, UintAuthorityId(11))));
		next_session();
		assert_eq!(pallet_session::Pallet::<Test>::load_keys(&1), Some(UintAuthorityId(11)));
		assert_eq!(active(), vec![1, 2]);
	});
}

#[test]
fn a_validator_that_purges_its_keys_stops_validating_but_stays_in_the_set() {
	new_test_ext().execute_with(|| {
		assert_ok!(Session::purge_keys(RuntimeOrigin::signed(2)));
		next_session();
		next_session();
		assert_eq!(active(), vec![1]);
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 2]);
		// Keys set again: it is back two boundaries later, with no vote needed.
		set_keys(2);
		next_session();
		next_session();
		assert_eq!(active(), vec![1, 2]);
	});
}

#[test]
fn every_validator_purging_its_keys_never_plans_an_empty_set() {
	new_test_ext().execute_with(|| {
		for who in GENESIS {
			assert_ok!(Session::purge_keys(RuntimeOrigin::signed(who)));
		}
		next_session();
		// Nothing to plan: the session pallet was told "no change", and it never told the
		// consensus pallets of an empty set as a change.
		next_session();
		next_session();
		assert!(!pallet_session::QueuedChanged::<Test>::get());
		// One validator comes back: the set is planned again.
		set_keys(1);
		next_session();
		assert_eq!(queued(), vec![1]);
		next_session();
		assert_eq!(active(), vec![1]);
	});
}

#[test]
fn a_validator_without_keys_cannot_be_voted_in_to_stall_finality() {
	// A referendum adding an account whose operator never set keys would plan a validator that
	// cannot author or vote: with a small set, that is lost GRANDPA quorum. It is refused.
	new_test_ext().execute_with(|| {
		assert_noop!(
			ValidatorSet::add_validator(root(), WITHOUT_KEYS[0]),
			Error::<Test>::NoSessionKeys
		);
	});
}

#[test]
fn estimates_follow_the_session_clock() {
	new_test_ext().execute_with(|| {
		run_to_block(5);
		assert_eq!(ValidatorSet::average_session_length(), GENESIS_LENGTH);
		assert_eq!(
			ValidatorSet::estimate_current_session_progress(5).0,
			Some(Permill::from_percent(50))
		);
		assert_eq!(ValidatorSet::estimate_next_session_rotation(5).0, Some(GENESIS_LENGTH));
		// A stored length out of bounds (only a corrupt state could hold one) is read clamped.
		SessionLength::<Test>::put(0);
		assert_eq!(ValidatorSet::session_length(), MIN_LENGTH);
		SessionLength::<Test>::put(u64::MAX);
		assert_eq!(ValidatorSet::session_length(), MAX_LENGTH);
	});
}

#[test]
fn initialize_validates_the_set_and_the_length() {
	new_test_ext().execute_with(|| {
		assert!(matches!(
			ValidatorSet::initialize(vec![1, 2, 3, 4, 5], GENESIS_LENGTH),
			Err(Error::<Test>::TooManyValidators)
		));
		assert!(matches!(
			ValidatorSet::initialize(vec![1], MAX_LENGTH + 1),
			Err(Error::<Test>::SessionLengthOutOfBounds)
		));
		// Sorted and deduplicated.
		assert_ok!(ValidatorSet::initialize(vec![2, 1, 2], MIN_LENGTH));
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 2]);
		assert_eq!(SessionStart::<Test>::get(), 1);
		// Empty: nothing to manage; a zero length reads as the shortest.
		assert_ok!(ValidatorSet::initialize(vec![], 0));
		assert!(Validators::<Test>::get().is_empty());
		assert_eq!(ValidatorSet::session_length(), MIN_LENGTH);
		assert_ok!(ValidatorSet::do_try_state());
	});
}

#[test]
fn try_state_catches_corrupted_states() {
	new_test_ext().execute_with(|| {
		assert_ok!(ValidatorSet::do_try_state());

		Validators::<Test>::put(polkadot_sdk::frame_support::BoundedVec::truncate_from(vec![2, 1]));
		assert!(ValidatorSet::do_try_state().is_err(), "unsorted");
		Validators::<Test>::put(polkadot_sdk::frame_support::BoundedVec::truncate_from(vec![1, 1]));
		assert!(ValidatorSet::do_try_state().is_err(), "duplicate");
		Validators::<Test>::put(polkadot_sdk::frame_support::BoundedVec::truncate_from(vec![1, 2]));
		assert_ok!(ValidatorSet::do_try_state());

		SessionLength::<Test>::put(MAX_LENGTH + 1);
		assert!(ValidatorSet::do_try_state().is_err(), "length out of bounds");
		SessionLength::<Test>::put(GENESIS_LENGTH);

		SessionStart::<Test>::put(System::block_number() + 1);
		assert!(ValidatorSet::do_try_state().is_err(), "session in the future");
	});
}

#[test]
fn an_empty_set_adopts_the_running_validators_at_the_next_session() {
	// A chain whose validators were fixed before this pallet (or a migration that could not
	// seed it) is not left without a set: the next session's validators become it.
	new_test_ext().execute_with(|| {
		Validators::<Test>::kill();
		next_session();
		assert_eq!(Validators::<Test>::get().into_inner(), GENESIS.to_vec());
		next_session();
		assert_eq!(active(), GENESIS.to_vec());
	});
}
