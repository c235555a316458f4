//! Genesis and invariants.

use super::*;

#[test]
fn genesis_creates_markets_and_vault_deposits() {
	new_test_ext_with(
		crate::GenesisConfig {
			markets: vec![btc_market(), eth_market()],
			vault_deposits: vec![(LP, 1_000 * USDC), (LP2, 500 * USDC)],
			vault_rules: VaultRules { exit_notice: 7, ..Default::default() },
		},
		&[(LP, 5_000 * USDC), (LP2, 500 * USDC)],
	)
	.execute_with(|| {
		assert_eq!(NextMarketId::<Test>::get(), 2);
		assert_eq!(Markets::<Test>::get(ETH_PERP).unwrap().params, eth_market());
		assert_eq!(VaultState::<Test>::get(), Vault { cash: usdc(1_500), shares: 1_500 * USDC });
		assert_eq!(LpShares::<Test>::get(LP), 1_000 * USDC);
		assert_eq!(LpShares::<Test>::get(LP2), 500 * USDC);
		assert_eq!(MockLedger::wallet(LP), 4_000 * USDC);
		assert_eq!(MockLedger::wallet(LP2), 0);
		assert_eq!(Rules::<Test>::get().exit_notice, 7);
		check_invariants();
	});
}

#[test]
#[should_panic(expected = "Perpetuals genesis: market")]
fn genesis_refuses_an_invalid_market() {
	new_test_ext_with(
		crate::GenesisConfig {
			markets: vec![MarketParams { skew_scale: 0, ..btc_market() }],
			..Default::default()
		},
		&[],
	);
}

#[test]
#[should_panic(expected = "UnguardedOracleKey")]
fn genesis_refuses_a_market_on_an_unguarded_oracle_key() {
	new_test_ext_with(
		crate::GenesisConfig {
			markets: vec![MarketParams { oracle_key: UNGUARDED_KEY, ..btc_market() }],
			..Default::default()
		},
		&[],
	);
}

#[test]
#[should_panic(expected = "Perpetuals genesis: vault deposit")]
fn genesis_refuses_an_unfunded_vault_deposit() {
	new_test_ext_with(
		crate::GenesisConfig { vault_deposits: vec![(LP, 1_000 * USDC)], ..Default::default() },
		&[(LP, 999 * USDC)],
	);
}

#[test]
#[should_panic(expected = "Perpetuals genesis: vault rules")]
fn genesis_refuses_vault_rules_out_of_bounds() {
	new_test_ext_with(
		crate::GenesisConfig {
			vault_rules: VaultRules { stress_move: Permill::zero(), ..Default::default() },
			..Default::default()
		},
		&[],
	);
}

#[test]
fn try_state_catches_open_interest_and_share_drift() {
	new_test_ext().execute_with(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		add_liquidity(LP, 1_000);
		assert_ok!(Perpetuals::do_try_state());

		Markets::<Test>::mutate(BTC_PERP, |m| m.as_mut().unwrap().state.long_oi += 1);
		assert!(Perpetuals::do_try_state().is_err());
		Markets::<Test>::mutate(BTC_PERP, |m| m.as_mut().unwrap().state.long_oi -= 1);
		assert_ok!(Perpetuals::do_try_state());

		LpShares::<Test>::insert(LP2, 1);
		assert!(Perpetuals::do_try_state().is_err());
		LpShares::<Test>::remove(LP2);

		// Shares pending withdrawal count; an empty pending entry is a defect.
		assert_ok!(Perpetuals::request_withdrawal(signed(LP), 10));
		assert_ok!(Perpetuals::do_try_state());
		PendingExits::<Test>::mutate(LP, |e| e.as_mut().unwrap().shares += 1);
		assert!(Perpetuals::do_try_state().is_err());
		PendingExits::<Test>::insert(LP2, PendingExit { shares: 0, ready_at: 0 });
		assert!(Perpetuals::do_try_state().is_err());
		PendingExits::<Test>::remove(LP2);
		PendingExits::<Test>::mutate(LP, |e| e.as_mut().unwrap().shares -= 1);
		assert_ok!(Perpetuals::do_try_state());
		Rules::<Test>::put(VaultRules { stress_move: Permill::zero(), ..Default::default() });
		assert!(Perpetuals::do_try_state().is_err());
		Rules::<Test>::put(VaultRules::default());

		Positions::<Test>::insert((BOB, CROSS_ACCOUNT), BTC_PERP, Position::default());
		assert!(Perpetuals::do_try_state().is_err());
	});
}

#[test]
fn sub_accounts_are_separate() {
	test(|| {
		let sub: SubAccount = 2;
		fund(ALICE, 100_000);
		MockLedger::deposit(ALICE, sub, 10_000 * USDC);
		trade(ALICE, BTC_PERP, BTC);
		assert_ok!(Perpetuals::trade(signed(ALICE), sub, BTC_PERP, -BTC / 2, None));
		assert_eq!(position(ALICE, BTC_PERP).unwrap().quantity, BTC);
		assert_eq!(Positions::<Test>::get((ALICE, sub), BTC_PERP).unwrap().quantity, -BTC / 2);
		assert_eq!(Perpetuals::positions_of(&ALICE, sub).len(), 1);
	});
}
