//! Pallet tests: every call's events and error paths, the end-of-block observation, the
//! guarded `PriceProvider`, and `try_state` (positive after every block, negative per rule).

use crate::{mock::*, pallet::*, types::*};
use ballast_primitives::{
	traits::{PriceError, PriceMode, PriceProvider, PriceSource, TimestampedPrice},
	OracleKey, Price,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec},
	frame_system::{self, RawOrigin},
	sp_arithmetic::{traits::Zero, Permill},
	sp_runtime::{BuildStorage, DispatchError},
};
use proptest::prelude::*;

const ETH: OracleKey = 2;

fn root() -> RuntimeOrigin {
	RawOrigin::Root.into()
}

fn eth_guard() -> GuardParams {
	GuardParams {
		min_price: Price::from_u32(10),
		max_price: Price::from_u32(100_000),
		max_age: 30_000,
		trade_age: 30_000,
		max_jump: Permill::from_percent(50),
		jump_confirm: 12_000,
	}
}

fn price(p: u32) -> Price {
	Price::from_u32(p)
}

/// The last valid price of `key`, without its timestamp.
fn lv(key: OracleKey) -> Option<Price> {
	PriceGuard::last_valid(key).map(|p| p.price)
}

fn last_event() -> RuntimeEvent {
	frame_system::Pallet::<Test>::events().pop().expect("an event").event
}

/// A JSON-decoded `Permill` above 100% (SCALE refuses one; serde does not).
fn raw_permill(parts: u32) -> Permill {
	polkadot_sdk::frame_support::__private::serde_json::from_str(&parts.to_string()).unwrap()
}

// ---- set_guard ----

#[test]
fn set_guard_guards_a_new_key_and_emits() {
	new_test_ext().execute_with(|| {
		assert_ok!(PriceGuard::set_guard(root(), ETH, eth_guard()));
		assert_eq!(Guards::<Test>::get(ETH), Some(eth_guard()));
		assert_eq!(GuardedKeys::<Test>::get().into_inner(), vec![BTC, ETH]);
		assert_eq!(last_event(), Event::GuardSet { key: ETH, params: eth_guard() }.into());
		assert_eq!(PriceGuard::bounds(ETH), Some(eth_guard().bounds()));
	});
}

#[test]
fn replacing_a_guard_keeps_the_key_once_and_its_history() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 1_000);
		next_block();
		assert_ok!(PriceGuard::set_volatility(root(), BTC, Permill::from_percent(30)));
		let narrower = GuardParams { min_price: price(60_000), ..btc_guard() };
		assert_ok!(PriceGuard::set_guard(root(), BTC, narrower));
		assert_eq!(GuardedKeys::<Test>::get().into_inner(), vec![BTC]);
		assert_eq!(PriceGuard::bounds(BTC), Some(narrower.bounds()));
		// History stays as recorded, even below the new floor.
		assert_eq!(lv(BTC), Some(price(50_000)));
		assert_eq!(PriceGuard::volatility(BTC), Permill::from_percent(30));
		PriceGuard::do_try_state().unwrap();
	});
}

#[test]
fn set_guard_needs_governance() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			PriceGuard::set_guard(RuntimeOrigin::signed(1), ETH, eth_guard()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_guard_refuses_bad_bounds() {
	new_test_ext().execute_with(|| {
		for bad in [
			GuardParams { min_price: Price::zero(), ..eth_guard() },
			GuardParams { min_price: price(100_000), ..eth_guard() },
			GuardParams { min_price: price(100_001), ..eth_guard() },
		] {
			assert_noop!(
				PriceGuard::set_guard(root(), ETH, bad),
				Error::<Test>::InvalidPriceBounds
			);
			// Replacing a guard with bad bounds changes nothing either.
			assert_noop!(
				PriceGuard::set_guard(root(), BTC, bad),
				Error::<Test>::InvalidPriceBounds
			);
		}
	});
}

#[test]
fn set_guard_refuses_a_trade_age_of_zero_or_beyond_the_max_age() {
	new_test_ext().execute_with(|| {
		for trade_age in [0, 30_001] {
			let bad = GuardParams { trade_age, ..eth_guard() };
			assert_noop!(PriceGuard::set_guard(root(), ETH, bad), Error::<Test>::InvalidTradeAge);
		}
	});
}

#[test]
fn set_guard_refuses_a_zero_max_age() {
	new_test_ext().execute_with(|| {
		let bad = GuardParams { max_age: 0, ..eth_guard() };
		assert_noop!(PriceGuard::set_guard(root(), ETH, bad), Error::<Test>::ZeroMaxAge);
	});
}

#[test]
fn set_guard_refuses_a_key_beyond_max_keys_but_still_replaces() {
	new_test_ext().execute_with(|| {
		for key in 2..=MAX_KEYS {
			assert_ok!(PriceGuard::set_guard(root(), key, eth_guard()));
		}
		assert_noop!(
			PriceGuard::set_guard(root(), MAX_KEYS + 1, eth_guard()),
			Error::<Test>::TooManyKeys
		);
		assert_ok!(PriceGuard::set_guard(root(), BTC, eth_guard()));
	});
}

// ---- set_volatility ----

#[test]
fn set_volatility_sets_the_variance_and_emits() {
	new_test_ext().execute_with(|| {
		let v = Permill::from_percent(20);
		assert_ok!(PriceGuard::set_volatility(root(), BTC, v));
		let state = Volatility::<Test>::get(BTC).unwrap();
		assert_eq!(state.volatility, v);
		assert_eq!(state.variance, Price::from_rational(4, 100));
		assert_eq!(PriceGuard::volatility(BTC), v);
		assert_eq!(last_event(), Event::VolatilitySet { key: BTC, volatility: v }.into());
	});
}

#[test]
fn set_volatility_errors() {
	new_test_ext().execute_with(|| {
		let v = Permill::from_percent(20);
		assert_noop!(
			PriceGuard::set_volatility(RuntimeOrigin::signed(1), BTC, v),
			DispatchError::BadOrigin
		);
		assert_noop!(PriceGuard::set_volatility(root(), ETH, v), Error::<Test>::UnguardedKey);
		assert_noop!(
			PriceGuard::set_volatility(root(), BTC, raw_permill(1_000_001)),
			Error::<Test>::PermillOutOfRange
		);
	});
}

// ---- observation ----

#[test]
fn a_fresh_price_inside_its_bounds_becomes_the_last_valid_one() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 1_000);
		assert_eq!(lv(BTC), None);
		next_block();
		assert_eq!(
			PriceGuard::last_valid_price(BTC),
			Some(TimestampedPrice { price: price(50_000), timestamp: 1_000 })
		);
	});
}

#[test]
fn outlier_print_never_becomes_the_last_valid_price() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 1_000);
		next_block();
		let before = Volatility::<Test>::get(BTC);
		// An operator prints BTC = 1 (below the 1,000 floor), then 10,000,000 (above the cap).
		for outlier in [1, 10_000_000] {
			MockSource::set(BTC, outlier, 2_000);
			next_block();
			assert_eq!(lv(BTC), Some(price(50_000)));
			assert_eq!(Volatility::<Test>::get(BTC), before);
		}
	});
}

#[test]
fn a_stale_price_is_not_recorded_as_valid() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 1_000);
		MockSource::set_now(1_000 + 60_001);
		next_block();
		assert_eq!(lv(BTC), None);
		// Exactly the maximum age is still fresh.
		MockSource::set(BTC, 51_000, 2_000);
		MockSource::set_now(2_000 + 60_000);
		next_block();
		assert_eq!(lv(BTC), Some(price(51_000)));
	});
}

#[test]
fn volatility_moves_from_the_second_newer_price_on() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 1_000);
		next_block();
		assert_eq!(PriceGuard::volatility(BTC), Permill::zero());
		// The same print again (same timestamp) is not a new observation.
		next_block();
		assert_eq!(PriceGuard::volatility(BTC), Permill::zero());
		// +10% a second later, inside the first bucket: read at once as if the bucket closed
		// with it, ln(1.1)² · 144 · (1 − 2^(−1/144)) = 0.00628 a day, volatility ≈ 7.93%.
		MockSource::set(BTC, 55_000, 2_000);
		next_block();
		let v = PriceGuard::volatility(BTC);
		assert!(v > Permill::from_parts(79_000) && v < Permill::from_parts(79_500), "{v:?}");
		// The variance itself waits for the bucket to close.
		assert_eq!(Volatility::<Test>::get(BTC).unwrap().variance, Price::zero());
	});
}

/// A guard without a circuit breaker, for tests of the estimator rather than of the breaker.
fn open_btc() {
	assert_ok!(PriceGuard::set_guard(
		root(),
		BTC,
		GuardParams { max_jump: Permill::one(), ..btc_guard() }
	));
}

const MINUTE: u64 = 60_000;

/// BTC quiet at 50,000 for an hour, then −35% linearly over two minutes (minutes 62 to 64,
/// inside the 10-minute bucket from minute 60), then flat at 32,500.
fn crash_path(t: u64) -> u32 {
	let (from, to) = (62 * MINUTE, 64 * MINUTE);
	if t <= from {
		50_000
	} else if t >= to {
		32_500
	} else {
		(50_000 - 17_500 * (t - from) / (to - from)) as u32
	}
}

/// Feeds `path` every `every` ms from 0 to `end` (one print per block), from a daily
/// volatility of `start`; returns the volatility after each print.
fn run(path: impl Fn(u64) -> u32, every: u64, end: u64, start: Permill) -> Vec<Permill> {
	open_btc();
	assert_ok!(PriceGuard::set_volatility(root(), BTC, start));
	let mut readings = Vec::new();
	let mut t = 0;
	while t <= end {
		MockSource::set(BTC, path(t), t);
		next_block();
		assert_eq!(PriceGuard::last_valid_price(BTC).map(|p| p.timestamp), Some(t));
		readings.push(PriceGuard::volatility(BTC));
		t += every;
	}
	readings
}

#[test]
fn a_two_minute_crash_reads_the_same_at_any_feed_frequency() {
	let end = 64 * MINUTE;
	let quiet = Permill::from_percent(3);
	let last =
		|every| new_test_ext().execute_with(|| *run(crash_path, every, end, quiet).last().unwrap());
	// Every block (6 s, 20 prints of the crash), every minute, every two minutes (the crash in
	// one print): the same reading, in the block the crash's last print is accepted.
	let readings = [last(6_000), last(MINUTE), last(2 * MINUTE)];
	assert_eq!(readings[0], readings[1]);
	assert_eq!(readings[1], readings[2]);
	// From 3% a day: ≈ 35.9% a day (a quiet BTC reads 2–4%).
	assert_eq!(readings[0], Permill::from_parts(359_432));
	// Before the crash the hour reads the same too, and stays near the seed.
	let before = |every| {
		new_test_ext().execute_with(|| *run(crash_path, every, 62 * MINUTE, quiet).last().unwrap())
	};
	let quiet_readings = [before(6_000), before(MINUTE), before(2 * MINUTE)];
	assert_eq!(quiet_readings[0], quiet_readings[1]);
	assert_eq!(quiet_readings[1], quiet_readings[2]);
	assert!(quiet_readings[0] > Permill::from_parts(29_000), "{quiet_readings:?}");
}

#[test]
fn a_crash_through_the_circuit_breaker_reads_large_when_it_is_accepted() {
	new_test_ext().execute_with(|| {
		// BTC's breaker holds a move beyond 20% for 30 s: −35% in one print is held, then
		// accepted by a print 30 s later, and read in that block.
		MockSource::set(BTC, 50_000, 1_000);
		next_block();
		MockSource::set(BTC, 32_500, 60_000);
		next_block();
		assert_eq!(PriceGuard::volatility(BTC), Permill::zero());
		MockSource::set(BTC, 32_500, 90_000);
		next_block();
		assert_eq!(lv(BTC), Some(price(32_500)));
		// From zero: 0.833 · |ln 0.65| ≈ 35.8% a day.
		let v = PriceGuard::volatility(BTC);
		assert!(v > Permill::from_percent(35) && v < Permill::from_percent(36), "{v:?}");
	});
}

#[test]
fn spamming_tiny_prints_cannot_lower_volatility() {
	// After a volatile spell (8% a day), an hour in which BTC does not move: fed honestly every
	// two minutes, or spammed every block with prints alternating by 0.01%.
	let hour = 60 * MINUTE;
	let hot = Permill::from_percent(8);
	let honest =
		new_test_ext().execute_with(|| *run(|_| 50_000, 2 * MINUTE, hour, hot).last().unwrap());
	let spam = |t: u64| if (t / 6_000) % 2 == 1 { 50_005 } else { 50_000 };
	let spammed = new_test_ext().execute_with(|| run(spam, 6_000, hour, hot));
	assert!(*spammed.last().unwrap() >= honest, "{spammed:?} vs {honest:?}");
	// Never below what the hour's time decay alone leaves (2^(−1/24) in variance).
	assert!(spammed.iter().all(|v| *v >= honest), "{spammed:?}");
	assert!(honest > Permill::from_parts(78_000), "{honest:?}");
}

#[test]
fn a_long_gap_decays_without_overflow() {
	new_test_ext().execute_with(|| {
		assert_ok!(PriceGuard::set_volatility(root(), BTC, Permill::from_percent(40)));
		MockSource::set(BTC, 50_000, 1_000);
		next_block();
		assert_eq!(PriceGuard::volatility(BTC), Permill::from_percent(40));
		// No prints for a week (the oracle was down), then the same price: the variance has
		// halved seven times, 40% / √128 ≈ 3.54%.
		MockSource::set(BTC, 50_000, 1_000 + 7 * 86_400_000);
		next_block();
		let v = PriceGuard::volatility(BTC);
		assert!(v > Permill::from_parts(35_300) && v < Permill::from_parts(35_500), "{v:?}");
		// Then a far-future timestamp and a move: spread over the gap, no overflow.
		MockSource::set(BTC, 60_000, u64::MAX / 2);
		next_block();
		assert!(PriceGuard::volatility(BTC) < Permill::from_percent(1));
	});
}

#[test]
fn set_volatility_is_a_daily_figure_that_prices_then_move() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 0);
		next_block();
		assert_ok!(PriceGuard::set_volatility(root(), BTC, Permill::from_percent(5)));
		assert_eq!(PriceGuard::volatility(BTC), Permill::from_percent(5));
		// A quiet day of 10-minute buckets halves the variance: 5% / √2 ≈ 3.54%.
		for i in 1..=144u64 {
			MockSource::set(BTC, 50_000, i * 10 * MINUTE);
			next_block();
		}
		let v = PriceGuard::volatility(BTC);
		assert!(v > Permill::from_parts(35_300) && v < Permill::from_parts(35_400), "{v:?}");
	});
}

#[test]
fn an_unguarded_key_is_neither_observed_nor_usable() {
	new_test_ext().execute_with(|| {
		MockSource::set(ETH, 2_000, 1_000);
		next_block();
		assert_eq!(lv(ETH), None);
		assert_eq!(Volatility::<Test>::get(ETH), None);
		assert_eq!(PriceGuard::checked(ETH, PriceMode::Fresh), Err(PriceError::Missing));
		assert_eq!(PriceGuard::checked(ETH, PriceMode::LastKnown), Ok(price(2_000)));
	});
}

#[test]
fn a_key_guarded_for_a_market_alone_gets_conservative_pricing() {
	// ETH is not collateral anywhere here: guarding its key is all it takes.
	new_test_ext().execute_with(|| {
		assert_ok!(PriceGuard::set_guard(root(), ETH, eth_guard()));
		MockSource::set(ETH, 2_000, 1_000);
		next_block();
		MockSource::set(ETH, 5, 2_000); // below ETH's floor of 10
		assert_eq!(PriceGuard::checked(ETH, PriceMode::Conservative), Ok(price(2_000)));
		assert_eq!(PriceGuard::checked(ETH, PriceMode::Fresh), Err(PriceError::OutOfBounds));
	});
}

// ---- circuit breaker ----

fn conservative(key: OracleKey) -> Result<Price, PriceError> {
	PriceGuard::checked(key, PriceMode::Conservative)
}

#[test]
fn one_outlier_print_inside_the_bounds_never_executes() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 1_000);
		next_block();
		// −60% in one print, still inside BTC's bounds: held, not used.
		MockSource::set(BTC, 20_000, 7_000);
		assert_eq!(PriceGuard::checked(BTC, PriceMode::Fresh), Err(PriceError::Jump));
		assert_eq!(conservative(BTC), Ok(price(50_000)));
		next_block();
		assert_eq!(PendingJump::<Test>::get(BTC), Some(7_000));
		assert_eq!(
			last_event(),
			Event::JumpHeld { key: BTC, last_valid: price(50_000), print: price(20_000) }.into()
		);
		// The next print is back near the last valid price: the hold ends, nothing moved.
		MockSource::set(BTC, 50_500, 13_000);
		next_block();
		assert_eq!(PendingJump::<Test>::get(BTC), None);
		assert_eq!(lv(BTC), Some(price(50_500)));
	});
}

#[test]
fn a_crash_that_persists_is_followed_after_jump_confirm() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 1_000);
		next_block();
		// A genuine crash, fed every 6 s: held for 30 s of oracle time, then accepted.
		for (i, p) in [30_000, 29_000, 28_500, 28_000, 27_000].iter().enumerate() {
			MockSource::set(BTC, *p, 10_000 + 6_000 * i as u64);
			next_block();
			assert_eq!(lv(BTC), Some(price(50_000)), "still held at print {i}");
		}
		MockSource::set(BTC, 26_000, 40_000);
		next_block();
		assert_eq!(lv(BTC), Some(price(26_000)));
		assert_eq!(PendingJump::<Test>::get(BTC), None);
		assert_eq!(
			last_event(),
			Event::JumpConfirmed { key: BTC, from: price(50_000), to: price(26_000) }.into()
		);
		// The jump entered the volatility: haircuts widen after a crash.
		assert!(PriceGuard::volatility(BTC) > Permill::from_percent(10));
	});
}

#[test]
fn a_jump_is_not_confirmed_by_a_print_that_is_not_refreshed() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 1_000);
		next_block();
		MockSource::set(BTC, 20_000, 7_000);
		// The same print, never refreshed, however long: never confirmed.
		for _ in 0..20 {
			MockSource::set_now(MockSource::now() + 6_000);
			next_block();
		}
		assert_eq!(lv(BTC), Some(price(50_000)));
	});
}

#[test]
fn nothing_executes_once_the_last_valid_price_is_too_old_and_the_pause_clock_ticks() {
	new_test_ext().execute_with(|| {
		MockSource::set(BTC, 50_000, 1_000);
		next_block();
		assert_eq!(InvalidBlocks::<Test>::get(BTC), 0);
		MockSource::set(BTC, 1, 2_000); // out of bounds
		next_block();
		assert_eq!(conservative(BTC), Ok(price(50_000)));
		assert_eq!(InvalidBlocks::<Test>::get(BTC), 0);
		// One minute after the last valid print, liquidation on BTC pauses.
		MockSource::set_now(1_000 + 60_001);
		assert_eq!(conservative(BTC), Err(PriceError::OutOfBounds));
		next_block();
		next_block();
		assert_eq!(PriceGuard::invalid_blocks(BTC), 2);
		// A usable print resumes it, and the clock stands still again.
		MockSource::set(BTC, 49_000, 61_500);
		next_block();
		assert_eq!(conservative(BTC), Ok(price(49_000)));
		assert_eq!(PriceGuard::invalid_blocks(BTC), 2);
	});
}

#[test]
fn set_guard_refuses_a_bad_breaker() {
	new_test_ext().execute_with(|| {
		let zero = GuardParams { max_jump: Permill::zero(), ..eth_guard() };
		assert_noop!(PriceGuard::set_guard(root(), ETH, zero), Error::<Test>::InvalidMaxJump);
		let over = GuardParams { max_jump: raw_permill(1_000_001), ..eth_guard() };
		assert_noop!(PriceGuard::set_guard(root(), ETH, over), Error::<Test>::InvalidMaxJump);
		let instant = GuardParams { jump_confirm: 0, ..eth_guard() };
		assert_noop!(PriceGuard::set_guard(root(), ETH, instant), Error::<Test>::ZeroJumpConfirm);
		let forever = GuardParams { jump_confirm: MAX_PRICE_AGE + 1, ..eth_guard() };
		assert_noop!(
			PriceGuard::set_guard(root(), ETH, forever),
			Error::<Test>::JumpConfirmTooLong
		);
	});
}

#[test]
fn a_stale_price_cannot_be_made_valid_forever() {
	// Scenario 10: with no upper bound, governance (or a mistaken referendum) could set a
	// maximum age of years, and liquidation would act on a price from then.
	new_test_ext().execute_with(|| {
		let years = GuardParams { max_age: u64::MAX, ..eth_guard() };
		assert_noop!(PriceGuard::set_guard(root(), ETH, years), Error::<Test>::MaxAgeTooLong);
		let hour = GuardParams { max_age: MAX_PRICE_AGE, ..eth_guard() };
		assert_ok!(PriceGuard::set_guard(root(), ETH, hour));
	});
}

#[test]
fn the_observation_reserves_and_reports_its_weight() {
	new_test_ext().execute_with(|| {
		assert_ok!(PriceGuard::set_guard(root(), ETH, eth_guard()));
		let expected = <() as crate::WeightInfo>::observe(2);
		assert_eq!(PriceGuard::on_initialize(2), expected);
		assert_eq!(PriceGuard::observe_prices(), expected);
		assert!(expected.ref_time() > <() as crate::WeightInfo>::observe(1).ref_time());
	});
}

// ---- genesis ----

#[test]
#[should_panic(expected = "cannot guard key 2")]
fn genesis_refuses_an_invalid_guard() {
	let _ = RuntimeGenesisConfig {
		system: Default::default(),
		price_guard: crate::GenesisConfig {
			guards: vec![(ETH, GuardParams { max_age: 0, ..eth_guard() })],
			volatility: vec![],
			..Default::default()
		},
	}
	.build_storage();
}

#[test]
fn genesis_sets_volatility() {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		price_guard: crate::GenesisConfig {
			guards: vec![(ETH, eth_guard())],
			volatility: vec![(ETH, Permill::from_percent(50))],
			..Default::default()
		},
	}
	.build_storage()
	.unwrap();
	polkadot_sdk::sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(PriceGuard::volatility(ETH), Permill::from_percent(50));
		PriceGuard::do_try_state().unwrap();
	});
}

// ---- feed rules and combination ----

#[test]
fn set_feed_rules_stores_them_and_emits() {
	new_test_ext().execute_with(|| {
		assert_eq!(FeedRulesOf::<Test>::get(), FeedRules::default());
		let rules = FeedRules { min_count: 2, max_deviation: Permill::from_percent(5) };
		assert_ok!(PriceGuard::set_feed_rules(root(), rules));
		assert_eq!(FeedRulesOf::<Test>::get(), rules);
		assert_eq!(last_event(), Event::FeedRulesSet { rules }.into());
	});
}

#[test]
fn set_feed_rules_errors() {
	new_test_ext().execute_with(|| {
		let rules = FeedRules { min_count: 2, max_deviation: Permill::from_percent(5) };
		assert_noop!(
			PriceGuard::set_feed_rules(RuntimeOrigin::signed(1), rules),
			DispatchError::BadOrigin
		);
		assert_noop!(
			PriceGuard::set_feed_rules(root(), FeedRules { min_count: 0, ..rules }),
			Error::<Test>::ZeroMinCount
		);
		for bad in [Permill::zero(), raw_permill(1_000_001)] {
			assert_noop!(
				PriceGuard::set_feed_rules(root(), FeedRules { max_deviation: bad, ..rules }),
				Error::<Test>::InvalidMaxDeviation
			);
		}
	});
}

fn fed(values: &[u32], at: u64) -> Vec<TimestampedPrice> {
	values.iter().map(|v| TimestampedPrice { price: price(*v), timestamp: at }).collect()
}

const RULES: FeedRules = FeedRules { min_count: 2, max_deviation: Permill::from_percent(5) };

#[test]
fn one_key_is_not_the_oracle() {
	use crate::combine::combine;
	// One operator alone makes no price under a minimum count of two.
	assert_eq!(combine(&fed(&[1], 1_000), 1_000, 600_000, RULES).price, None);
	// Its outlier among three honest operators is rejected; the price is the honest median.
	let c = combine(&fed(&[60_000, 60_100, 59_900, 1], 1_000), 1_000, 600_000, RULES);
	assert_eq!(c.price.map(|p| p.price), Some(price(60_000)));
	assert_eq!(c.rejected, vec![(fed(&[1], 1_000)[0], price(60_000))]);
	// Among two honest ones, high or low, too: it can neither move nor freeze the price.
	for rogue in [1, 1_000_000] {
		let c = combine(&fed(&[60_000, 60_100, rogue], 1_000), 1_000, 600_000, RULES);
		assert_eq!(c.price.map(|p| p.price), Some(price(60_100)), "rogue {rogue}");
	}
	// Two operators that disagree by more than the deviation make no price at all.
	assert_eq!(combine(&fed(&[60_000, 30_000], 1_000), 1_000, 600_000, RULES).price, None);
	// Expired values take no part.
	let mut values = fed(&[60_000], 1_000);
	values.extend(fed(&[61_000, 61_100], 700_000));
	let c = combine(&values, 700_000, 600_000, RULES);
	assert_eq!(c.price.map(|p| p.price), Some(price(61_100)));
}

proptest! {
	#[test]
	fn one_rogue_among_honest_operators_never_moves_the_price_beyond_the_deviation(
		honest in proptest::collection::vec(59_000u32..=61_000, 3..8),
		rogue in 1u32..=10_000_000,
	) {
		let mut values = fed(&honest, 1_000);
		values.extend(fed(&[rogue], 1_000));
		let c = crate::combine::combine(&values, 1_000, 600_000, RULES);
		let p = c.price.expect("honest operators agree within 5%").price;
		// Within the honest range.
		prop_assert!(p >= price(59_000) && p <= price(61_000), "{p:?}");
	}
}

// ---- try_state ----

#[test]
fn try_state_catches_a_duplicate_key() {
	new_test_ext().execute_with(|| {
		GuardedKeys::<Test>::put(BoundedVec::truncate_from(vec![BTC, BTC]));
		assert!(PriceGuard::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_a_guard_missing_from_the_key_list() {
	new_test_ext().execute_with(|| {
		Guards::<Test>::insert(ETH, eth_guard());
		assert!(PriceGuard::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_an_invalid_stored_guard() {
	new_test_ext().execute_with(|| {
		Guards::<Test>::insert(BTC, GuardParams { max_age: 0, ..btc_guard() });
		assert!(PriceGuard::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_history_of_an_unguarded_key() {
	new_test_ext().execute_with(|| {
		LastValid::<Test>::insert(ETH, TimestampedPrice { price: price(1), timestamp: 1 });
		assert!(PriceGuard::do_try_state().is_err());
	});
	new_test_ext().execute_with(|| {
		Volatility::<Test>::insert(ETH, VolatilityState::default());
		assert!(PriceGuard::do_try_state().is_err());
	});
	new_test_ext().execute_with(|| {
		PendingJump::<Test>::insert(ETH, 1);
		assert!(PriceGuard::do_try_state().is_err());
	});
	new_test_ext().execute_with(|| {
		InvalidBlocks::<Test>::insert(ETH, 1);
		assert!(PriceGuard::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_an_inconsistent_volatility_state() {
	let last = Some(TimestampedPrice { price: price(50_000), timestamp: 10 });
	let later = Some(TimestampedPrice { price: price(50_000), timestamp: 11 });
	for state in [
		// Reports less than its variance's volatility (2%).
		VolatilityState {
			variance: Price::from_rational(4, 10_000),
			volatility: Permill::from_percent(1),
			..Default::default()
		},
		// An anchor without a last observation, a last observation without an anchor, an
		// anchor after the last observation.
		VolatilityState { anchor: last, ..Default::default() },
		VolatilityState { last_observation: last, ..Default::default() },
		VolatilityState { anchor: later, last_observation: last, ..Default::default() },
	] {
		new_test_ext().execute_with(|| {
			Volatility::<Test>::insert(BTC, state);
			assert!(PriceGuard::do_try_state().is_err(), "{state:?}");
		});
	}
	new_test_ext().execute_with(|| {
		let ok = VolatilityState { anchor: last, last_observation: later, ..Default::default() };
		Volatility::<Test>::insert(BTC, ok);
		PriceGuard::do_try_state().unwrap();
	});
}

#[test]
fn try_state_catches_a_volatility_above_one_as_undecodable() {
	new_test_ext().execute_with(|| {
		let state = VolatilityState { volatility: raw_permill(1_000_001), ..Default::default() };
		Volatility::<Test>::insert(BTC, state);
		assert!(PriceGuard::do_try_state().is_err());
	});
}

// ---- VolatilityState::observe ----

fn at(p: u32, t: u64) -> TimestampedPrice {
	TimestampedPrice { price: price(p), timestamp: t }
}

fn params() -> ballast_primitives::math::volatility::Params {
	ballast_primitives::math::volatility::Params::ballast()
}

#[test]
fn observe_needs_a_strictly_newer_price_inside_the_band() {
	let bounds = btc_guard().bounds();
	let mut s = VolatilityState::default();
	assert!(s.observe(at(50_000, 10), &bounds, &params()));
	assert_eq!(s.variance, Price::zero());
	assert_eq!(s.anchor, Some(at(50_000, 10)));
	assert!(!s.observe(at(60_000, 10), &bounds, &params()));
	assert!(!s.observe(at(60_000, 9), &bounds, &params()));
	assert!(!s.observe(at(999, 11), &bounds, &params()));
	assert!(s.observe(at(60_000, 11), &bounds, &params()));
	// Inside the bucket: the variance waits, the reading does not.
	assert_eq!(s.variance, Price::zero());
	assert!(s.volatility > Permill::from_percent(15));
	assert_eq!(s.last_observation, Some(at(60_000, 11)));
	// The bucket closes 10 minutes after its anchor: ln(1.2)² folded in, the print anchors.
	assert!(s.observe(at(60_000, 600_010), &bounds, &params()));
	assert!(s.variance > Price::zero());
	assert_eq!(s.anchor, Some(at(60_000, 600_010)));
}

// ---- migration to version 2 ----

#[test]
fn migration_v2_seeds_the_new_state_from_the_old_volatility() {
	use crate::migrations::v2::{MigrateV1ToV2, OldVolatilityState};
	use polkadot_sdk::frame_support::{
		storage::unhashed,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	};
	new_test_ext().execute_with(|| {
		assert_ok!(PriceGuard::set_guard(root(), ETH, eth_guard()));
		// Version 1's state: BTC tracked (2% per update, last print at t = 5,000), ETH seeded
		// by governance and never observed.
		let btc = OldVolatilityState {
			variance: Price::from_rational(4, 10_000),
			volatility: Permill::from_percent(2),
			last_observation: Some(at(50_000, 5_000)),
		};
		let eth = OldVolatilityState {
			variance: Price::from_rational(1, 100),
			volatility: Permill::from_percent(10),
			last_observation: None,
		};
		unhashed::put(&Volatility::<Test>::hashed_key_for(BTC), &btc);
		unhashed::put(&Volatility::<Test>::hashed_key_for(ETH), &eth);
		StorageVersion::new(1).put::<PriceGuard>();

		MigrateV1ToV2::<Test>::on_runtime_upgrade();

		assert_eq!(PriceGuard::on_chain_storage_version(), StorageVersion::new(2));
		let b = Volatility::<Test>::get(BTC).unwrap();
		assert_eq!(b.volatility, Permill::from_percent(2));
		assert_eq!(b.variance, Price::from_rational(4, 10_000));
		assert_eq!(b.anchor, Some(at(50_000, 5_000)));
		assert_eq!(b.last_observation, Some(at(50_000, 5_000)));
		let e = Volatility::<Test>::get(ETH).unwrap();
		assert_eq!(
			e,
			VolatilityState {
				variance: Price::from_rational(1, 100),
				volatility: Permill::from_percent(10),
				anchor: None,
				last_observation: None
			}
		);
		assert_eq!(PriceGuard::volatility(ETH), Permill::from_percent(10));
		PriceGuard::do_try_state().unwrap();

		// At version 2 it does nothing.
		let before = Volatility::<Test>::get(BTC);
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Volatility::<Test>::get(BTC), before);

		// The estimator goes on from the seed: the next price is measured from the old last one.
		MockSource::set(BTC, 45_000, 6_000);
		next_block();
		assert!(PriceGuard::volatility(BTC) > Permill::from_percent(8));
	});
}

#[test]
fn genesis_is_at_storage_version_two() {
	use polkadot_sdk::frame_support::traits::{GetStorageVersion, StorageVersion};
	new_test_ext().execute_with(|| {
		assert_eq!(PriceGuard::on_chain_storage_version(), StorageVersion::new(2));
		assert_eq!(PriceGuard::in_code_storage_version(), StorageVersion::new(2));
	});
}

proptest! {
	#[test]
	fn volatility_stays_within_one_and_at_least_the_variance(
		prints in proptest::collection::vec((1_000u32..=1_000_000, 1u64..1_200_000), 1..40),
	) {
		let bounds = btc_guard().bounds();
		let mut s = VolatilityState::default();
		let mut t = 0u64;
		for (p, dt) in prints {
			t += dt;
			prop_assert!(s.observe(at(p, t), &bounds, &params()));
			prop_assert!(s.volatility <= Permill::one());
			prop_assert!(
				s.volatility
					>= ballast_primitives::math::volatility::volatility_from_variance(s.variance)
			);
		}
	}
}
