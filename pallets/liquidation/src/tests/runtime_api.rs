//! Runtime API.

use super::*;

#[test]
fn health_is_the_engines_snapshot() {
	test(|| {
		long_btc(ALICE, 100);
		let s = MockMargin::snapshot(&ALICE, ISO).unwrap();
		assert_eq!(s.market, Some(BTC_PERP));
		assert_eq!(
			(s.maintenance_equity, s.maintenance_requirement),
			(100 * USD as i128, 50 * USD)
		);
		assert_eq!(s.equity_without_pnl, 100 * USD as i128);
		assert!(MockMargin::snapshot(&EVE, ISO).is_none());
	});
}
