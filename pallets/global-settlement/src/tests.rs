//! Tests: the trigger (origin, every error, the event), the settlement over several blocks (the
//! cap, the budget, the cursor resuming, the events), the status the products read, and the
//! invariants with corrupted states.

use crate::{mock::*, pallet::*, types::Phase, Error, Event, WeightInfo};
use ballast_primitives::{
	traits::{PriceError, SettlementStatus},
	Price,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, weights::Weight, BoundedVec},
	sp_runtime::DispatchError,
};

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

fn prices() -> Vec<(u32, Price)> {
	vec![(BTC_KEY, Price::from_u32(60_000)), (ETH_KEY, Price::from_u32(3_000))]
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::GlobalSettlement(e) => Some(e),
			_ => None,
		})
		.collect()
}

#[test]
fn only_the_settle_origin_triggers() {
	test(|| {
		assert_noop!(GlobalSettlement::trigger(RuntimeOrigin::signed(1)), DispatchError::BadOrigin);
		assert_noop!(GlobalSettlement::trigger(RuntimeOrigin::none()), DispatchError::BadOrigin);
		assert!(<GlobalSettlement as SettlementStatus>::is_live());
	});
}

#[test]
fn trigger_fixes_one_valid_price_per_key_and_stops_trading() {
	test(|| {
		assert_ok!(GlobalSettlement::trigger(root()));
		System::assert_last_event(Event::Triggered { prices: prices() }.into());
		assert_eq!(SettlementPrices::<Test>::get().into_inner(), prices());
		assert_eq!(Status::<Test>::get(), Phase::Settling { since: 1, settled: 0, blocks: 0 });
		assert!(!<GlobalSettlement as SettlementStatus>::is_live());
		assert!(<GlobalSettlement as SettlementStatus>::is_settling());
		// Later prices change nothing.
		MockPrices::set(BTC_KEY, 10_000);
		next_block();
		assert_eq!(MockProducts::seen()[0], prices());
	});
}

#[test]
fn trigger_without_a_valid_price_for_every_key_changes_nothing() {
	test(|| {
		for why in
			[PriceError::Missing, PriceError::Stale, PriceError::OutOfBounds, PriceError::Jump]
		{
			MockPrices::fail(ETH_KEY, why);
			assert_noop!(GlobalSettlement::trigger(root()), Error::<Test>::PriceUnavailable);
			assert_eq!(Status::<Test>::get(), Phase::Live);
			assert!(SettlementPrices::<Test>::get().is_empty());
		}
	});
}

#[test]
fn trigger_is_once_and_irreversible() {
	test(|| {
		assert_ok!(GlobalSettlement::trigger(root()));
		assert_noop!(GlobalSettlement::trigger(root()), Error::<Test>::AlreadyTriggered);
		while !matches!(Status::<Test>::get(), Phase::Settled { .. }) {
			next_block();
		}
		assert_noop!(GlobalSettlement::trigger(root()), Error::<Test>::AlreadyTriggered);
		assert!(!<GlobalSettlement as SettlementStatus>::is_live());
		assert!(!<GlobalSettlement as SettlementStatus>::is_settling());
	});
}

#[test]
fn more_keys_than_the_bound_are_refused() {
	test(|| {
		for k in 1..=5 {
			MockPrices::set(k, 100);
		}
		MockProducts::open(&[1, 2, 3, 4, 5], 3);
		assert_noop!(GlobalSettlement::trigger(root()), Error::<Test>::TooManyKeys);
	});
}

#[test]
fn trigger_is_refunded_to_its_keys() {
	test(|| {
		let info = GlobalSettlement::trigger(root()).unwrap();
		assert_eq!(info.actual_weight, Some(<() as WeightInfo>::trigger(2)));
	});
}

#[test]
fn hundreds_of_positions_settle_over_several_blocks_within_cap_and_budget() {
	test(|| {
		// Live: nothing to do.
		assert_eq!(next_block(), <() as WeightInfo>::step_idle());
		assert_ok!(GlobalSettlement::trigger(root()));
		let budget = SettleBudget::get();
		let mut per_block = Vec::new();
		let mut blocks = 0;
		while !matches!(Status::<Test>::get(), Phase::Settled { .. }) {
			let before = MockProducts::left();
			let w = next_block();
			let n = before - MockProducts::left();
			assert!(n <= MAX_PER_BLOCK, "the cap");
			assert!(w.all_lte(budget), "the budget: {w:?}");
			assert_eq!(w, <() as WeightInfo>::step_base() + PER_POSITION * u64::from(n));
			per_block.push(n);
			blocks += 1;
			assert!(blocks < 20, "no progress");
		}
		// The budget allows 50 a block: 6 blocks for 300, each resuming where the last stopped.
		assert_eq!(per_block, vec![50, 50, 50, 50, 50, 50]);
		assert_eq!(MockProducts::left(), 0);
		assert_eq!(Status::<Test>::get(), Phase::Settled { since: 2, at: 8, settled: 300 });
		let ev = events();
		assert_eq!(ev.iter().filter(|e| matches!(e, Event::Progress { .. })).count(), 6);
		assert!(ev.contains(&Event::Progress { settled: 50, total: 150 }));
		assert_eq!(ev.last(), Some(&Event::Completed { total: 300 }));
		// Settled: idle again.
		assert_eq!(next_block(), <() as WeightInfo>::step_idle());
	});
}

#[test]
fn the_cap_binds_when_the_budget_is_larger() {
	test(|| {
		SettleBudget::set(Weight::from_parts(u64::MAX / 2, u64::MAX / 2));
		assert_ok!(GlobalSettlement::trigger(root()));
		next_block();
		assert_eq!(MockProducts::left(), 300 - MAX_PER_BLOCK);
		assert_eq!(
			Status::<Test>::get(),
			Phase::Settling { since: 1, settled: MAX_PER_BLOCK, blocks: 1 }
		);
	});
}

#[test]
fn nothing_open_completes_in_the_next_block() {
	test(|| {
		MockProducts::open(&[BTC_KEY], 0);
		assert_ok!(GlobalSettlement::trigger(root()));
		System::assert_last_event(
			Event::Triggered { prices: vec![(BTC_KEY, Price::from_u32(60_000))] }.into(),
		);
		next_block();
		assert_eq!(Status::<Test>::get(), Phase::Settled { since: 1, at: 2, settled: 0 });
		assert_eq!(events().last(), Some(&Event::Completed { total: 0 }));
	});
}

#[test]
fn try_state_catches_corrupted_states() {
	let corrupt = |f: fn()| {
		new_test_ext().execute_with(|| {
			assert_ok!(GlobalSettlement::do_try_state());
			f();
			assert!(GlobalSettlement::do_try_state().is_err());
		})
	};
	// Prices while live.
	corrupt(|| SettlementPrices::<Test>::put(BoundedVec::truncate_from(prices())));
	// Unsorted prices.
	corrupt(|| {
		let mut p = prices();
		p.reverse();
		SettlementPrices::<Test>::put(BoundedVec::truncate_from(p));
		Status::<Test>::put(Phase::Settling { since: 1, settled: 0, blocks: 0 });
	});
	// A zero price.
	corrupt(|| {
		SettlementPrices::<Test>::put(BoundedVec::truncate_from(vec![(1, Price::from_u32(0))]));
		Status::<Test>::put(Phase::Settling { since: 1, settled: 0, blocks: 0 });
	});
	// A trigger in the future.
	corrupt(|| Status::<Test>::put(Phase::Settling { since: 5, settled: 0, blocks: 0 }));
	// Completed before its trigger.
	corrupt(|| Status::<Test>::put(Phase::Settled { since: 1, at: 0, settled: 0 }));
}
