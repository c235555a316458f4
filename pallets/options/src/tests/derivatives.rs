//! The `Derivatives` and `PooledQuote` interfaces: equity, ids, liquidation closes.

use super::*;
use ballast_primitives::traits::Exposure;

#[test]
fn an_option_counts_at_its_haircut_bid_and_is_paid_in_full() {
	test(|| {
		fund(ALICE, 10_000);
		buy(ALICE, BTC_CALL, BTC);
		let q = Options::quote(BTC_CALL, PriceMode::Fresh).unwrap();
		let bid = q.bid.into_inner() / 1_000_000_000_000;
		let counted = bid - Permill::from_percent(10).mul_ceil(bid);
		let e = <Options as Derivatives<AccountId>>::exposure(&ALICE, 0, PriceMode::Fresh).unwrap();
		assert_eq!(
			e,
			Exposure {
				unrealized_pnl: counted as i128,
				initial_requirement: counted,
				maintenance_requirement: 0,
				positions: 1,
				notional: 60_000 * USDC,
			}
		);
		// Without options: nothing.
		assert_eq!(
			<Options as Derivatives<AccountId>>::exposure(&BOB, 0, PriceMode::Fresh).unwrap(),
			Exposure::default()
		);
		// A stale price is an error for a fresh valuation.
		MockPrices::set_now(NOW + 120_000);
		assert!(<Options as Derivatives<AccountId>>::exposure(&ALICE, 0, PriceMode::Fresh).is_err());
	});
}

#[test]
fn series_ids_never_meet_perpetual_market_ids() {
	test(|| {
		type D = Options;
		for perp in 0..64 {
			assert!(!<D as Derivatives<AccountId>>::market_exists(perp));
			assert_eq!(<D as Derivatives<AccountId>>::mark_price(perp), None);
		}
		assert!(<D as Derivatives<AccountId>>::market_exists(BTC_CALL));
		assert_eq!(
			<D as Derivatives<AccountId>>::mark_price(BTC_CALL),
			Some(Price::from_u32(60_000))
		);
		assert_eq!(
			<D as Derivatives<AccountId>>::funding_index(BTC_CALL),
			Some(Default::default())
		);
		fund(ALICE, 10_000);
		buy(ALICE, BTC_CALL, BTC);
		let premium = last_premium();
		let views = <D as Derivatives<AccountId>>::positions(&ALICE, 0);
		assert_eq!(views.len(), 1);
		assert_eq!(views[0].market, BTC_CALL);
		assert_eq!(views[0].quantity, BTC as i128);
		assert_eq!(views[0].entry_notional, premium);
		assert_eq!(<D as Derivatives<AccountId>>::liquidation_price(&ALICE, 0, 0), None);
		let (pnl, cost) = <D as Derivatives<AccountId>>::position_pnl(&ALICE, 0, BTC_CALL).unwrap();
		assert_eq!(cost, premium);
		assert!(pnl < 0, "bought at the ask, marked at the bid");
		assert_noop!(
			<D as Derivatives<AccountId>>::deleverage(&ALICE, 0, BTC_CALL, Permill::one()),
			Error::<Test>::NotDeleveraged
		);
		assert_eq!(Options::pooled_quote(), cash() as i128);
	});
}

#[test]
fn liquidation_sells_back_to_the_vault_at_the_conservative_bid() {
	test(|| {
		fund(ALICE, 100_000);
		buy(ALICE, BTC_CALL, 2 * BTC);
		buy(ALICE, BTC_PUT, BTC);
		// The print is an outlier: the last valid price is used.
		MockPrices::set_last_valid_at(BTC_KEY, 61_000, NOW);
		MockPrices::set(BTC_KEY, 200_000);
		set_prices_keep_btc();
		let call_bid = {
			MockPrices::set(BTC_KEY, 61_000);
			let q = Options::quote(BTC_CALL, PriceMode::Fresh).unwrap();
			MockPrices::set(BTC_KEY, 200_000);
			q.bid
		};
		let before = MockLedger::quote(ALICE, CROSS_ACCOUNT);
		let proceeds = <Options as Derivatives<AccountId>>::close_fraction(
			&ALICE,
			0,
			Permill::from_percent(50),
		)
		.unwrap();
		assert_eq!(position(ALICE, BTC_CALL).unwrap().quantity, BTC);
		assert_eq!(position(ALICE, BTC_PUT).unwrap().quantity, BTC / 2);
		assert_eq!(MockLedger::quote(ALICE, CROSS_ACCOUNT) - before, proceeds as i128);
		System::assert_has_event(
			Event::LiquidatedToVault {
				who: ALICE,
				sub: CROSS_ACCOUNT,
				series: BTC_CALL,
				quantity: BTC,
				proceeds: call_bid.into_inner() / 1_000_000_000_000,
			}
			.into(),
		);
		// No usable price at all: liquidation pauses.
		MockPrices::set_now(NOW + 120_000);
		assert!(
			<Options as Derivatives<AccountId>>::close_fraction(&ALICE, 0, Permill::one()).is_err()
		);
	});
}

fn set_prices_keep_btc() {
	MockPrices::set(ETH_KEY, 3_000);
}

#[test]
fn risk_legs_value_an_option_exactly_as_its_equity_counts_it() {
	use ballast_primitives::math::{options::Kind, portfolio};
	test(|| {
		fund(ALICE, 100_000);
		buy(ALICE, BTC_PUT, 2 * BTC);
		let legs =
			<Options as Derivatives<AccountId>>::risk_legs(&ALICE, 0, PriceMode::Fresh).unwrap();
		assert_eq!(legs.len(), 1);
		let leg = legs[0];
		assert_eq!(
			(leg.underlying, leg.spot, leg.quantity),
			(BTC_KEY, Price::from_u32(60_000), 2 * BTC as i128)
		);
		let portfolio::Instrument::Option(terms) = leg.instrument else { panic!("an option") };
		let q = Options::quote(BTC_PUT, PriceMode::Fresh).unwrap();
		assert_eq!((terms.kind, terms.volatility), (Kind::Put, q.volatility));
		// The grid's value of the leg now is the equity's counted value, to the unit: the
		// flat cell of the grid loses nothing.
		let e = <Options as Derivatives<AccountId>>::exposure(&ALICE, 0, PriceMode::Fresh).unwrap();
		assert_eq!(
			portfolio::leg_value(&leg, leg.spot, FixedU128::from_u32(1), 6),
			e.unrealized_pnl
		);
		// Stale: an error, as for the exposure.
		MockPrices::set_now(NOW + 120_000);
		assert!(
			<Options as Derivatives<AccountId>>::risk_legs(&ALICE, 0, PriceMode::Fresh).is_err()
		);
		// Nothing held: no legs.
		assert_eq!(
			<Options as Derivatives<AccountId>>::risk_legs(&BOB, 0, PriceMode::LastKnown),
			Ok(Vec::new())
		);
	});
}
