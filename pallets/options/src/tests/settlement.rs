//! Expiry: the settlement price, waiting for one, paying hundreds of positions over several
//! blocks with the cursor, and a vault that cannot pay in full.

use super::*;

/// Move past `series`' expiry and have the oracle print `price` after it.
fn expire(id: MarketId, price: u32) -> u64 {
	let expiry = series(id).params.expiry;
	MockPrices::set_now(expiry + 6_000);
	MockPrices::set_exact(series(id).params.underlying, Price::from_u32(price), expiry + 1_000);
	expiry
}

#[test]
fn settlement_of_hundreds_of_positions_over_several_blocks() {
	test(|| {
		const HOLDERS: u64 = 300;
		for who in 1000..1000 + HOLDERS {
			fund(who, 1_000);
			buy(who, BTC_CALL, BTC / 100);
		}
		assert_eq!(series(BTC_CALL).holders, HOLDERS as u32);
		let cash_before = cash();
		expire(BTC_CALL, 65_000);
		let mut blocks = 0;
		while series(BTC_CALL).status != (SeriesStatus::Settled { price: Price::from_u32(65_000) })
		{
			next_block();
			blocks += 1;
			assert!(blocks < 20, "settlement does not progress");
			if Settling::<Test>::get().is_some() {
				// The reserve is what is still owed.
				let left = Positions::<Test>::iter_prefix(BTC_CALL).count() as u128;
				assert_eq!(VaultState::<Test>::get().reserved, left * 50 * USDC);
			}
		}
		// 50 positions a block (the budget), so 300 take several blocks.
		assert!(blocks >= 6, "{blocks} blocks");
		for who in 1000..1000 + HOLDERS {
			// (65,000 − 60,000) × 0.01 BTC = 50 USDC each.
			assert_eq!(position(who, BTC_CALL), None);
			assert!(AccountSeries::<Test>::get((who, CROSS_ACCOUNT)).is_empty());
		}
		assert_eq!(cash_before - cash(), HOLDERS as u128 * 50 * USDC);
		let events = options_events();
		assert!(events.contains(&Event::SettlementStarted {
			series: BTC_CALL,
			price: Price::from_u32(65_000),
			payout: HOLDERS as u128 * 50 * USDC,
			ratio: Permill::one(),
			shortfall: 0,
		}));
		assert!(events.contains(&Event::SeriesSettled {
			series: BTC_CALL,
			price: Price::from_u32(65_000),
			paid: HOLDERS as u128 * 50 * USDC,
		}));
		assert_eq!(
			events.iter().filter(|e| matches!(e, Event::PositionSettled { .. })).count(),
			HOLDERS as usize
		);
		assert!(!ActiveSeries::<Test>::get().iter().any(|(id, _)| *id == BTC_CALL));
		assert_eq!(series(BTC_CALL).open_interest, 0);
	});
}

#[test]
fn settlement_waits_for_a_price_at_or_after_expiry() {
	test(|| {
		fund(ALICE, 10_000);
		buy(ALICE, BTC_PUT, BTC);
		let expiry = series(BTC_PUT).params.expiry;
		// Past expiry, but the last print is from before it: wait.
		MockPrices::set_now(expiry + 6_000);
		MockPrices::set_exact(BTC_KEY, Price::from_u32(50_000), expiry - 1);
		next_block();
		assert_eq!(series(BTC_PUT).status, SeriesStatus::Live);
		assert_eq!(Settling::<Test>::get(), None);
		// A print after expiry, out of bounds: wait.
		MockPrices::set_exact(BTC_KEY, Price::from_u32(2_000_000), expiry + 1);
		next_block();
		assert_eq!(series(BTC_PUT).status, SeriesStatus::Live);
		// A print after expiry that has gone stale (older than the guard's minute): wait.
		MockPrices::set_exact(BTC_KEY, Price::from_u32(50_000), expiry + 1);
		MockPrices::set_now(expiry + 70_000);
		next_block();
		assert_eq!(series(BTC_PUT).status, SeriesStatus::Live);
		// Meanwhile it is worth its intrinsic value at the conservative price (less the haircut).
		MockPrices::set_exact(BTC_KEY, Price::from_u32(50_000), expiry + 60_000);
		let e = <Options as Derivatives<AccountId>>::exposure(&ALICE, 0, PriceMode::Conservative)
			.unwrap();
		// Bid of 10,000 intrinsic (2 % spread) less 10 %: 8,820.
		assert_eq!(e.unrealized_pnl, usdc(8_820));
		// A usable print: settled at it.
		let before = MockLedger::quote(ALICE, CROSS_ACCOUNT);
		next_block();
		assert_eq!(
			series(BTC_PUT).status,
			SeriesStatus::Settled { price: Price::from_u32(50_000) }
		);
		assert_eq!(MockLedger::quote(ALICE, CROSS_ACCOUNT) - before, usdc(10_000));
		System::assert_has_event(
			Event::PositionSettled {
				who: ALICE,
				sub: CROSS_ACCOUNT,
				series: BTC_PUT,
				quantity: BTC,
				payout: 10_000 * USDC,
			}
			.into(),
		);
	});
}

#[test]
fn a_vault_that_cannot_pay_in_full_pays_every_holder_the_same_share() {
	new_test_ext_with(
		crate::GenesisConfig { vault_deposits: vec![(SEED_LP, 100_000 * USDC)], ..genesis() },
		&[(SEED_LP, 100_000 * USDC)],
	)
	.execute_with(|| {
		fund(ALICE, 100_000);
		fund(BOB, 100_000);
		buy(ALICE, BTC_CALL, 2 * BTC);
		buy(BOB, BTC_CALL, 2 * BTC);
		let cash = cash();
		// BTC doubles: far beyond the stress move. 4 × 60,000 = 240,000 owed.
		expire(BTC_CALL, 120_000);
		next_block();
		let owed = 240_000 * USDC;
		let ratio = ballast_primitives::math::units::permill_of(
			cash,
			owed,
			ballast_primitives::math::Rounding::Down,
		);
		assert!(ratio < Permill::one());
		System::assert_has_event(
			Event::SettlementStarted {
				series: BTC_CALL,
				price: Price::from_u32(120_000),
				payout: owed,
				ratio,
				shortfall: owed - ratio.mul_floor(owed),
			}
			.into(),
		);
		let each = ratio.mul_floor(120_000 * USDC) as i128;
		assert_eq!(
			MockLedger::quote(ALICE, CROSS_ACCOUNT),
			usdc(100_000) - position_cost(ALICE) + each
		);
		// The vault paid what it had (less what rounding kept), and is never negative.
		assert!(VaultState::<Test>::get().cash < cash / 100);
		check_invariants();
	});
}

fn position_cost(who: AccountId) -> i128 {
	System::events()
		.into_iter()
		.find_map(|r| match r.event {
			RuntimeEvent::Options(Event::Bought { who: w, premium, .. }) if w == who => {
				Some(premium as i128)
			},
			_ => None,
		})
		.unwrap()
}

#[test]
fn an_idle_block_costs_only_the_cursor() {
	test(|| {
		let w = Options::settle_expired(SettlementBudget::get());
		assert_eq!(
			w,
			<() as crate::WeightInfo>::settle_idle()
				.saturating_add(<() as crate::WeightInfo>::start_settlement(0))
		);
	});
}
