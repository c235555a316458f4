//! Global settlement: trading and new liquidity refused once triggered, LP exits open; every
//! unexpired series fixed at the fixed spot and its positions paid their intrinsic value over
//! several steps; an expired series left to the expiry path.

use super::*;
use ballast_primitives::traits::GlobalSettle;
use polkadot_sdk::frame_support::weights::Weight;

fn trigger() {
	MockSettlement::set(MockPhase::Settling);
}

fn fixed(btc: u32, eth: u32) -> Vec<(u32, Price)> {
	vec![(BTC_KEY, Price::from_u32(btc)), (ETH_KEY, Price::from_u32(eth))]
}

#[test]
fn trading_and_deposits_are_refused_once_triggered_exits_stay_open() {
	test(|| {
		fund(ALICE, 10_000);
		buy(ALICE, BTC_CALL, BTC / 10);
		trigger();
		assert_noop!(
			Options::buy(signed(ALICE), CROSS_ACCOUNT, BTC_CALL, BTC / 10, Balance::MAX),
			Error::<Test>::GlobalSettlementActive
		);
		assert_noop!(
			Options::sell(signed(ALICE), CROSS_ACCOUNT, BTC_CALL, BTC / 10, 0),
			Error::<Test>::GlobalSettlementActive
		);
		MockLedger::fund_wallet(LP, 1_000 * USDC);
		assert_noop!(
			Options::add_liquidity(signed(LP), 1_000 * USDC, 0),
			Error::<Test>::GlobalSettlementActive
		);
		assert_ok!(Options::request_withdrawal(signed(SEED_LP), 1_000 * USDC));
	});
}

#[test]
fn every_unexpired_series_is_paid_its_intrinsic_value_at_the_fixed_spot() {
	test(|| {
		for who in 1000..1010 {
			fund(who, 10_000);
			buy(who, BTC_CALL, BTC / 100);
			buy(who, BTC_PUT, BTC / 100);
		}
		fund(ALICE, 10_000);
		buy(ALICE, ETH_CALL, ETH);
		assert_eq!(<Options as GlobalSettle>::price_keys(), vec![BTC_KEY, ETH_KEY]);
		let cash0 = cash();
		let quote0 = MockLedger::quote(1000, CROSS_ACCOUNT);
		trigger();
		let prices = fixed(62_000, 2_900);
		let mut total = 0;
		let mut steps = 0;
		loop {
			let step = <Options as GlobalSettle>::settle_next(&prices, 6, Weight::MAX);
			assert!(step.settled <= 6, "the cap");
			total += step.settled;
			steps += 1;
			if step.done {
				break;
			}
			// The expiry path pays nothing meanwhile: the cap holds.
			let left: usize = Positions::<Test>::iter().count();
			next_block();
			assert_eq!(Positions::<Test>::iter().count(), left);
		}
		assert_eq!(total, 21);
		assert!(steps >= 4, "{steps} steps");
		for id in [BTC_CALL, BTC_PUT, ETH_CALL] {
			assert!(matches!(series(id).status, SeriesStatus::Settled { .. }));
			assert_eq!(Positions::<Test>::iter_prefix(id).count(), 0);
		}
		// The call pays (62,000 − 60,000) × 0.01 = 20 USDC, the put nothing, the ETH call
		// nothing (2,900 < 3,000).
		assert_eq!(MockLedger::quote(1000, CROSS_ACCOUNT) - quote0, usdc(20));
		assert_eq!(cash0 - cash(), 10 * 20 * USDC);
		assert!(ActiveSeries::<Test>::get().is_empty());
		// Nothing left.
		let step = <Options as GlobalSettle>::settle_next(&prices, 6, Weight::MAX);
		assert_eq!((step.settled, step.done), (0, true));
		assert!(<Options as GlobalSettle>::price_keys().is_empty());
	});
}

#[test]
fn an_expired_series_is_left_to_the_expiry_path() {
	test(|| {
		fund(ALICE, 10_000);
		buy(ALICE, BTC_CALL, BTC / 100);
		buy(ALICE, ETH_CALL, ETH);
		// Past every expiry, with no price after it yet: nothing for the global settlement.
		MockPrices::set_now(series(BTC_CALL).params.expiry + 1);
		assert!(<Options as GlobalSettle>::price_keys().is_empty());
		trigger();
		let step = <Options as GlobalSettle>::settle_next(&fixed(62_000, 2_900), 10, Weight::MAX);
		assert_eq!((step.settled, step.done), (0, true));
		assert_eq!(series(BTC_CALL).status, SeriesStatus::Live);
		assert!(position(ALICE, BTC_CALL).is_some());
	});
}
