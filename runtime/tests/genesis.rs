//! The genesis presets build, and contain the validators, sudo key, collateral assets and
//! oracle operators that DEVELOPERS.md and the README promise.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::panic,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing
)]

use crate::common;

use ballast_primitives::{assets, AccountId, Balance};
use ballast_runtime::{
	genesis_config_presets::{preset_names, GENESIS_ASSETS},
	Assets, Balances, Grandpa, OracleMembership, Runtime,
};
use common::{ext_for_preset, preset_json};
use polkadot_sdk::{
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
	*,
};

fn accounts(keys: &[Sr25519Keyring]) -> Vec<AccountId> {
	keys.iter().map(|k| k.to_account_id()).collect()
}

fn sorted(mut v: Vec<AccountId>) -> Vec<AccountId> {
	v.sort();
	v
}

#[test]
fn presets_are_listed_and_unknown_ones_are_not() {
	let names = preset_names();
	assert!(names.contains(&PresetId::from(DEV_RUNTIME_PRESET)));
	assert!(names.contains(&PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)));
	assert_eq!(
		ballast_runtime::genesis_config_presets::get_preset(&PresetId::from("mainnet")),
		None
	);
}

#[test]
fn development_preset_has_alice_as_validator_and_sudo() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice_aura: AuraId = Sr25519Keyring::Alice.public().into();
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().into_inner(), vec![alice_aura]);
		let grandpa = Grandpa::grandpa_authorities();
		assert_eq!(grandpa.len(), 1);
		assert_eq!(grandpa[0].0, GrandpaId::from(Ed25519Keyring::Alice.public()));
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
	});
}

#[test]
fn local_testnet_preset_has_four_validators() {
	ext_for_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let expected: Vec<AuraId> = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.iter()
		.map(|k| k.public().into())
		.collect();
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().into_inner(), expected);
		assert_eq!(Grandpa::grandpa_authorities().len(), 4);
		assert_eq!(
			OracleMembership::members().into_inner(),
			sorted(accounts(&[
				Sr25519Keyring::Alice,
				Sr25519Keyring::Bob,
				Sr25519Keyring::Charlie,
				Sr25519Keyring::Dave
			]))
		);
	});
}

#[test]
fn development_preset_lists_the_collateral_assets_with_metadata() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let expected = [
			(assets::BTC, "BTC", 8u8),
			(assets::ETH, "ETH", 18),
			(assets::DOT, "DOT", 10),
			(assets::USDC, "USDC", 6),
		];
		for (id, symbol, decimals) in expected {
			assert!(pallet_assets::Asset::<Runtime>::contains_key(id), "asset {id} exists");
			let meta = pallet_assets::Metadata::<Runtime>::get(id);
			assert_eq!(meta.symbol.into_inner(), symbol.as_bytes().to_vec(), "symbol of {id}");
			assert_eq!(meta.decimals, decimals, "decimals of {id}");
			assert!(!meta.name.is_empty(), "asset {id} has a name");
		}
	});
}

#[test]
fn development_preset_funds_the_dev_accounts_in_every_asset() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		for who in Sr25519Keyring::well_known().map(|k| k.to_account_id()) {
			assert!(Balances::free_balance(&who) > 0, "native balance of {who}");
			for asset in &GENESIS_ASSETS {
				let balance: Balance = Assets::balance(asset.id, &who);
				// Alice (the root account) seeded the perps and options vaults at genesis.
				let seeded = if asset.id == ballast_primitives::assets::USDC
					&& who == Sr25519Keyring::Alice.to_account_id()
				{
					(ballast_runtime::genesis_config_presets::VAULT_SEED_USDC
						+ ballast_runtime::genesis_config_presets::OPTIONS_VAULT_SEED_USDC)
						* 1_000_000
				} else {
					0
				};
				assert_eq!(balance, asset.endowment() - seeded, "{} of {who}", asset.symbol);
				assert!(balance > 0);
			}
		}
	});
}

#[test]
fn development_preset_has_alice_bob_and_charlie_as_oracle_operators() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(
			OracleMembership::members().into_inner(),
			sorted(accounts(&[
				Sr25519Keyring::Alice,
				Sr25519Keyring::Bob,
				Sr25519Keyring::Charlie
			]))
		);
	});
}

#[test]
fn presets_are_valid_json_for_the_whole_genesis_config() {
	// Every key in a preset names a real pallet and field: a typo would be silently ignored by
	// a merge, so check the merged JSON still parses into the strict genesis type.
	for name in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
		let json = preset_json(name);
		serde_json::from_value::<ballast_runtime::RuntimeGenesisConfig>(json)
			.unwrap_or_else(|e| panic!("preset {name} is a valid genesis config: {e}"));
	}
}
