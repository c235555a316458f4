//! Oracle operators (members of `OracleMembership`) can feed prices; nobody else can.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::panic,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing
)]

use crate::common;

use ballast_primitives::{
	assets,
	traits::{PriceMode, PriceProvider},
	Price,
};
use ballast_runtime::{
	Oracle, OracleMembership, PriceGuard, Runtime, RuntimeEvent, RuntimeOrigin, System,
};
use common::ext_for_preset;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec},
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_keyring::Sr25519Keyring,
	sp_runtime::DispatchError,
	*,
};

type FeedValues = BoundedVec<(u32, Price), <Runtime as pallet_oracle::Config>::MaxFeedValues>;

fn feed(pairs: &[(u32, u32)]) -> FeedValues {
	BoundedVec::truncate_from(pairs.iter().map(|(k, v)| (*k, Price::from_u32(*v))).collect())
}

const NOW: u64 = 1_700_000_000_000;

/// Set the chain's clock without running the timestamp inherent's hooks (Aura would insist
/// the time matches its slot).
fn set_now(ms: u64) {
	pallet_timestamp::Now::<Runtime>::put(ms);
}

#[test]
fn an_operator_can_feed_a_price_and_it_is_timestamped() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		set_now(NOW);
		let alice = Sr25519Keyring::Alice.to_account_id();

		assert_ok!(Oracle::feed_values(
			RuntimeOrigin::signed(alice.clone()),
			feed(&[(assets::BTC, 97_000), (assets::ETH, 3_500)])
		));
		// One operator is not the oracle: the dev chain needs two values for a price.
		assert_eq!(Oracle::get(&assets::BTC), None);
		assert_ok!(Oracle::feed_values(
			RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id()),
			feed(&[(assets::BTC, 97_000), (assets::ETH, 3_500)])
		));

		let btc = Oracle::get(&assets::BTC).expect("BTC has a combined value");
		assert_eq!(btc.value, Price::from_u32(97_000));
		assert_eq!(btc.timestamp, NOW);
		assert!(System::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::Oracle(pallet_oracle::Event::NewFeedData { sender, .. }) if *sender == alice
		)));

		// The runtime's price provider (the price guard) exposes the same value with its
		// timestamp, and checks it against the key's guard.
		let p = PriceGuard::price(assets::ETH).expect("ETH priced");
		assert_eq!(p.price, Price::from_u32(3_500));
		assert_eq!(p.timestamp, NOW);
		assert_eq!(PriceGuard::now(), NOW);
		assert_eq!(PriceGuard::price(assets::DOT), None);
		assert_eq!(PriceGuard::checked(assets::ETH, PriceMode::Fresh), Ok(Price::from_u32(3_500)));
	});
}

#[test]
fn a_non_member_cannot_feed() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		set_now(NOW);
		let dave = Sr25519Keyring::Dave.to_account_id();
		assert!(!OracleMembership::members().contains(&dave));

		assert_noop!(
			Oracle::feed_values(RuntimeOrigin::signed(dave), feed(&[(assets::BTC, 1)])),
			pallet_oracle::Error::<Runtime>::NoPermission
		);
		assert_eq!(Oracle::get(&assets::BTC), None);
	});
}

#[test]
fn an_unsigned_origin_cannot_feed() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_noop!(
			Oracle::feed_values(RuntimeOrigin::none(), feed(&[(assets::BTC, 1)])),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn an_operator_feeds_at_most_once_per_block() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		set_now(NOW);
		let bob = Sr25519Keyring::Bob.to_account_id();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		assert_ok!(Oracle::feed_values(
			RuntimeOrigin::signed(bob.clone()),
			feed(&[(assets::DOT, 7)])
		));
		assert_noop!(
			Oracle::feed_values(RuntimeOrigin::signed(bob.clone()), feed(&[(assets::DOT, 8)])),
			pallet_oracle::Error::<Runtime>::AlreadyFeeded
		);

		// Next block: allowed again.
		Oracle::on_finalize(1);
		System::set_block_number(2);
		set_now(NOW + 6_000);
		assert_ok!(Oracle::feed_values(RuntimeOrigin::signed(bob), feed(&[(assets::DOT, 8)])));
		assert_ok!(Oracle::feed_values(RuntimeOrigin::signed(charlie), feed(&[(assets::DOT, 8)])));
		let dot = Oracle::get(&assets::DOT).expect("priced");
		assert_eq!(dot.value, Price::from_u32(8));
		assert_eq!(dot.timestamp, NOW + 6_000);
	});
}

#[test]
fn the_combined_price_is_the_median_of_the_operators() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		set_now(NOW);
		for (who, price) in [
			(Sr25519Keyring::Alice, 3_000u32),
			(Sr25519Keyring::Bob, 3_060),
			(Sr25519Keyring::Charlie, 3_030),
		] {
			assert_ok!(Oracle::feed_values(
				RuntimeOrigin::signed(who.to_account_id()),
				feed(&[(assets::ETH, price)])
			));
		}
		assert_eq!(Oracle::get(&assets::ETH).map(|v| v.value), Some(Price::from_u32(3_030)));
	});
}

#[test]
fn one_key_is_not_the_oracle() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		set_now(NOW);
		let signed = |k: Sr25519Keyring| RuntimeOrigin::signed(k.to_account_id());
		assert_ok!(Oracle::feed_values(
			signed(Sr25519Keyring::Alice),
			feed(&[(assets::BTC, 60_000)])
		));
		assert_ok!(Oracle::feed_values(
			signed(Sr25519Keyring::Bob),
			feed(&[(assets::BTC, 60_100)])
		));
		assert_eq!(Oracle::get(&assets::BTC).map(|v| v.value), Some(Price::from_u32(60_100)));
		// Next block, Charlie alone prints BTC = 1: the chain rejects it (more than 5 % from the
		// operators' median), and the combined price stays.
		Oracle::on_finalize(1);
		System::set_block_number(2);
		set_now(NOW + 6_000);
		assert_ok!(Oracle::feed_values(signed(Sr25519Keyring::Charlie), feed(&[(assets::BTC, 1)])));
		assert_eq!(
			Oracle::get(&assets::BTC).map(|v| (v.value, v.timestamp)),
			Some((Price::from_u32(60_100), NOW))
		);
		System::assert_has_event(RuntimeEvent::PriceGuard(
			pallet_price_guard::Event::FeedValueRejected {
				key: assets::BTC,
				value: Price::from_u32(1),
				median: Price::from_u32(60_000),
			},
		));
		// A value within 5 % of the median counts: it is the new median.
		Oracle::on_finalize(2);
		System::set_block_number(3);
		set_now(NOW + 12_000);
		assert_ok!(Oracle::feed_values(
			signed(Sr25519Keyring::Charlie),
			feed(&[(assets::BTC, 60_050)])
		));
		assert_eq!(Oracle::get(&assets::BTC).map(|v| v.value), Some(Price::from_u32(60_050)));
	});
}

#[test]
fn the_minimum_count_and_deviation_are_governed() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		set_now(NOW);
		let rules = pallet_price_guard::FeedRules {
			min_count: 3,
			max_deviation: polkadot_sdk::sp_arithmetic::Permill::from_percent(1),
		};
		assert_noop!(
			PriceGuard::set_feed_rules(
				RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id()),
				rules
			),
			DispatchError::BadOrigin
		);
		assert_ok!(PriceGuard::set_feed_rules(RuntimeOrigin::root(), rules));
		for who in [Sr25519Keyring::Alice, Sr25519Keyring::Bob] {
			assert_ok!(Oracle::feed_values(
				RuntimeOrigin::signed(who.to_account_id()),
				feed(&[(assets::DOT, 6)])
			));
		}
		assert_eq!(Oracle::get(&assets::DOT), None, "two of three required values");
		assert_ok!(Oracle::feed_values(
			RuntimeOrigin::signed(Sr25519Keyring::Charlie.to_account_id()),
			feed(&[(assets::DOT, 6)])
		));
		assert_eq!(Oracle::get(&assets::DOT).map(|v| v.value), Some(Price::from_u32(6)));
	});
}

#[test]
fn removing_an_operator_revokes_its_permission_and_values() {
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		set_now(NOW);
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		assert_ok!(Oracle::feed_values(
			RuntimeOrigin::signed(charlie.clone()),
			feed(&[(assets::BTC, 50)])
		));
		assert_eq!(Oracle::read_raw_values(&assets::BTC).len(), 1);

		// Only Root manages operators.
		assert_noop!(
			OracleMembership::remove_member(
				RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id()),
				charlie.clone().into()
			),
			DispatchError::BadOrigin
		);
		assert_ok!(OracleMembership::remove_member(RuntimeOrigin::root(), charlie.clone().into()));
		assert!(Oracle::read_raw_values(&assets::BTC).is_empty());

		Oracle::on_finalize(1);
		System::set_block_number(2);
		assert_noop!(
			Oracle::feed_values(RuntimeOrigin::signed(charlie), feed(&[(assets::BTC, 51)])),
			pallet_oracle::Error::<Runtime>::NoPermission
		);
	});
}

#[test]
fn feeds_go_first_in_their_block() {
	use ballast_runtime::{RuntimeCall, TxExtension};
	use polkadot_sdk::{
		frame_support::dispatch::GetDispatchInfo,
		sp_runtime::{
			generic::Era,
			traits::DispatchTransaction,
			transaction_validity::{TransactionPriority, TransactionSource},
		},
	};
	ext_for_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		set_now(NOW);
		let ext = |tip: u128| -> TxExtension {
			(
				frame_system::CheckNonZeroSender::<Runtime>::new(),
				frame_system::CheckSpecVersion::<Runtime>::new(),
				frame_system::CheckTxVersion::<Runtime>::new(),
				frame_system::CheckGenesis::<Runtime>::new(),
				frame_system::CheckEra::<Runtime>::from(Era::Immortal),
				frame_system::CheckNonce::<Runtime>::from(0),
				frame_system::CheckWeight::<Runtime>::new(),
				pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
				frame_system::WeightReclaim::<Runtime>::new(),
				pallet_price_guard::FeedsFirst::<Runtime>::new(),
			)
		};
		let priority = |who: Sr25519Keyring, call: RuntimeCall, tip: u128| -> TransactionPriority {
			let info = call.get_dispatch_info();
			ext(tip)
				.validate_only(
					RuntimeOrigin::signed(who.to_account_id()),
					&call,
					&info,
					100,
					TransactionSource::External,
					0,
				)
				.expect("valid")
				.0
				.priority
		};
		let feed_call: RuntimeCall =
			pallet_oracle::Call::feed_values { values: feed(&[(assets::BTC, 60_000)]) }.into();
		let trade: RuntimeCall =
			pallet_perpetuals::Call::trade { sub: 0, market: 0, size_delta: 1, limit_price: None }
				.into();
		// A trader front-running the feed with a tip of a hundred BLST still comes after it.
		// (Tip-based priority saturates at the same maximum only for a tip of about
		// u64::MAX ÷ transactions-per-block units: thousands of BLST burned per attempt.)
		let feed_priority = priority(Sr25519Keyring::Alice, feed_call.clone(), 0);
		let trade_priority = priority(Sr25519Keyring::Dave, trade, 100 * 10u128.pow(12));
		assert_eq!(feed_priority, TransactionPriority::MAX);
		assert!(trade_priority < feed_priority, "{trade_priority} vs {feed_priority}");
		// A feed from someone who is not an operator gets no head start.
		let outsider = priority(Sr25519Keyring::Dave, feed_call, 0);
		assert!(outsider < feed_priority);
	});
}
