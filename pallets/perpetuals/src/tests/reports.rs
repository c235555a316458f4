//! Reports.

use super::*;

#[test]
fn reports_show_markets_positions_and_the_vault() {
	test_empty_vault(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		let m = Perpetuals::market_report(BTC_PERP).unwrap();
		assert_eq!(
			(m.id, m.params, m.long_oi, m.short_oi),
			(BTC_PERP, btc_market(), BTC as u128, 0)
		);
		assert_eq!((m.price, m.price_stale), (Some(price(60_000)), false));
		// One smallest unit: spread plus the 1 BTC skew for a buy, spread only for a sell.
		assert_eq!(m.best_buy, Some(price(60_066)));
		assert_eq!(m.best_sell, Some(price(59_994)));
		assert_eq!(Perpetuals::market_reports().len(), 2);
		assert_eq!(Perpetuals::market_report(9), None);

		let ps = Perpetuals::position_reports(&ALICE, CROSS_ACCOUNT);
		assert_eq!(
			ps,
			vec![PositionReport {
				market: BTC_PERP,
				quantity: BTC,
				entry_price: price(60_036),
				mark_price: Some(price(60_000)),
				notional: 60_000 * USDC,
				unrealized_pnl: usdc(-36),
			}]
		);
		assert_eq!(
			Perpetuals::vault_report(),
			VaultReport {
				cash: usdc(10_000),
				shares: 10_000 * USDC,
				nav: Some(usdc(10_036)),
				fees: 30_018_000,
			}
		);
		// Stale prices are still reported, and flagged.
		MockPrices::set_now(NOW + 60_001);
		let m = Perpetuals::market_report(BTC_PERP).unwrap();
		assert_eq!((m.price, m.price_stale), (Some(price(60_000)), true));
		assert_eq!(
			Perpetuals::position_reports(&ALICE, CROSS_ACCOUNT)[0].mark_price,
			Some(price(60_000))
		);
	});
}
