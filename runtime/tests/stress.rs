//! The chain-wide stress test against the real runtime (issue 13 §3): 100 traders 1 BTC long
//! and 100 traders 1 BTC short, each on 14,000 USDC, against the dev chain's vaults. BTC falls
//! from 60,000 to 58,000: every account is still healthy, but the −30 % scenario's shortfall now
//! exceeds what the insurance funds and vaults cover 1.5 times; the stress test tightens new
//! risk (a trade that passed before is refused) and liquidates nobody. Liquidity added to the
//! vault restores coverage and the tightening comes down. Every block checks every pallet's
//! invariants, the stress test's exact totals included.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::panic
)]

use crate::common;

use ballast_primitives::{assets, traits::MarginSide};
use ballast_runtime::{MarginAccounts, Runtime, RuntimeEvent, StressTest, System};
use common::{
	chain::*,
	population::{account, add_vault_liquidity, fund},
};
use pallet_stress::Event as StressEvent;
use polkadot_sdk::{
	frame_support::assert_ok,
	sp_arithmetic::{FixedU128, Permill},
};

const TRADERS: u32 = 100;
const LONG: u8 = 0x51;
const SHORT: u8 = 0x52;

/// Run blocks until a pass that began after now has completed; the stress test's events seen.
fn complete_a_pass() -> Vec<StressEvent<Runtime>> {
	let started = pallet_stress::Pass::<Runtime>::get().id;
	let mut seen = Vec::new();
	for _ in 0..100 {
		next_block();
		seen.extend(System::events().into_iter().filter_map(|r| match r.event {
			RuntimeEvent::StressTest(e) => Some(e),
			_ => None,
		}));
		if pallet_stress::Completed::<Runtime>::get().is_some_and(|c| c.id > started) {
			return seen;
		}
	}
	panic!("no pass completed in 100 blocks");
}

fn coverage() -> FixedU128 {
	StressTest::report().coverage.expect("something is at risk")
}

fn everyone() -> impl Iterator<Item = polkadot_sdk::sp_runtime::AccountId32> {
	(0..TRADERS).flat_map(|i| [account(i, LONG), account(i, SHORT)])
}

#[test]
fn a_crash_tightens_new_risk_before_any_account_is_unhealthy_and_liquidates_nobody() {
	chain().execute_with(|| {
		// Longs and shorts in turn, so the vault's skew (and its own stress test) stays small.
		for i in 0..TRADERS {
			for (tag, size) in [(LONG, BTC as i128), (SHORT, -(BTC as i128))] {
				let who = account(i, tag);
				fund(&who, &[(assets::USDC, 20_000 * USDC)]);
				assert_ok!(deposit(&who, 0, assets::USDC, 14_000 * USDC));
				assert_ok!(trade(&who, 0, BTC_PERP, size));
			}
		}
		complete_a_pass();
		let report = StressTest::report();
		let before = coverage();
		println!(
			"at 60,000: worst shortfall {} USDC, capacity {} USDC, coverage {before:?}",
			report.worst_shortfall / USDC,
			report.capacity / USDC as i128
		);
		// Covered between 1.5 and 2 times: nothing to do.
		assert!(before >= FixedU128::from_rational(3, 2) && before < FixedU128::from_u32(2));
		assert_eq!(StressTest::report().tightening, Permill::zero());

		// BTC −3.3 %: the longs lost 2,000 each, far from their maintenance requirement.
		feed(&[(assets::BTC, 59_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		feed(&[(assets::BTC, 58_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		let events = complete_a_pass();
		let after = coverage();
		println!("at 58,000: coverage {after:?}");
		assert!(after < FixedU128::from_rational(3, 2), "coverage {after:?}");
		assert!(events.iter().any(|e| matches!(e, StressEvent::CoverageLow { .. })));
		for who in everyone() {
			let s = MarginAccounts::snapshot(&who, 0).expect("valued");
			assert!(s.is_healthy(), "the crash itself sinks nobody");
		}

		// The tightening rises 0.5 % a block; after 20 blocks new risk needs 10 % more.
		for _ in 0..20 {
			next_block();
		}
		let level = StressTest::report().tightening;
		assert!(level >= Permill::from_percent(10), "tightening {level:?}");
		let report = MarginAccounts::report(&account(0, LONG), 0).expect("exists");
		println!(
			"tightening {level:?}: a long's initial requirement {} USDC",
			report.initial_requirement / USDC
		);
		// A new trader with 10,000 USDC: 1 BTC (9,280 + fees at 58,000) passed before; now not.
		feed(&[(assets::BTC, 58_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		let newcomer = account(0, 0x53);
		fund(&newcomer, &[(assets::USDC, 20_000 * USDC)]);
		assert_ok!(deposit(&newcomer, 0, assets::USDC, 10_000 * USDC));
		assert_eq!(
			trade(&newcomer, 0, BTC_PERP, BTC as i128),
			Err(pallet_margin_accounts::Error::<Runtime>::InsufficientMargin.into())
		);
		// Existing positions: untouched, still healthy; nobody was liquidated.
		for who in everyone() {
			let s = MarginAccounts::snapshot(&who, 0).expect("valued");
			assert!(s.is_healthy() && s.positions == 1);
		}

		// Half a million USDC more in the vault: coverage back above 2, the alarm ends, the
		// tightening comes down a step per block.
		add_vault_liquidity(&account(1, 0x54), 500_000);
		let events = complete_a_pass();
		let recovered = coverage();
		println!("with 500,000 USDC more in the vault: coverage {recovered:?}");
		assert!(recovered >= FixedU128::from_u32(2));
		assert!(events.iter().any(|e| matches!(e, StressEvent::CoverageRestored { .. })));
		let lower = StressTest::report().tightening;
		assert!(lower < level);
		for _ in 0..(lower.deconstruct() / 5_000 + 1) {
			next_block();
		}
		assert_eq!(StressTest::report().tightening, Permill::zero());
		feed(&[(assets::BTC, 58_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		assert_ok!(trade(&newcomer, 0, BTC_PERP, BTC as i128));
	});
}

#[test]
fn the_stress_test_follows_trades_and_closes_within_a_block() {
	chain().execute_with(|| {
		let who = account(0, LONG);
		fund(&who, &[(assets::USDC, 20_000 * USDC)]);
		assert_ok!(deposit(&who, 0, assets::USDC, 14_000 * USDC));
		assert_ok!(trade(&who, 0, BTC_PERP, BTC as i128));
		next_block();
		// 1 BTC from 60,000 to 42,000 with about 14,000: about 4,000 short.
		let s = StressTest::account_shortfalls(&who, 0);
		assert!(s[0] > 3_900 * USDC && s[0] < 4_100 * USDC, "{s:?}");
		assert_eq!(
			pallet_stress::Contributions::<Runtime>::get(&who, 0).unwrap().shortfalls[0],
			s[0]
		);
		// Closed: its contribution leaves the totals in the next block.
		assert_ok!(call(
			&who,
			pallet_perpetuals::Call::<Runtime>::close_position {
				sub: 0,
				market: BTC_PERP,
				limit_price: None
			}
		));
		next_block();
		assert_eq!(pallet_stress::Contributions::<Runtime>::get(&who, 0), None);
		assert!(StressTest::account_shortfalls(&who, 0).is_empty());
	});
}

#[test]
fn a_flood_of_empty_margin_accounts_does_not_lengthen_the_pass() {
	chain().execute_with(|| {
		// 300 accounts that only ever deposited (each holds its BLST deposit), three traders.
		for i in 0..300 {
			let who = account(i, 0x53);
			fund(&who, &[(assets::USDC, 100 * USDC)]);
			assert_ok!(deposit(&who, 0, assets::USDC, 10 * USDC));
		}
		for i in 0..3 {
			let who = account(i, LONG);
			fund(&who, &[(assets::USDC, 20_000 * USDC)]);
			assert_ok!(deposit(&who, 0, assets::USDC, 14_000 * USDC));
			assert_ok!(trade(&who, 0, BTC_PERP, BTC as i128));
		}
		// The walk is the liquidation engine's watch: only the traders are in it.
		complete_a_pass();
		let completed = pallet_stress::Completed::<Runtime>::get().unwrap();
		assert_eq!(completed.visited, 3);
		assert!(completed.totals[0] > 0);
	});
}
