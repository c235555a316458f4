//! The vault: shares priced with a virtual offset, a two-step exit with notice, the stress
//! bound on skew, losses borne by the LPs, recapitalisation, and every error of its calls.

use super::*;
use ballast_primitives::traits::{LossBearer, MarginLedger};

/// Redeem what `who` asked for, and fail the test if the redemption does.
fn withdraw(who: AccountId, shares: Balance) {
	assert_ok!(remove_liquidity(who, shares));
}

#[test]
fn first_deposit_mints_shares_one_to_one_and_emits_liquidity_added() {
	test_empty_vault(|| {
		MockLedger::fund_wallet(LP, 5_000 * USDC);
		assert_ok!(Perpetuals::add_liquidity(signed(LP), 1_000 * USDC, 1_000 * USDC));
		System::assert_last_event(
			Event::LiquidityAdded { who: LP, amount: 1_000 * USDC, shares: 1_000 * USDC }.into(),
		);
		assert_eq!(LpShares::<Test>::get(LP), 1_000 * USDC);
		assert_eq!(VaultState::<Test>::get(), Vault { cash: usdc(1_000), shares: 1_000 * USDC });
		assert_eq!(MockLedger::wallet(LP), 4_000 * USDC);
		assert_eq!(MockLedger::custody(), usdc(1_000));
	});
}

#[test]
fn deposits_and_withdrawals_are_priced_at_nav_and_emit_liquidity_removed() {
	test_empty_vault(|| {
		add_liquidity(LP, 100_000);
		fund(ALICE, 100_000);
		// A round trip leaves 72 USDC of spread in the vault.
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, BTC_PERP, -BTC);
		assert_eq!(Perpetuals::vault_nav(PriceMode::Fresh), Ok(usdc(100_072)));
		// Shares are priced as if the vault held one more USDC and one more USDC of shares:
		// (100,000 + 1) / (100,072 + 1) per USDC.
		add_liquidity(LP2, 100_072);
		assert_eq!(LpShares::<Test>::get(LP2), 100_000_000_719);
		withdraw(LP, 100_000 * USDC);
		System::assert_last_event(
			Event::LiquidityRemoved { who: LP, shares: 100_000 * USDC, amount: 100_071_999_280 }
				.into(),
		);
		assert_eq!(MockLedger::wallet(LP), 100_071_999_280);
		assert!(!LpShares::<Test>::contains_key(LP));
		// A partial redemption keeps the rest.
		withdraw(LP2, 40_000 * USDC);
		assert_eq!(LpShares::<Test>::get(LP2), 60_000_000_719);
		assert_eq!(MockLedger::wallet(LP2), 40_028_799_712);
	});
}

#[test]
fn lps_gain_what_traders_lose_at_nav() {
	test_empty_vault(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC / 100);
		MockPrices::set_last_valid(BTC_KEY, 55_000);
		MockPrices::set(BTC_KEY, 55_000);
		// Alice's 0.01 BTC, bought at 60,006.3, is down 50.063 USDC: NAV is up by as much.
		assert_eq!(Perpetuals::vault_nav(PriceMode::Fresh), Ok(usdc(10_000) + 50_063_000));
		withdraw(LP, 1_000 * USDC);
		assert_eq!(MockLedger::wallet(LP), 1_005_005_799);
	});
}

#[test]
fn a_first_deposit_cannot_inflate_shares_to_rob_the_next_lp() {
	// The attack: be the first LP with one unit, then lose 10,000 USDC to the vault on purpose
	// (or recapitalise it) so one share is worth 10,000 USDC and the next LP's deposit rounds
	// down to nothing, then redeem the lot. With the virtual offset the next LP gets its shares
	// and the attacker recovers a sliver of what it put in.
	test_empty_vault(|| {
		MockLedger::fund_wallet(EVE, 10_001 * USDC);
		assert_ok!(Perpetuals::add_liquidity(signed(EVE), 1, 0));
		assert_ok!(Perpetuals::recapitalise_vault(signed(EVE), 10_000 * USDC));
		add_liquidity(LP, 5_000);
		assert!(LpShares::<Test>::get(LP) > 0);
		withdraw(EVE, 1);
		let eve_back = MockLedger::wallet(EVE);
		assert!(eve_back < 100 * USDC, "the attacker recovered {eve_back}");
		withdraw(LP, LpShares::<Test>::get(LP));
		// The victim leaves with what it brought, give or take a cent of rounding.
		assert!(MockLedger::wallet(LP) + USDC / 100 >= 5_000 * USDC, "{}", MockLedger::wallet(LP));
	});
}

#[test]
fn add_liquidity_below_the_minimum_shares_is_refused() {
	test(|| {
		MockLedger::fund_wallet(LP, 1_000 * USDC);
		// Sandwich: a loss to the vault is about to be booked... the LP's minimum holds.
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP), 1_000 * USDC, 1_000 * USDC + 1),
			Error::<Test>::BelowMinimumOutput
		);
		assert_ok!(Perpetuals::add_liquidity(signed(LP), 1_000 * USDC, 1_000 * USDC));
	});
}

#[test]
fn withdraw_below_the_minimum_amount_is_refused() {
	test(|| {
		add_liquidity(LP, 1_000);
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 1_000 * USDC));
		assert_noop!(
			Perpetuals::withdraw_liquidity(signed(LP), 1_000 * USDC + 1),
			Error::<Test>::BelowMinimumOutput
		);
		assert_ok!(Perpetuals::withdraw_liquidity(signed(LP), 1_000 * USDC));
	});
}

#[test]
fn leaving_the_vault_just_before_losses_land_does_not_work() {
	// Scenario 3: an LP who sees a crash coming asks to leave; its shares keep bearing the
	// vault's result until the exit notice has passed, and are redeemed at the NAV of then.
	test(|| {
		assert_ok!(Perpetuals::set_vault_rules(
			root(),
			VaultRules { exit_notice: 10, ..Rules::<Test>::get() }
		));
		add_liquidity(LP, 100_000);
		fund(ALICE, 1_000_000);
		trade(ALICE, BTC_PERP, 10 * BTC);
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 100_000 * USDC));
		System::assert_last_event(
			Event::WithdrawalRequested { who: LP, shares: 100_000 * USDC, ready_at: 11 }.into(),
		);
		assert_noop!(
			Perpetuals::withdraw_liquidity(signed(LP), 0),
			Error::<Test>::WithdrawalNotReady
		);
		// The move lands: the traders win 10 × 6,000 USDC.
		run_to_block(5);
		MockPrices::set_last_valid(BTC_KEY, 66_000);
		MockPrices::set(BTC_KEY, 66_000);
		run_to_block(11);
		let nav = Perpetuals::vault_nav(PriceMode::Fresh).unwrap();
		assert!(nav < usdc(1_100_000) - usdc(50_000));
		assert_ok!(Perpetuals::withdraw_liquidity(signed(LP), 0));
		// The LP bore its share (≈ 1/11) of the loss.
		assert!(MockLedger::wallet(LP) < 96_000 * USDC, "{}", MockLedger::wallet(LP));
	});
}

#[test]
fn cancel_withdrawal_returns_the_shares_and_emits_withdrawal_cancelled() {
	test(|| {
		add_liquidity(LP, 1_000);
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 400 * USDC));
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 100 * USDC));
		assert_eq!(PendingExits::<Test>::get(LP).unwrap().shares, 500 * USDC);
		assert_eq!(LpShares::<Test>::get(LP), 500 * USDC);
		assert_ok!(Perpetuals::cancel_withdrawal(signed(LP)));
		System::assert_last_event(
			Event::WithdrawalCancelled { who: LP, shares: 500 * USDC }.into(),
		);
		assert_eq!(LpShares::<Test>::get(LP), 1_000 * USDC);
		assert!(PendingExits::<Test>::get(LP).is_none());
	});
}

#[test]
fn no_pending_withdrawal() {
	test(|| {
		assert_noop!(
			Perpetuals::withdraw_liquidity(signed(LP), 0),
			Error::<Test>::NoPendingWithdrawal
		);
		assert_noop!(Perpetuals::cancel_withdrawal(signed(LP)), Error::<Test>::NoPendingWithdrawal);
	});
}

#[test]
fn add_liquidity_of_zero() {
	test(|| {
		MockLedger::fund_wallet(LP, 1_000 * USDC);
		assert_noop!(Perpetuals::add_liquidity(signed(LP), 0, 0), Error::<Test>::ZeroAmount);
		assert_noop!(Perpetuals::recapitalise_vault(signed(LP), 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn add_liquidity_worth_no_share() {
	test_empty_vault(|| {
		add_liquidity(LP, 1_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC / 10);
		trade(ALICE, BTC_PERP, -BTC / 10);
		// NAV above the shares: one smallest unit buys none.
		assert!(Perpetuals::vault_nav(PriceMode::Fresh).unwrap() > usdc(1_000));
		MockLedger::fund_wallet(LP2, 10);
		assert_noop!(Perpetuals::add_liquidity(signed(LP2), 1, 0), Error::<Test>::ZeroAmount);
		assert_ok!(Perpetuals::add_liquidity(signed(LP2), 2, 0));
		assert_eq!(LpShares::<Test>::get(LP2), 1);
	});
}

#[test]
fn add_liquidity_without_the_quote_in_the_wallet() {
	test(|| {
		MockLedger::fund_wallet(LP, 999 * USDC);
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP), 1_000 * USDC, 0),
			TokenError::FundsUnavailable
		);
		assert_noop!(
			Perpetuals::recapitalise_vault(signed(LP), 1_000 * USDC),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn liquidity_calls_require_a_signed_origin() {
	test(|| {
		assert_noop!(Perpetuals::add_liquidity(root(), 1, 0), DispatchError::BadOrigin);
		assert_noop!(Perpetuals::request_withdrawal(root(), 1), DispatchError::BadOrigin);
		assert_noop!(Perpetuals::withdraw_liquidity(root(), 0), DispatchError::BadOrigin);
		assert_noop!(Perpetuals::cancel_withdrawal(root()), DispatchError::BadOrigin);
		assert_noop!(Perpetuals::recapitalise_vault(root(), 1), DispatchError::BadOrigin);
	});
}

#[test]
fn request_withdrawal_of_zero_shares() {
	test(|| {
		add_liquidity(LP, 1_000);
		assert_noop!(Perpetuals::request_withdrawal(signed(LP), 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn insufficient_shares() {
	test(|| {
		add_liquidity(LP, 1_000);
		assert_noop!(
			Perpetuals::request_withdrawal(signed(LP), 1_000 * USDC + 1),
			Error::<Test>::InsufficientShares
		);
		assert_noop!(
			Perpetuals::request_withdrawal(signed(LP2), 1),
			Error::<Test>::InsufficientShares
		);
		// Shares pending withdrawal are no longer free.
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 600 * USDC));
		assert_noop!(
			Perpetuals::request_withdrawal(signed(LP), 400 * USDC + 1),
			Error::<Test>::InsufficientShares
		);
	});
}

#[test]
fn vault_insolvent() {
	test_empty_vault(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		// Alice is up ≈ 59,964 USDC against a vault of 10,000 (a move far beyond the stress).
		MockPrices::set_last_valid(BTC_KEY, 120_000);
		MockPrices::set(BTC_KEY, 120_000);
		assert!(Perpetuals::vault_nav(PriceMode::Fresh).unwrap() < 0);
		MockLedger::fund_wallet(LP2, 1_000 * USDC);
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP2), 1_000 * USDC, 0),
			Error::<Test>::VaultInsolvent
		);
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 1));
		assert_noop!(Perpetuals::withdraw_liquidity(signed(LP), 0), Error::<Test>::VaultInsolvent);
	});
}

#[test]
fn a_vault_in_deficit_is_recapitalised_and_takes_deposits_again() {
	test_empty_vault(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		MockPrices::set_last_valid(BTC_KEY, 80_000);
		MockPrices::set(BTC_KEY, 80_000);
		let nav = Perpetuals::vault_nav(PriceMode::Fresh).unwrap();
		assert!(nav < 0);
		MockLedger::fund_wallet(LP2, 100_000 * USDC);
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP2), 1_000 * USDC, 0),
			Error::<Test>::VaultInsolvent
		);
		let gift = nav.unsigned_abs() + 1_000 * USDC;
		MockLedger::fund_wallet(EVE, gift);
		assert_ok!(Perpetuals::recapitalise_vault(signed(EVE), gift));
		System::assert_last_event(Event::VaultRecapitalised { who: EVE, amount: gift }.into());
		assert_eq!(Perpetuals::vault_nav(PriceMode::Fresh), Ok(usdc(1_000)));
		assert_ok!(Perpetuals::add_liquidity(signed(LP2), 1_000 * USDC, 0));
	});
}

#[test]
fn vault_insufficient_cash() {
	test_empty_vault(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		// Alice is down 10,036 USDC, unrealized: NAV 20,036 but only 10,000 in cash.
		MockPrices::set_last_valid(BTC_KEY, 50_000);
		MockPrices::set(BTC_KEY, 50_000);
		assert_eq!(Perpetuals::vault_nav(PriceMode::Fresh), Ok(usdc(20_036)));
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 10_000 * USDC));
		assert_noop!(
			Perpetuals::withdraw_liquidity(signed(LP), 0),
			Error::<Test>::VaultInsufficientCash
		);
	});
}

#[test]
fn vault_reserve_breached() {
	test_empty_vault(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		// NAV 10,036 < 20 % of the 60,000 skew notional: not even one share may go.
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 1));
		assert_noop!(
			Perpetuals::withdraw_liquidity(signed(LP), 0),
			Error::<Test>::VaultReserveBreached
		);
		// With the skew gone, everything may go (the virtual offset's slice stays).
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		assert_ok!(Perpetuals::cancel_withdrawal(signed(LP)));
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 10_000 * USDC));
		assert_ok!(Perpetuals::withdraw_liquidity(signed(LP), 0));
		assert_eq!(VaultState::<Test>::get().shares, 0);
	});
}

#[test]
fn a_crowded_side_cannot_bet_more_than_the_vault_can_lose() {
	// Scenario 4: OI caps allow 10 BTC a side, the vault holds 10,000 USDC. Before the stress
	// bound, 10 BTC (600,000 USDC) of longs could open against it and a 2 % move emptied it.
	test_empty_vault(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 1_000_000);
		// 10 % of the skew notional must stay within NAV: about 1.66 BTC of net longs.
		trade(ALICE, BTC_PERP, BTC);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None),
			Error::<Test>::VaultStressExceeded
		);
		// A trade that reduces the skew is always allowed...
		fund(BOB, 1_000_000);
		assert_ok!(Perpetuals::trade(signed(BOB), CROSS_ACCOUNT, BTC_PERP, -BTC / 2, None));
		// ...and the room it makes is usable: the usable OI scales with NAV, not with the cap.
		assert_ok!(Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC / 2, None));
		// More NAV, more room.
		add_liquidity(LP2, 100_000);
		assert_ok!(Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, 5 * BTC, None));
	});
}

#[test]
fn the_stress_bound_counts_every_market() {
	test_empty_vault(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 1_000_000);
		// 1 BTC (60,000) and 10 ETH (30,000) of longs: 9,000 of stress within 10,000...
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, ETH_PERP, 10 * ETH);
		// ...and 5 ETH more breaks it, although the ETH market alone would have room.
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, ETH_PERP, 5 * ETH, None),
			Error::<Test>::VaultStressExceeded
		);
	});
}

#[test]
fn written_off_debt_lowers_the_nav_lps_redeem_at() {
	// Scenario 5: bad debt was a counter nobody paid while LPs redeemed the unpaid gains at
	// NAV. Now the liquidation engine charges it to the vault in the same block.
	test(|| {
		let nav = Perpetuals::vault_nav(PriceMode::Fresh).unwrap();
		assert_ok!(<Perpetuals as LossBearer>::bear_loss(Some(BTC_PERP), 1_234 * USDC));
		System::assert_last_event(
			Event::LossBorne { market: Some(BTC_PERP), amount: 1_234 * USDC }.into(),
		);
		assert_eq!(Perpetuals::vault_nav(PriceMode::Fresh), Ok(nav - usdc(1_234)));
		assert_eq!(VaultState::<Test>::get().cash, SEED as i128 - usdc(1_234));
		assert_ok!(<Perpetuals as LossBearer>::bear_loss(None, 0));
		// The bankrupt account the engine credits holds it: the custody check balances.
		fund(EVE, 1);
		assert_ok!(<MockLedger as MarginLedger<AccountId>>::settle(
			&EVE,
			CROSS_ACCOUNT,
			usdc(1_234)
		));
	});
}

#[test]
fn vault_needs_usable_prices_with_open_interest() {
	test(|| {
		add_liquidity(LP, 100_000);
		MockLedger::fund_wallet(LP2, 1_000 * USDC);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 1));
		// Past the maximum age, even the last valid price is too old.
		MockPrices::set_now(NOW + 600_001);
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP2), 1_000 * USDC, 0),
			Error::<Test>::PriceStale
		);
		assert_noop!(Perpetuals::withdraw_liquidity(signed(LP), 0), Error::<Test>::PriceStale);
		// An outlier print does not price shares: the last valid price does.
		MockPrices::set_now(NOW);
		let nav = Perpetuals::vault_nav(PriceMode::Fresh).unwrap();
		MockPrices::set_last_valid(BTC_KEY, 60_000);
		MockPrices::set(BTC_KEY, 10);
		assert_eq!(Perpetuals::vault_nav(PriceMode::Conservative), Ok(nav));
		MockPrices::set(BTC_KEY, 60_000);
		assert_ok!(Perpetuals::add_liquidity(signed(LP2), 1_000 * USDC, 0));
	});
}

#[test]
fn set_vault_rules_is_governance_only_bounded_and_emits_vault_rules_set() {
	test(|| {
		let rules = VaultRules {
			stress_move: Permill::from_percent(15),
			exit_notice: 100,
			min_trade_notional: 10 * USDC,
			min_fee: USDC / 100,
		};
		assert_noop!(Perpetuals::set_vault_rules(signed(ALICE), rules), DispatchError::BadOrigin);
		assert_noop!(
			Perpetuals::set_vault_rules(
				root(),
				VaultRules { stress_move: Permill::zero(), ..rules }
			),
			Error::<Test>::InvalidStressMove
		);
		assert_noop!(
			Perpetuals::set_vault_rules(
				root(),
				VaultRules { stress_move: Permill::from_parts(500_001), ..rules }
			),
			Error::<Test>::InvalidStressMove
		);
		assert_noop!(
			Perpetuals::set_vault_rules(
				root(),
				VaultRules { exit_notice: MAX_EXIT_NOTICE + 1, ..rules }
			),
			Error::<Test>::ExitNoticeTooLong
		);
		assert_noop!(
			Perpetuals::set_vault_rules(root(), VaultRules { min_fee: 11 * USDC, ..rules }),
			Error::<Test>::MinFeeAboveMinNotional
		);
		assert_ok!(Perpetuals::set_vault_rules(root(), rules));
		System::assert_last_event(Event::VaultRulesSet { rules }.into());
		assert_eq!(Rules::<Test>::get(), rules);
	});
}

#[test]
fn pooled_quote_is_vault_cash_plus_fees() {
	test_empty_vault(|| {
		assert_eq!(Perpetuals::pooled_quote(), 0);
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, BTC_PERP, -BTC);
		// 10,000 + 72 of spread in the vault, 60 of fees in the pot.
		assert_eq!(Perpetuals::pooled_quote(), usdc(10_072) + 60_000_000);
		assert_eq!(
			Perpetuals::pooled_quote(),
			VaultState::<Test>::get().cash + FeePot::<Test>::get() as i128
		);
		// It is exactly what the custody holds beyond the traders' balances.
		assert_eq!(MockLedger::custody() - MockLedger::total_quote(), Perpetuals::pooled_quote());
	});
}

#[test]
fn nav_counts_the_funding_positions_owe_so_a_deposit_cannot_buy_it_cheap() {
	// Scenario 9: NAV ignored accrued funding, so an LP could buy in just before a crowded side
	// settled a day of funding into the vault, and take a share of it.
	test_empty_vault(|| {
		add_liquidity(LP, 100_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		let nav = Perpetuals::vault_nav(PriceMode::Fresh).unwrap();
		run_to_block(1 + BLOCKS_PER_DAY as u64);
		let accrued = Perpetuals::vault_nav(PriceMode::Fresh).unwrap() - nav;
		// 1 BTC of skew over a 1,000 BTC scale: 0.1 % of the 10 %/day maximum, 6 USDC a day.
		assert!(accrued > 5 * USDC as i128 && accrued <= 6 * USDC as i128, "{accrued}");
		// The depositor pays for it: settling it afterwards does not move NAV.
		add_liquidity(LP2, 100_000);
		let before = Perpetuals::vault_nav(PriceMode::Fresh).unwrap();
		trade(ALICE, BTC_PERP, -BTC / 2);
		let (_, _, funding) = last_fill();
		assert!(funding > 5 * USDC as i128, "{funding}");
		// NAV moves by the fee-less trade's spread only, not by the funding it settled.
		let after = Perpetuals::vault_nav(PriceMode::Fresh).unwrap();
		assert!((after - before).abs() < USDC as i128 * 20, "{before} -> {after}");
	});
}

#[test]
fn try_state_catches_a_drifted_funding_basis() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		assert_ok!(Perpetuals::do_try_state());
		Markets::<Test>::mutate(BTC_PERP, |m| {
			let s = &mut m.as_mut().unwrap().state;
			s.funding_basis = s.funding_basis + FixedI128::from_inner(1);
		});
		assert!(Perpetuals::do_try_state().is_err());
		Markets::<Test>::mutate(BTC_PERP, |m| {
			let s = &mut m.as_mut().unwrap().state;
			s.funding_basis = s.funding_basis - FixedI128::from_inner(1);
		});
	});
}
