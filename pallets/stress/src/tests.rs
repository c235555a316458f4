//! The stress test over the mock runtime: sums, incremental updates, bounds per block, the
//! controller, parameters and invariants. Every block runs `do_try_state` (exact totals).

use crate::{mock::*, pallet::*, Error, Event, ScenarioParams, StressParams};
use ballast_primitives::traits::{OnAccountChange, RiskTightening, StressHolding};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, weights::Weight, BoundedVec},
	sp_arithmetic::{FixedU128, Permill},
	sp_runtime::DispatchError,
};

fn usdc(n: u128) -> u128 {
	n * USDC
}

/// Run blocks until the pass in progress completes; how many it took.
fn finish_pass() -> u32 {
	let id = Pass::<Test>::get().id;
	for n in 1..=1_000 {
		next_block();
		if Completed::<Test>::get().is_some_and(|c| c.id >= id.max(1)) {
			return n;
		}
	}
	panic!("the pass never completed");
}

/// A long of 1 BTC at 60,000 with 6,000 of equity (bankrupt at −10 %), a short of 1 BTC with
/// 3,000 (bankrupt at +5 %), and an account with nothing at risk.
fn three_accounts() {
	MockAccounts::set(1, 0, Some(profile(6_000, &[], &[long(BTC_KEY, 1, 60_000)])));
	MockAccounts::set(2, 0, Some(profile(3_000, &[], &[long(BTC_KEY, -1, 60_000)])));
	MockAccounts::set(3, 0, None);
}

#[test]
fn a_pass_sums_every_accounts_loss_beyond_its_equity() {
	test(|| {
		three_accounts();
		MockCapacity::set(usdc(30_000) as i128);
		finish_pass();
		let report = Stress::report();
		// −30 %: the long loses 18,000 with 6,000; +10 %: the short 6,000 with 3,000; +30 %:
		// 18,000 with 3,000.
		let expected = vec![usdc(12_000), 0, usdc(3_000), usdc(15_000)];
		assert_eq!(report.completed_totals, expected);
		assert_eq!(report.worst_shortfall, usdc(15_000));
		assert_eq!(report.coverage, Some(FixedU128::from_u32(2)));
		// The account with nothing at risk is not walked at all.
		assert!(events().contains(&Event::PassCompleted {
			pass: 1,
			visited: 2,
			worst_shortfall: usdc(15_000)
		}));
		// Only the accounts at risk keep a contribution.
		assert_eq!(Contributions::<Test>::iter().count(), 2);
		assert_eq!(Stress::account_shortfalls(&1, 0), vec![usdc(12_000), 0, 0, 0]);
		assert_eq!(Stress::account_shortfalls(&3, 0), Vec::<u128>::new());
	});
}

#[test]
fn a_flood_of_empty_accounts_does_not_lengthen_the_pass() {
	test(|| {
		// An attacker opens thousands of margin accounts with nothing in them (each costs its
		// deposit); the pass walks only the two that can fall short.
		for who in 100..5_100 {
			MockAccounts::set(who, 0, None);
		}
		three_accounts();
		assert_eq!(finish_pass(), 1);
		let completed = Completed::<Test>::get().unwrap();
		assert_eq!(completed.visited, 2);
		assert_eq!(completed.totals.to_vec(), vec![usdc(12_000), 0, usdc(3_000), usdc(15_000)]);
	});
}

#[test]
fn a_changed_account_is_valued_again_in_the_next_block_without_double_counting() {
	test(|| {
		three_accounts();
		finish_pass();
		let before = Completed::<Test>::get().unwrap().totals.to_vec();
		// The long loses 5,000 of its equity: −10 % now sinks it by 5,000, −30 % by 17,000.
		MockAccounts::set(1, 0, Some(profile(1_000, &[], &[long(BTC_KEY, 1, 60_000)])));
		Stress::changed(&1, 0);
		// Valued again from the queue, then the pass (which had visited everyone) ends.
		next_block();
		let totals = Completed::<Test>::get().unwrap().totals.to_vec();
		assert_eq!(totals[0], before[0] + usdc(5_000));
		assert_eq!(totals[1], before[1] + usdc(5_000));
		// The pass reaches it again: replaced, not added (try_state checks the sum exactly).
		finish_pass();
		assert_eq!(
			Completed::<Test>::get().unwrap().totals.to_vec(),
			vec![usdc(17_000), usdc(5_000), usdc(3_000), usdc(15_000)]
		);
	});
}

#[test]
fn scenarios_are_prices_fixed_for_the_pass_not_moves_from_each_accounts_price() {
	test(|| {
		// Account 1 is valued first, at 60,000: that is the pass's reference.
		MockAccounts::set(1, 0, Some(profile(6_000, &[], &[long(BTC_KEY, 1, 60_000)])));
		// Account 2's position is valued at 50,000 (the price moved between them). −30 % of
		// the reference is 42,000: it loses 8,000 with 1,000 of equity (not 15,000 − 1,000).
		MockAccounts::set(2, 0, Some(profile(1_000, &[], &[long(BTC_KEY, 1, 50_000)])));
		next_block();
		assert_eq!(Contributions::<Test>::get(2, 0).unwrap().shortfalls[0], usdc(7_000));
		assert_eq!(
			References::<Test>::get(BTC_KEY),
			Some((1, ballast_primitives::Price::from_u32(60_000)))
		);
	});
}

#[test]
fn collateral_falls_with_its_key_in_every_scenario() {
	test(|| {
		// 1 BTC of collateral at 60,000 against 50,000 of debt: 10,000 of equity.
		let btc = StressHolding {
			key: BTC_KEY,
			price: ballast_primitives::Price::from_u32(60_000),
			value: usdc(60_000),
		};
		MockAccounts::set(1, 0, Some(profile(10_000, &[btc], &[])));
		finish_pass();
		assert_eq!(Completed::<Test>::get().unwrap().totals.to_vec(), vec![usdc(8_000), 0, 0, 0]);
	});
}

#[test]
fn the_pass_is_bounded_per_block_and_resumes_where_it_stopped() {
	test(|| {
		for who in 1..=10 {
			MockAccounts::set(who, 0, Some(profile(100, &[], &[long(BTC_KEY, 1, 60_000)])));
		}
		// Three accounts per block: 3, 3, 3, then 1 and the end.
		assert_eq!(finish_pass(), 4);
		let c = Completed::<Test>::get().unwrap();
		assert_eq!(c.visited, 10);
		assert_eq!(c.totals[0], 10 * usdc(18_000 - 100));
	});
}

#[test]
fn a_flood_of_changes_cannot_stop_the_pass() {
	test(|| {
		for who in 1..=20 {
			MockAccounts::set(who, 0, Some(profile(100, &[], &[long(BTC_KEY, 1, 60_000)])));
		}
		let id = Pass::<Test>::get().id;
		let mut blocks = 0;
		while Completed::<Test>::get().is_none_or(|c| c.id <= id) {
			// Every account changes in every block.
			for who in 1..=20 {
				Stress::changed(&who, 0);
			}
			next_block();
			blocks += 1;
			assert!(blocks <= 8, "the queue starved the pass");
		}
		// The queue is never drained beyond half the budget: some stay for the next block.
		assert!(Dirty::<Test>::iter().count() > 0);
	});
}

#[test]
fn the_weight_used_is_charged_per_account_and_never_exceeds_the_budget() {
	test(|| {
		let empty = next_block();
		for who in 1..=3 {
			MockAccounts::set(who, 0, Some(profile(100, &[], &[long(BTC_KEY, 1, 60_000)])));
		}
		let busy = next_block();
		assert!(busy.ref_time() > empty.ref_time());
		// A budget below the base does nothing at all.
		Budget::set(Weight::from_parts(1, 1));
		assert_eq!(next_block(), Weight::zero());
	});
}

#[test]
fn a_closed_account_leaves_the_totals() {
	test(|| {
		three_accounts();
		finish_pass();
		next_block();
		assert!(Contributions::<Test>::get(1, 0).is_some());
		MockAccounts::close(1, 0);
		Stress::changed(&1, 0);
		next_block();
		assert_eq!(Contributions::<Test>::get(1, 0), None);
		assert_eq!(Pass::<Test>::get().totals[0], 0);
	});
}

#[test]
fn low_coverage_tightens_new_risk_step_by_step_and_recovery_relaxes_it() {
	test(|| {
		three_accounts();
		// 15,000 at risk, 15,000 to cover it: coverage 1 < 1.5.
		MockCapacity::set(usdc(15_000) as i128);
		finish_pass();
		assert_eq!(Coverage::<Test>::get(), Some(FixedU128::from_u32(1)));
		let e = events();
		assert!(e.contains(&Event::CoverageLow {
			coverage: FixedU128::from_u32(1),
			threshold: FixedU128::from_rational(3, 2)
		}));
		assert!(Alarm::<Test>::get());
		let level = Stress::level();
		assert!(level > Permill::zero());
		// One step per block, up to the maximum (5 %), then held.
		for _ in 0..10 {
			let before = Stress::level();
			next_block();
			assert!(Stress::level().deconstruct() - before.deconstruct() <= 10_000);
		}
		assert_eq!(Stress::level(), Permill::from_percent(5));
		events();
		// Between the thresholds (1.8): held, still in alarm.
		MockCapacity::set(usdc(27_000) as i128);
		next_block();
		assert_eq!(Stress::level(), Permill::from_percent(5));
		assert!(Alarm::<Test>::get());
		// Recovered (2.0): the alarm ends, the tightening comes down a step per block.
		MockCapacity::set(usdc(30_000) as i128);
		next_block();
		let e = events();
		assert!(e.contains(&Event::CoverageRestored { coverage: Some(FixedU128::from_u32(2)) }));
		assert!(e.contains(&Event::TighteningChanged {
			from: Permill::from_percent(5),
			to: Permill::from_percent(4),
			coverage: Some(FixedU128::from_u32(2))
		}));
		for _ in 0..4 {
			next_block();
		}
		assert_eq!(Stress::level(), Permill::zero());
	});
}

#[test]
fn nothing_at_risk_means_no_coverage_figure_and_no_tightening() {
	test(|| {
		MockAccounts::set(1, 0, None);
		MockCapacity::set(0);
		finish_pass();
		assert_eq!(Coverage::<Test>::get(), None);
		assert_eq!(Stress::level(), Permill::zero());
		assert!(!Alarm::<Test>::get());
	});
}

#[test]
fn a_pass_in_progress_is_measured_with_the_last_completed_one() {
	test(|| {
		three_accounts();
		MockCapacity::set(usdc(30_000) as i128);
		finish_pass();
		// The new pass has seen nobody yet; the completed one still counts.
		assert_eq!(Stress::report().worst_shortfall, usdc(15_000));
	});
}

// ---------------------------------------------------------------------------------------------
// Attacks
// ---------------------------------------------------------------------------------------------

#[test]
fn dust_accounts_each_count_in_full() {
	test(|| {
		let mut p = default_params();
		p.accounts_per_block = 1_000;
		assert_ok!(Stress::set_params(RuntimeOrigin::root(), p));
		Budget::set(Weight::from_parts(u64::MAX / 4, u64::MAX / 4));
		// 500 accounts each one unit of debt short.
		for who in 1..=500 {
			MockAccounts::set(
				who,
				0,
				Some(ballast_primitives::traits::StressProfile {
					equity: -1,
					..Default::default()
				}),
			);
		}
		finish_pass();
		assert_eq!(Completed::<Test>::get().unwrap().totals.to_vec(), vec![500; 4]);
	});
}

#[test]
fn an_unrepresentable_loss_is_capped_so_the_totals_stay_exact_sums() {
	test(|| {
		for who in 1..=3 {
			MockAccounts::set(
				who,
				0,
				Some(ballast_primitives::traits::StressProfile {
					equity: i128::MIN,
					..Default::default()
				}),
			);
		}
		finish_pass();
		let totals = Completed::<Test>::get().unwrap().totals;
		assert_eq!(totals[0], 3 * crate::impls::MAX_CONTRIBUTION);
	});
}

#[test]
fn a_whale_opening_mid_pass_is_counted_in_the_next_block() {
	test(|| {
		for who in 1..=9 {
			MockAccounts::set(who, 0, Some(profile(100_000, &[], &[long(BTC_KEY, 1, 60_000)])));
		}
		next_block();
		// Account 100 (beyond the cursor, far from its turn) opens 100 BTC with 100,000.
		MockAccounts::set(100, 0, Some(profile(100_000, &[], &[long(BTC_KEY, 100, 60_000)])));
		Stress::changed(&100, 0);
		next_block();
		assert_eq!(Stress::report().worst_shortfall, usdc(1_800_000 - 100_000));
	});
}

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

#[test]
fn set_params_begins_a_new_pass_and_keeps_the_tightening_within_the_new_maximum() {
	test(|| {
		three_accounts();
		MockCapacity::set(1);
		finish_pass();
		for _ in 0..5 {
			next_block();
		}
		assert_eq!(Stress::level(), Permill::from_percent(5));
		events();
		let mut p = default_params();
		p.max_tightening = Permill::from_percent(2);
		p.step = Permill::from_percent(1);
		let id = Pass::<Test>::get().id;
		assert_ok!(Stress::set_params(RuntimeOrigin::root(), p.clone()));
		assert_eq!(events(), vec![Event::ParamsSet { params: p }]);
		assert_eq!(Stress::level(), Permill::from_percent(2));
		assert_eq!(Pass::<Test>::get().id, id + 1);
		assert_eq!(Completed::<Test>::get(), None);
	});
}

#[test]
fn set_params_needs_the_governance_origin() {
	test(|| {
		assert_noop!(
			Stress::set_params(RuntimeOrigin::signed(1), default_params()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_params_refuses_every_out_of_bounds_field_with_its_error() {
	test(|| {
		let with = |f: &dyn Fn(&mut StressParams)| {
			let mut p = default_params();
			f(&mut p);
			p
		};
		let set = |p| Stress::set_params(RuntimeOrigin::root(), p);
		let scenario = |shock, vol| ScenarioParams { shock, vol };
		assert_noop!(set(with(&|p| p.scenarios = BoundedVec::new())), Error::<Test>::NoScenario);
		assert_noop!(
			set(with(&|p| p.scenarios[0] = scenario(-950_001, FixedU128::from_u32(1)))),
			Error::<Test>::ShockOutOfRange
		);
		assert_noop!(
			set(with(&|p| p.scenarios[0] = scenario(2_000_001, FixedU128::from_u32(1)))),
			Error::<Test>::ShockOutOfRange
		);
		assert_noop!(
			set(with(&|p| p.scenarios[0] = scenario(-100_000, FixedU128::from_rational(1, 20)))),
			Error::<Test>::VolOutOfRange
		);
		assert_noop!(
			set(with(&|p| p.scenarios[0] = scenario(-100_000, FixedU128::from_u32(11)))),
			Error::<Test>::VolOutOfRange
		);
		assert_noop!(
			set(with(&|p| p.tighten_below = FixedU128::from_u32(0))),
			Error::<Test>::BadThresholds
		);
		assert_noop!(
			set(with(&|p| p.relax_above = FixedU128::from_u32(1))),
			Error::<Test>::BadThresholds
		);
		assert_noop!(
			set(with(&|p| {
				p.tighten_below = FixedU128::from_u32(2);
				p.relax_above = FixedU128::from_u32(101);
			})),
			Error::<Test>::BadThresholds
		);
		assert_noop!(set(with(&|p| p.step = Permill::zero())), Error::<Test>::BadTightening);
		assert_noop!(
			set(with(&|p| p.step = Permill::from_percent(6))),
			Error::<Test>::BadTightening
		);
		assert_noop!(
			set(with(&|p| {
				p.max_tightening = Permill::from_percent(51);
			})),
			Error::<Test>::BadTightening
		);
		assert_noop!(set(with(&|p| p.accounts_per_block = 0)), Error::<Test>::ZeroAccountsPerBlock);
	});
}

// ---------------------------------------------------------------------------------------------
// Invariants (each check fails when its invariant is broken)
// ---------------------------------------------------------------------------------------------

#[test]
fn try_state_catches_totals_that_are_not_the_sum() {
	new_test_ext().execute_with(|| {
		three_accounts();
		next_block();
		Pass::<Test>::mutate(|p| p.totals[0] += 1);
		assert!(Stress::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_a_tightening_above_its_maximum() {
	new_test_ext().execute_with(|| {
		Tightening::<Test>::put(Permill::from_percent(6));
		assert!(Stress::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_a_zero_contribution_kept() {
	new_test_ext().execute_with(|| {
		three_accounts();
		next_block();
		let id = Pass::<Test>::get().id;
		Contributions::<Test>::insert(
			9,
			0,
			crate::Contribution { pass: id, shortfalls: BoundedVec::truncate_from(vec![0; 4]) },
		);
		assert!(Stress::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_parameters_out_of_bounds() {
	new_test_ext().execute_with(|| {
		let mut p = default_params();
		p.step = Permill::zero();
		Params::<Test>::put(p);
		assert!(Stress::do_try_state().is_err());
	});
}
