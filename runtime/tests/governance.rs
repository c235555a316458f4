//! Governance: each track's origin can do what its kind of decision allows and nothing else (a
//! table of origins × calls), a referendum on the `risk_parameters` track passes and enacts on
//! the dev preset's short periods, the `emergency` track is council-initiated, the emergency
//! brake filters calls, and no signed origin can mint, freeze or move others' funds.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::panic,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing
)]

use crate::common;

use ballast_primitives::{assets, AccountId, AssetStatus};
use ballast_runtime::{
	genesis_config_presets::{governance_account, perp_markets},
	governance::{origins, tracks::ids, RiskCouncilInstance},
	Assets, Balances, CollateralRegistry, ConvictionVoting, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeOrigin, Scheduler, System, UNIT,
};
use codec::Encode;
use common::ext_for_preset;
use pallet_conviction_voting::{AccountVote, Conviction, Vote};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		storage::{with_transaction, TransactionOutcome},
		traits::{Bounded, Contains, Hooks, StorePreimage, UnfilteredDispatchable},
		BoundedVec,
	},
	frame_system,
	pallet_referenda::{ReferendumInfo, TracksInfo},
	sp_arithmetic::Permill,
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
	sp_keyring::Sr25519Keyring,
	sp_runtime::{traits::Dispatchable, DispatchError, MultiAddress},
	*,
};

fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}
fn bob() -> AccountId {
	Sr25519Keyring::Bob.to_account_id()
}
fn dave() -> AccountId {
	Sr25519Keyring::Dave.to_account_id()
}

/// The origins of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum O {
	Root,
	Risk,
	Listing,
	Oracle,
	Emergency,
	Whitelisted,
	/// Two thirds of the risk council.
	Council,
	/// A signed account: Alice, the dev chain's sudo key, validator and oracle operator.
	Signed,
}

const ALL: [O; 8] =
	[O::Root, O::Risk, O::Listing, O::Oracle, O::Emergency, O::Whitelisted, O::Council, O::Signed];

fn origin(o: O) -> RuntimeOrigin {
	match o {
		O::Root => RuntimeOrigin::root(),
		O::Risk => origins::Origin::RiskParameters.into(),
		O::Listing => origins::Origin::AssetListing.into(),
		O::Oracle => origins::Origin::OracleOperators.into(),
		O::Emergency => origins::Origin::Emergency.into(),
		O::Whitelisted => origins::Origin::WhitelistedCaller.into(),
		O::Council => {
			pallet_collective::RawOrigin::<AccountId, RiskCouncilInstance>::Members(2, 3).into()
		},
		O::Signed => RuntimeOrigin::signed(alice()),
	}
}

/// Whether `o` passes `call`'s origin check: dispatched (filters bypassed) in a storage layer
/// that is rolled back; any outcome but `BadOrigin` means the origin was accepted.
fn accepted(o: O, call: &RuntimeCall) -> bool {
	let result = with_transaction(|| {
		let r = call.clone().dispatch_bypass_filter(origin(o));
		TransactionOutcome::Rollback(Ok::<_, DispatchError>(r))
	})
	.unwrap();
	!matches!(result, Err(e) if e.error == DispatchError::BadOrigin)
}

fn btc_params() -> pallet_collateral_registry::CollateralParamsOf<Runtime> {
	pallet_collateral_registry::AssetParams::<Runtime>::get(assets::BTC).unwrap()
}

fn bounded(s: &str) -> BoundedVec<u8, polkadot_sdk::frame_support::traits::ConstU32<64>> {
	BoundedVec::truncate_from(s.as_bytes().to_vec())
}

/// Every privileged call, with the origins that may dispatch it.
fn table() -> Vec<(&'static str, RuntimeCall, Vec<O>)> {
	use O::*;
	let mut higher = btc_params();
	higher.haircut.base = Permill::from_percent(12);
	let guard = pallet_price_guard::Guards::<Runtime>::get(assets::BTC).unwrap();
	let feed = pallet_price_feed::Params::<Runtime>::get(assets::BTC).unwrap();
	let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	vec![
		(
			"collateralRegistry.updateParams",
			pallet_collateral_registry::Call::update_params {
				asset: assets::BTC,
				params: Box::new(higher.clone()),
			}
			.into(),
			vec![Root, Risk],
		),
		(
			"collateralRegistry.setCaps",
			pallet_collateral_registry::Call::set_caps {
				asset: assets::BTC,
				supply_cap: 1_000,
				account_cap: 100,
			}
			.into(),
			vec![Root, Risk],
		),
		(
			"collateralRegistry.registerAsset",
			pallet_collateral_registry::Call::register_asset {
				asset: 77,
				params: Box::new(btc_params()),
			}
			.into(),
			vec![Root, Listing],
		),
		(
			"collateralRegistry.setStatus(Frozen)",
			pallet_collateral_registry::Call::set_status {
				asset: assets::BTC,
				status: AssetStatus::Frozen,
			}
			.into(),
			vec![Root, Listing, Emergency],
		),
		(
			"collateralRegistry.setStatus(ReduceOnly)",
			pallet_collateral_registry::Call::set_status {
				asset: assets::BTC,
				status: AssetStatus::ReduceOnly,
			}
			.into(),
			vec![Root, Listing, Emergency],
		),
		(
			"collateralRegistry.emergencyTighten",
			pallet_collateral_registry::Call::emergency_tighten {
				asset: assets::BTC,
				step: pallet_collateral_registry::Tightening {
					haircut_rise: Permill::from_percent(2),
					threshold_cut: Permill::from_percent(1),
				},
			}
			.into(),
			vec![Root, Emergency],
		),
		(
			"collateralRegistry.setStatus(Delisted)",
			pallet_collateral_registry::Call::set_status {
				asset: assets::BTC,
				status: AssetStatus::Delisted,
			}
			.into(),
			vec![Root, Listing],
		),
		(
			"perpetuals.createMarket",
			pallet_perpetuals::Call::create_market { params: perp_markets()[0] }.into(),
			vec![Root, Listing],
		),
		(
			"perpetuals.updateMarket",
			pallet_perpetuals::Call::update_market { market: 0, params: perp_markets()[0] }.into(),
			vec![Root, Risk],
		),
		(
			"perpetuals.setVaultRules",
			pallet_perpetuals::Call::set_vault_rules {
				rules: ballast_runtime::genesis_config_presets::vault_rules(),
			}
			.into(),
			vec![Root, Risk],
		),
		(
			"liquidation.setParams",
			pallet_liquidation::Call::set_params {
				params: ballast_runtime::configs::liquidation::DefaultLiquidationParams::get(),
			}
			.into(),
			vec![Root, Risk],
		),
		(
			"globalSettlement.trigger",
			pallet_global_settlement::Call::trigger {}.into(),
			// It ends trading for good: Root only (a `root` referendum).
			vec![Root],
		),
		(
			"priceGuard.setGuard(guarded key)",
			pallet_price_guard::Call::set_guard { key: assets::BTC, params: guard }.into(),
			vec![Root, Risk],
		),
		(
			"priceGuard.setGuard(new key)",
			pallet_price_guard::Call::set_guard { key: 77, params: guard }.into(),
			vec![Root, Listing],
		),
		(
			"priceGuard.setVolatility",
			pallet_price_guard::Call::set_volatility {
				key: assets::BTC,
				volatility: Permill::from_percent(2),
			}
			.into(),
			vec![Root, Risk],
		),
		(
			"priceGuard.setFeedRules",
			pallet_price_guard::Call::set_feed_rules {
				rules: pallet_price_guard::FeedRules {
					min_count: 3,
					max_deviation: Permill::from_percent(5),
				},
			}
			.into(),
			vec![Root, Oracle],
		),
		(
			"priceFeed.setParams",
			pallet_price_feed::Call::set_params { asset: assets::BTC, params: feed }.into(),
			vec![Root, Oracle],
		),
		(
			"priceFeed.removeAsset",
			pallet_price_feed::Call::remove_asset { asset: assets::BTC }.into(),
			vec![Root, Oracle],
		),
		(
			"oracleMembership.addMember",
			pallet_membership::Call::<Runtime, pallet_membership::Instance1>::add_member {
				who: MultiAddress::Id(dave()),
			}
			.into(),
			vec![Root, Oracle],
		),
		(
			"oracleMembership.removeMember",
			pallet_membership::Call::<Runtime, pallet_membership::Instance1>::remove_member {
				who: MultiAddress::Id(bob()),
			}
			.into(),
			vec![Root, Oracle],
		),
		(
			"assets.forceCreate",
			pallet_assets::Call::force_create {
				id: 77.into(),
				owner: MultiAddress::Id(governance_account()),
				is_sufficient: true,
				min_balance: 1,
			}
			.into(),
			vec![Root, Listing],
		),
		(
			"assets.forceAssetStatus",
			pallet_assets::Call::force_asset_status {
				id: assets::USDC.into(),
				owner: MultiAddress::Id(governance_account()),
				issuer: MultiAddress::Id(governance_account()),
				admin: MultiAddress::Id(governance_account()),
				freezer: MultiAddress::Id(governance_account()),
				min_balance: 1,
				is_sufficient: true,
				is_frozen: true,
			}
			.into(),
			vec![Root, Listing],
		),
		(
			"safeMode.forceEnter",
			pallet_safe_mode::Call::force_enter {}.into(),
			vec![Root, Emergency, Council],
		),
		(
			"safeMode.forceExit",
			pallet_safe_mode::Call::force_exit {}.into(),
			vec![Root, Emergency, Council],
		),
		(
			"txPause.pause",
			pallet_tx_pause::Call::pause { full_name: (bounded("Perpetuals"), bounded("trade")) }
				.into(),
			vec![Root, Emergency, Council],
		),
		(
			"referenda.cancel",
			pallet_referenda::Call::cancel { index: 0 }.into(),
			vec![Root, Emergency],
		),
		("referenda.kill", pallet_referenda::Call::kill { index: 0 }.into(), vec![Root]),
		(
			"whitelist.whitelistCall",
			pallet_whitelist::Call::whitelist_call {
				call_hash: polkadot_sdk::sp_io::hashing::blake2_256(&remark.encode()).into(),
			}
			.into(),
			vec![Root, Council],
		),
		(
			"whitelist.dispatchWhitelistedCallWithPreimage",
			pallet_whitelist::Call::dispatch_whitelisted_call_with_preimage {
				call: Box::new(remark),
			}
			.into(),
			// A signed account may only relay a dispatch that a `whitelisted_caller`
			// referendum deferred until the council whitelists the call (none here: it fails
			// with `DeferredDispatchNotFound`); it never dispatches on its own authority.
			vec![Root, Whitelisted, Signed],
		),
		(
			"riskCouncil.setMembers",
			pallet_collective::Call::<Runtime, RiskCouncilInstance>::set_members {
				new_members: vec![alice()],
				prime: None,
				old_count: 3,
			}
			.into(),
			vec![Root],
		),
		("system.setStorage", frame_system::Call::set_storage { items: vec![] }.into(), vec![Root]),
		(
			"validatorSet.addValidator",
			pallet_validator_set::Call::<Runtime>::add_validator { who: dave() }.into(),
			vec![Root],
		),
		(
			"validatorSet.removeValidator",
			pallet_validator_set::Call::<Runtime>::remove_validator { who: alice() }.into(),
			vec![Root],
		),
		(
			"validatorSet.setSessionLength",
			pallet_validator_set::Call::<Runtime>::set_session_length { length: 100 }.into(),
			vec![Root],
		),
	]
}

#[test]
fn each_origin_can_do_what_its_track_allows_and_nothing_else() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let mut wrong = Vec::new();
		for (name, call, allowed) in table() {
			for o in ALL {
				let expected = allowed.contains(&o);
				if accepted(o, &call) != expected {
					wrong.push(format!(
						"{name} from {o:?}: {}",
						if expected { "refused" } else { "accepted" }
					));
				}
			}
		}
		assert!(wrong.is_empty(), "origin mismatches:\n{}", wrong.join("\n"));
	});
}

#[test]
fn tracks_map_origins_and_use_the_presets_timing() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		use ballast_runtime::governance::tracks::TracksInfo as T;
		assert_eq!(T::track_for(&RuntimeOrigin::root().caller), Ok(ids::ROOT));
		for (o, id) in [
			(O::Risk, ids::RISK_PARAMETERS),
			(O::Listing, ids::ASSET_LISTING),
			(O::Oracle, ids::ORACLE_OPERATORS),
			(O::Emergency, ids::EMERGENCY),
			(O::Whitelisted, ids::WHITELISTED_CALLER),
		] {
			assert_eq!(T::track_for(&origin(o).caller), Ok(id));
		}
		assert_eq!(T::track_for(&origin(O::Signed).caller), Err(()));
		assert_eq!(T::track_for(&origin(O::Council).caller), Err(()));
		assert!(T::check_integrity().is_ok());
		assert_eq!(origins::TrackTiming::<Runtime>::get(), origins::Timing::Development);
		let risk = T::info(ids::RISK_PARAMETERS).unwrap();
		assert_eq!(risk.decision_period, 40);
		assert_eq!(&risk.name[..15], b"risk_parameters");
	});
	ext_for_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(origins::TrackTiming::<Runtime>::get(), origins::Timing::Development);
	});
	// A chain spec that says nothing about timing (production) gets days.
	polkadot_sdk::sp_io::TestExternalities::default().execute_with(|| {
		use ballast_runtime::governance::tracks::TracksInfo as T;
		assert_eq!(origins::TrackTiming::<Runtime>::get(), origins::Timing::Production);
		let risk = T::info(ids::RISK_PARAMETERS).unwrap();
		assert_eq!(risk.decision_period, 7 * ballast_runtime::DAYS);
		assert_eq!(risk.min_enactment_period, ballast_runtime::DAYS);
	});
}

/// Runs blocks up to `n`, with the scheduler (referenda alarms and enactments) in each.
fn run_to(n: u32) {
	while System::block_number() < n {
		let b = System::block_number() + 1;
		System::set_block_number(b);
		Scheduler::on_initialize(b);
	}
}

fn vote(who: &AccountId, index: u32, balance: u128, conviction: Conviction) {
	assert_ok!(ConvictionVoting::vote(
		RuntimeOrigin::signed(who.clone()),
		index,
		AccountVote::Standard { vote: Vote { aye: true, conviction }, balance },
	));
}

#[test]
fn a_risk_parameters_referendum_raises_btcs_haircut_after_the_notice() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to(1);
		let mut params = btc_params();
		assert_eq!(params.haircut.base, Permill::from_percent(10));
		params.haircut.base = Permill::from_percent(12);
		let proposal: RuntimeCall = pallet_collateral_registry::Call::update_params {
			asset: assets::BTC,
			params: Box::new(params.clone()),
		}
		.into();
		let encoded = proposal.encode();
		let hash = polkadot_sdk::sp_io::hashing::blake2_256(&encoded).into();

		// Note the preimage, submit on the risk parameters track, place the decision deposit.
		assert_ok!(Preimage::note_preimage(RuntimeOrigin::signed(alice()), encoded.clone()));
		assert_ok!(Referenda::submit(
			RuntimeOrigin::signed(alice()),
			Box::new(origin(O::Risk).caller),
			Bounded::Lookup { hash, len: encoded.len() as u32 },
			polkadot_sdk::frame_support::traits::schedule::DispatchTime::After(1),
		));
		let index = 0;
		assert_ok!(Referenda::place_decision_deposit(RuntimeOrigin::signed(bob()), index));
		// Four holders vote aye with conviction: ~14 % of the issuance, above the track's
		// initial 10 % support.
		for (who, conviction) in [
			(alice(), Conviction::Locked1x),
			(bob(), Conviction::Locked2x),
			(Sr25519Keyring::Charlie.to_account_id(), Conviction::Locked3x),
			(dave(), Conviction::Locked6x),
		] {
			vote(&who, index, 500_000 * UNIT, conviction);
		}

		// Prepare (2 blocks), confirm (5): approved, not yet enacted.
		run_to(10);
		assert!(matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
			Some(ReferendumInfo::Approved(..))
		));
		let approved_at = System::block_number();
		assert_eq!(btc_params().haircut.base, Permill::from_percent(10), "notice not over");
		// The minimum enactment period (3 blocks on the dev preset) is the notice.
		run_to(approved_at + 4);
		assert_eq!(btc_params(), params);
	});
}

#[test]
fn the_emergency_track_tightens_at_once_within_its_bound_and_governance_resets_it() {
	use ballast_primitives::traits::CollateralRisk;
	use pallet_collateral_registry::Tightening;
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to(1);
		let before = CollateralRegistry::terms(assets::BTC, 0).unwrap();
		let step = |rise, cut| Tightening {
			haircut_rise: Permill::from_percent(rise),
			threshold_cut: Permill::from_percent(cut),
		};
		// No notice: the terms every margin test reads are tighter in the same block.
		assert_ok!(CollateralRegistry::emergency_tighten(
			origin(O::Emergency),
			assets::BTC,
			step(10, 5)
		));
		let after = CollateralRegistry::terms(assets::BTC, 0).unwrap();
		assert_eq!(after.haircut, Permill::from_parts(before.haircut.deconstruct() + 100_000));
		assert!(after.maintenance_weight < before.maintenance_weight);
		// The bound is spent: one more part needs a risk-parameters decision.
		assert_noop!(
			CollateralRegistry::emergency_tighten(origin(O::Emergency), assets::BTC, step(1, 0)),
			pallet_collateral_registry::Error::<Runtime>::EmergencyBoundExceeded
		);
		// That decision (here dispatched as its track's origin) replaces the set and the total.
		let mut params = btc_params();
		params.haircut.base = Permill::from_percent(12);
		assert_ok!(CollateralRegistry::update_params(
			origin(O::Risk),
			assets::BTC,
			Box::new(params)
		));
		assert_ok!(CollateralRegistry::emergency_tighten(
			origin(O::Emergency),
			assets::BTC,
			step(1, 0)
		));
		CollateralRegistry::do_try_state().unwrap();
	});
}

#[test]
fn only_the_risk_council_submits_to_the_emergency_track() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to(1);
		let call: RuntimeCall = pallet_safe_mode::Call::force_enter {}.into();
		let bounded = Preimage::bound(call).unwrap();
		let submit = |who: AccountId| {
			Referenda::submit(
				RuntimeOrigin::signed(who),
				Box::new(origin(O::Emergency).caller),
				bounded.clone(),
				polkadot_sdk::frame_support::traits::schedule::DispatchTime::After(1),
			)
		};
		assert_noop!(submit(dave()), DispatchError::BadOrigin);
		assert_ok!(submit(bob()));
		// Other tracks are open to everyone.
		assert_ok!(Referenda::submit(
			RuntimeOrigin::signed(dave()),
			Box::new(origin(O::Risk).caller),
			bounded.clone(),
			polkadot_sdk::frame_support::traits::schedule::DispatchTime::After(1),
		));
	});
}

type Filter = <Runtime as frame_system::Config>::BaseCallFilter;

#[test]
fn safe_mode_stops_new_risk_and_keeps_deposits_repayments_and_liquidation_open() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to(1);
		let trade: RuntimeCall =
			pallet_perpetuals::Call::trade { sub: 0, market: 0, size_delta: 1, limit_price: None }
				.into();
		let deposit: RuntimeCall =
			pallet_margin_accounts::Call::deposit { sub: 0, asset: assets::USDC, amount: 1 }.into();
		let withdraw: RuntimeCall =
			pallet_margin_accounts::Call::withdraw { sub: 0, asset: assets::USDC, amount: 1 }
				.into();
		let take: RuntimeCall = pallet_liquidation::Call::take {
			id: 0,
			amount: 1,
			max_price: ballast_primitives::Price::from_u32(1),
		}
		.into();
		let add_liquidity: RuntimeCall =
			pallet_perpetuals::Call::add_liquidity { amount: 1, min_shares: 0 }.into();
		let withdraw_liquidity: RuntimeCall =
			pallet_perpetuals::Call::withdraw_liquidity { min_amount: 0 }.into();
		let close: RuntimeCall =
			pallet_perpetuals::Call::close_position { sub: 0, market: 0, limit_price: None }.into();
		let feed: RuntimeCall =
			pallet_oracle::Call::feed_values { values: BoundedVec::truncate_from(vec![]) }.into();
		for c in [&trade, &deposit, &withdraw, &take, &add_liquidity, &withdraw_liquidity] {
			assert!(Filter::contains(c));
		}

		// The emergency track enters safe mode.
		assert_ok!(pallet_safe_mode::Pallet::<Runtime>::force_enter(origin(O::Emergency)));
		for c in [&trade, &withdraw, &add_liquidity, &withdraw_liquidity] {
			assert!(!Filter::contains(c), "{c:?} stops in safe mode");
		}
		for c in [&deposit, &take, &close, &feed] {
			assert!(Filter::contains(c), "{c:?} stays open in safe mode");
		}
		// A signed trade is refused at dispatch; a deposit goes through the filter.
		let refused = trade.clone().dispatch(RuntimeOrigin::signed(dave())).unwrap_err();
		assert_eq!(
			refused.error,
			DispatchError::from(frame_system::Error::<Runtime>::CallFiltered)
		);
		assert_ok!(deposit.clone().dispatch(RuntimeOrigin::signed(dave())));
		// The council exits it.
		assert_ok!(pallet_safe_mode::Pallet::<Runtime>::force_exit(origin(O::Council)));
		assert!(Filter::contains(&trade));

		// Tx-pause: the council pauses trading alone.
		assert_ok!(pallet_tx_pause::Pallet::<Runtime>::pause(
			origin(O::Council),
			(bounded("Perpetuals"), bounded("trade")),
		));
		assert!(!Filter::contains(&trade));
		assert!(Filter::contains(&deposit));
		// Governance itself cannot be paused.
		assert!(pallet_tx_pause::Pallet::<Runtime>::pause(
			origin(O::Council),
			(bounded("SafeMode"), bounded("force_exit")),
		)
		.is_err());
	});
}

#[test]
fn the_assets_belong_to_the_keyless_governance_account() {
	for preset in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
		ext_for_preset(preset).execute_with(|| {
			let gov = governance_account();
			for id in [assets::BTC, assets::ETH, assets::DOT, assets::USDC] {
				let d = pallet_assets::Asset::<Runtime>::get(id).unwrap();
				assert_eq!((&d.owner, &d.issuer, &d.admin, &d.freezer), (&gov, &gov, &gov, &gov));
			}
			// The account is `modl` ++ `bal/govn` ++ zeros: no key signs for it.
			let raw: &[u8] = gov.as_ref();
			assert_eq!(&raw[..12], b"modlbal/govn");
			assert!(raw[12..].iter().all(|b| *b == 0));
		});
	}
}

#[test]
fn no_signed_origin_can_mint_freeze_or_move_others_funds() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to(1);
		let usdc = || assets::USDC.into();
		let id = |who: AccountId| MultiAddress::<AccountId, ()>::Id(who);
		let bob_usdc = Assets::balance(assets::USDC, bob());
		let supply = Assets::total_supply(assets::USDC);
		let calls: Vec<(&str, RuntimeCall)> = vec![
			(
				"assets.mint",
				pallet_assets::Call::mint { id: usdc(), beneficiary: id(alice()), amount: 1 }
					.into(),
			),
			(
				"assets.burn",
				pallet_assets::Call::burn { id: usdc(), who: id(bob()), amount: 1 }.into(),
			),
			("assets.freeze", pallet_assets::Call::freeze { id: usdc(), who: id(bob()) }.into()),
			("assets.block", pallet_assets::Call::block { id: usdc(), who: id(bob()) }.into()),
			("assets.freezeAsset", pallet_assets::Call::freeze_asset { id: usdc() }.into()),
			("assets.startDestroy", pallet_assets::Call::start_destroy { id: usdc() }.into()),
			(
				"assets.transferOwnership",
				pallet_assets::Call::transfer_ownership { id: usdc(), owner: id(alice()) }.into(),
			),
			(
				"assets.setTeam",
				pallet_assets::Call::set_team {
					id: usdc(),
					issuer: id(alice()),
					admin: id(alice()),
					freezer: id(alice()),
				}
				.into(),
			),
			(
				"assets.transferApproved (no approval)",
				pallet_assets::Call::transfer_approved {
					id: usdc(),
					owner: id(bob()),
					destination: id(alice()),
					amount: 1,
				}
				.into(),
			),
			(
				"assets.forceTransfer",
				pallet_assets::Call::force_transfer {
					id: usdc(),
					source: id(bob()),
					dest: id(alice()),
					amount: 1,
				}
				.into(),
			),
			(
				"assets.forceAssetStatus",
				pallet_assets::Call::force_asset_status {
					id: usdc(),
					owner: id(alice()),
					issuer: id(alice()),
					admin: id(alice()),
					freezer: id(alice()),
					min_balance: 1,
					is_sufficient: true,
					is_frozen: false,
				}
				.into(),
			),
			(
				"assets.forceCreate",
				pallet_assets::Call::force_create {
					id: 77.into(),
					owner: id(alice()),
					is_sufficient: true,
					min_balance: 1,
				}
				.into(),
			),
			(
				"assets.create",
				pallet_assets::Call::create { id: 78.into(), admin: id(alice()), min_balance: 1 }
					.into(),
			),
			(
				"balances.forceTransfer",
				pallet_balances::Call::force_transfer {
					source: id(bob()),
					dest: id(alice()),
					value: UNIT,
				}
				.into(),
			),
			(
				"balances.forceSetBalance",
				pallet_balances::Call::force_set_balance { who: id(alice()), new_free: UNIT }
					.into(),
			),
			(
				"utility.dispatchAs(governance)",
				pallet_utility::Call::dispatch_as {
					as_origin: Box::new(
						frame_system::RawOrigin::Signed(governance_account()).into(),
					),
					call: Box::new(
						pallet_assets::Call::mint {
							id: usdc(),
							beneficiary: id(alice()),
							amount: 1,
						}
						.into(),
					),
				}
				.into(),
			),
		];
		for signer in [alice(), bob(), dave()] {
			for (name, call) in &calls {
				let r = call.clone().dispatch(RuntimeOrigin::signed(signer.clone()));
				assert!(r.is_err(), "{name} from a signed origin must fail");
			}
		}
		assert_eq!(Assets::balance(assets::USDC, bob()), bob_usdc);
		assert_eq!(Assets::total_supply(assets::USDC), supply);
		assert!(Balances::free_balance(bob()) > 0);

		// The governance path: Root acts as the governance account (sudo on dev,
		// a `root` referendum in production).
		let mint: RuntimeCall =
			pallet_assets::Call::mint { id: usdc(), beneficiary: id(dave()), amount: 5 }.into();
		assert_ok!(RuntimeCall::from(pallet_utility::Call::dispatch_as {
			as_origin: Box::new(frame_system::RawOrigin::Signed(governance_account()).into()),
			call: Box::new(mint),
		})
		.dispatch(RuntimeOrigin::root()));
		assert_eq!(Assets::total_supply(assets::USDC), supply + 5);
	});
}
