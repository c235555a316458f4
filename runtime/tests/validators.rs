//! Validators chosen by governance: the presets' genesis validators, keys registered with a
//! proof of possession, a validator added and removed by Root with Aura and GRANDPA following
//! two session boundaries later, and the migration from validators fixed at genesis (spec 104).

#![allow(
	clippy::arithmetic_side_effects,
	clippy::panic,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing
)]

use crate::common;

use ballast_runtime::{
	configs::consensus::{DefaultSessionLength, MinSessionLength, DEV_SESSION_LENGTH},
	migrations::SessionFromAuthorities,
	Grandpa, Runtime, RuntimeOrigin, Session, SessionKeys, System, ValidatorSet,
};
use codec::Encode;
use common::{chain, ext_for_preset};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{Hooks, OnRuntimeUpgrade},
	},
	pallet_aura, pallet_grandpa, pallet_session,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_core::proof_of_possession::ProofOfPossessionGenerator,
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
	sp_runtime::{AccountId32, DispatchError},
};

type AccountId = AccountId32;

fn account(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

fn keys(sr: Sr25519Keyring, ed: Ed25519Keyring) -> SessionKeys {
	SessionKeys { aura: sr.public().into(), grandpa: ed.public().into() }
}

/// What `author_rotateKeysWithOwner(owner)` returns to an operator: the keys, and the proof
/// that whoever holds them made them for `owner`.
fn proof_for(owner: &AccountId, sr: Sr25519Keyring, ed: Ed25519Keyring) -> Vec<u8> {
	let owner = owner.encode();
	let mut aura = sr.pair();
	let mut grandpa = ed.pair();
	(aura.generate_proof_of_possession(&owner), grandpa.generate_proof_of_possession(&owner))
		.encode()
}

/// `session.setKeys` by `who`, with keys from `sr`/`ed` and their proof for `who`.
fn set_keys(who: &AccountId, sr: Sr25519Keyring, ed: Ed25519Keyring) {
	assert_ok!(Session::set_keys(
		RuntimeOrigin::signed(who.clone()),
		keys(sr, ed),
		proof_for(who, sr, ed)
	));
}

/// The next block as the chain runs it, with the session pallet's `on_initialize` (a boundary
/// hands the next keys to Aura and GRANDPA) and GRANDPA's `on_finalize` (which enacts a
/// scheduled change).
fn next_block() {
	chain::next_block();
	let n = System::block_number();
	Session::on_initialize(n);
	Grandpa::on_finalize(n);
	ValidatorSet::do_try_state().unwrap();
}

/// Run to the first block of the next session.
fn next_session() {
	let index = Session::current_index();
	while Session::current_index() == index {
		next_block();
	}
}

fn aura_authorities() -> Vec<AuraId> {
	pallet_aura::Authorities::<Runtime>::get().into_inner()
}

fn grandpa_authorities() -> Vec<GrandpaId> {
	Grandpa::grandpa_authorities().into_iter().map(|(id, _)| id).collect()
}

#[test]
fn the_dev_chain_starts_with_alice_as_its_one_validator() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		assert_eq!(
			pallet_validator_set::Validators::<Runtime>::get().into_inner(),
			vec![alice.clone()]
		);
		assert_eq!(Session::validators(), vec![alice.clone()]);
		assert_eq!(
			pallet_session::NextKeys::<Runtime>::get(&alice),
			Some(keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice))
		);
		assert_eq!(aura_authorities(), vec![AuraId::from(Sr25519Keyring::Alice.public())]);
		assert_eq!(grandpa_authorities(), vec![GrandpaId::from(Ed25519Keyring::Alice.public())]);
		assert_eq!(ValidatorSet::session_length(), DEV_SESSION_LENGTH);
		ValidatorSet::do_try_state().unwrap();
	});
}

#[test]
fn the_local_chain_starts_with_four_validators() {
	ext_for_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_validator_set::Validators::<Runtime>::get().len(), 4);
		assert_eq!(Session::validators().len(), 4);
		assert_eq!(aura_authorities().len(), 4);
		assert_eq!(grandpa_authorities().len(), 4);
	});
}

#[test]
fn governance_adds_a_validator_and_aura_and_grandpa_follow_at_the_second_boundary() {
	chain::chain().execute_with(|| {
		let bob = account(Sr25519Keyring::Bob);
		assert_ok!(ValidatorSet::set_session_length(
			RuntimeOrigin::root(),
			MinSessionLength::get()
		));
		set_keys(&bob, Sr25519Keyring::Bob, Ed25519Keyring::Bob);
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), bob.clone()));

		next_session();
		assert_eq!(aura_authorities().len(), 1, "planned one session ahead");
		assert!(Session::queued_keys().iter().any(|(who, _)| *who == bob));

		next_session();
		assert!(Session::validators().contains(&bob));
		assert!(aura_authorities().contains(&AuraId::from(Sr25519Keyring::Bob.public())));
		assert!(grandpa_authorities().contains(&GrandpaId::from(Ed25519Keyring::Bob.public())));
		assert_eq!(aura_authorities().len(), 2);

		// And out again: removed, gone two boundaries later.
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), bob.clone()));
		next_session();
		next_session();
		assert_eq!(Session::validators(), vec![account(Sr25519Keyring::Alice)]);
		assert_eq!(aura_authorities(), vec![AuraId::from(Sr25519Keyring::Alice.public())]);
		assert_eq!(grandpa_authorities(), vec![GrandpaId::from(Ed25519Keyring::Alice.public())]);
	});
}

#[test]
fn a_validator_rotates_its_keys_without_a_vote() {
	chain::chain().execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		assert_ok!(ValidatorSet::set_session_length(
			RuntimeOrigin::root(),
			MinSessionLength::get()
		));
		// New keys (Ferdie's key pairs stand in for freshly generated ones).
		set_keys(&alice, Sr25519Keyring::Ferdie, Ed25519Keyring::Ferdie);
		next_session();
		next_session();
		assert_eq!(aura_authorities(), vec![AuraId::from(Sr25519Keyring::Ferdie.public())]);
		assert_eq!(grandpa_authorities(), vec![GrandpaId::from(Ed25519Keyring::Ferdie.public())]);
		assert_eq!(Session::validators(), vec![alice]);
	});
}

#[test]
fn a_front_runner_cannot_register_a_validators_published_keys() {
	// Bob sees Alice's new public keys and proof in the pool and submits them as his own, to
	// have them attributed to him (or to make Alice's registration fail as a duplicate).
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		let bob = account(Sr25519Keyring::Bob);
		let proof = proof_for(&alice, Sr25519Keyring::Ferdie, Ed25519Keyring::Ferdie);
		assert_noop!(
			Session::set_keys(
				RuntimeOrigin::signed(bob.clone()),
				keys(Sr25519Keyring::Ferdie, Ed25519Keyring::Ferdie),
				proof
			),
			pallet_session::Error::<Runtime>::InvalidProof
		);
		// Keys another account holds already are refused even with a valid proof.
		assert_noop!(
			Session::set_keys(
				RuntimeOrigin::signed(bob.clone()),
				keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
				proof_for(&bob, Sr25519Keyring::Alice, Ed25519Keyring::Alice)
			),
			pallet_session::Error::<Runtime>::DuplicatedKey
		);
	});
}

#[test]
fn only_root_manages_the_set_and_a_validator_needs_keys() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		let bob = account(Sr25519Keyring::Bob);
		assert_noop!(
			ValidatorSet::add_validator(RuntimeOrigin::signed(alice.clone()), bob.clone()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ValidatorSet::add_validator(RuntimeOrigin::root(), bob),
			pallet_validator_set::Error::<Runtime>::NoSessionKeys
		);
		assert_noop!(
			ValidatorSet::remove_validator(RuntimeOrigin::root(), alice),
			pallet_validator_set::Error::<Runtime>::TooFewValidators
		);
	});
}

/// The state of a spec-104 chain: authorities in Aura and GRANDPA only.
fn forget_sessions() {
	let _ = pallet_session::NextKeys::<Runtime>::clear(u32::MAX, None);
	let _ = pallet_session::KeyOwner::<Runtime>::clear(u32::MAX, None);
	pallet_session::Validators::<Runtime>::kill();
	pallet_session::QueuedKeys::<Runtime>::kill();
	pallet_validator_set::Validators::<Runtime>::kill();
	pallet_validator_set::SessionLength::<Runtime>::kill();
}

#[test]
fn the_upgrade_from_fixed_validators_seeds_sessions_from_the_authorities() {
	ext_for_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		chain::set_now(chain::NOW);
		let aura = aura_authorities();
		let grandpa = grandpa_authorities();
		forget_sessions();

		SessionFromAuthorities::on_runtime_upgrade();

		// Each authority is a validator whose account is its Aura key's, in authority order.
		let expected: Vec<AccountId> =
			aura.iter().map(|a| AccountId::from(a.clone().into_inner())).collect();
		assert_eq!(Session::validators(), expected);
		for (i, who) in expected.iter().enumerate() {
			let keys = pallet_session::NextKeys::<Runtime>::get(who).expect("keys seeded");
			assert_eq!(keys.aura, aura[i]);
			assert_eq!(keys.grandpa, grandpa[i]);
			assert_eq!(
				pallet_session::Pallet::<Runtime>::key_owner(
					polkadot_sdk::sp_core::crypto::key_types::AURA,
					aura[i].as_ref()
				),
				Some(who.clone())
			);
		}
		let mut sorted = expected.clone();
		sorted.sort();
		assert_eq!(pallet_validator_set::Validators::<Runtime>::get().into_inner(), sorted);
		assert_eq!(ValidatorSet::session_length(), DefaultSessionLength::get());
		ValidatorSet::do_try_state().unwrap();

		// Idempotent: a second run changes nothing.
		SessionFromAuthorities::on_runtime_upgrade();
		assert_eq!(Session::validators(), expected);

		// Two boundaries on, the same validators hold the same keys.
		assert_ok!(ValidatorSet::set_session_length(
			RuntimeOrigin::root(),
			MinSessionLength::get()
		));
		next_session();
		next_session();
		let mut now_aura = aura_authorities();
		now_aura.sort();
		let mut was_aura = aura.clone();
		was_aura.sort();
		assert_eq!(now_aura, was_aura);
		let mut now_grandpa = grandpa_authorities();
		now_grandpa.sort();
		let mut was_grandpa = grandpa.clone();
		was_grandpa.sort();
		assert_eq!(now_grandpa, was_grandpa);
	});
}

#[test]
fn the_upgrade_seeds_nothing_when_the_authorities_do_not_pair_up() {
	ext_for_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		forget_sessions();
		let mut grandpa = pallet_grandpa::Authorities::<Runtime>::get().into_inner();
		grandpa.pop();
		pallet_grandpa::Authorities::<Runtime>::put(
			polkadot_sdk::frame_support::WeakBoundedVec::force_from(grandpa, None),
		);
		SessionFromAuthorities::on_runtime_upgrade();
		assert!(Session::validators().is_empty());
		assert!(pallet_validator_set::Validators::<Runtime>::get().is_empty());
	});
}
