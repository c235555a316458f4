//! Atomicity.

use super::*;

#[test]
fn a_failed_close_applies_nothing_and_the_sweep_goes_on() {
	test(|| {
		long_btc(ALICE, 100);
		long_btc(CHARLIE, 100);
		fail_close(ALICE);
		set_price(BTC_PERP, 940);
		let alice_before = (snapshot(ALICE, ISO), position(ALICE, ISO, BTC_PERP));
		let events = next_block();
		assert!(events.contains(&Event::LiquidationFailed {
			who: ALICE,
			sub: ISO,
			error: close_failed(),
		}));
		// The other account was liquidated in the same block.
		assert!(liquidated(&events, CHARLIE, ISO));
		assert!(!liquidated(&events, ALICE, ISO));
		// Nothing of ALICE's liquidation stayed: the mock closed her position before failing,
		// and the storage layer undid it.
		assert_eq!((snapshot(ALICE, ISO), position(ALICE, ISO, BTC_PERP)), alice_before);
		assert_eq!(AdlScope::<Test>::get((ALICE, ISO)), 0);
		assert_eq!(LiveAuctions::<Test>::get((ALICE, ISO)), 0);
		assert_eq!(Auctions::<Test>::iter().count(), 0);
		// Only CHARLIE's penalty is in the fund.
		assert_eq!(MarketInsurance::<Test>::get(BTC_PERP), 5_133_340);
		// The cursor keeps finding her; once closing works, she is liquidated.
		assert!(failed(&next_block(), ALICE) > 0);
		clear_failures();
		let events = next_block();
		assert!(liquidated(&events, ALICE, ISO));
		assert!(snapshot(ALICE, ISO).is_healthy());
	});
}

#[test]
fn a_failed_penalty_undoes_the_close() {
	test(|| {
		long_btc(ALICE, 100);
		set_price(BTC_PERP, 940);
		// Closing settles the realized PnL; charging the penalty, the next `settle`, fails.
		fail_settle_after(ALICE, 1);
		let before = position(ALICE, ISO, BTC_PERP);
		let events = next_block();
		assert_eq!(
			events[0],
			Event::LiquidationFailed { who: ALICE, sub: ISO, error: settle_failed() }
		);
		assert_eq!(position(ALICE, ISO, BTC_PERP), before);
		assert_eq!(quote_of(ALICE, ISO), 100 * USD as i128);
		assert_eq!(MarketInsurance::<Test>::get(BTC_PERP), 0);
		assert_eq!(AdlScope::<Test>::get((ALICE, ISO)), 0);
	});
}

#[test]
fn a_failed_full_liquidation_leaves_no_shortfall_behind() {
	test(|| {
		long_btc(ALICE, 100);
		seed_insurance(None, 1_000 * USD);
		fail_close(ALICE);
		set_price(BTC_PERP, 800);
		let events = next_block();
		assert!(failed(&events, ALICE) > 0);
		assert!(!events
			.iter()
			.any(|e| matches!(e, Event::ShortfallCovered { .. } | Event::BadDebtRecorded { .. })));
		assert_eq!(GlobalInsurance::<Test>::get(), 1_000 * USD);
		assert_eq!(position(ALICE, ISO, BTC_PERP).unwrap().quantity, ONE_BTC);
		assert_eq!(Deleveraging::<Test>::iter().count(), 0);
	});
}
