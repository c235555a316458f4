//! The weights of the calls that value an account: declared for the largest class
//! (`MaxPositions`, `MaxCollateralAssets`), refunded to the class of the accounts touched
//! (`Pallet::account_class`), each part capped at the declared worst case; a failed call pays
//! the declared weight.

use super::*;
use crate::WeightInfo;
use polkadot_sdk::frame_support::{
	dispatch::{DispatchResultWithPostInfo, GetDispatchInfo},
	weights::Weight,
};

type Weights = <Test as crate::Config>::WeightInfo;

/// The weight charged for a successful call.
fn charged(result: DispatchResultWithPostInfo) -> Weight {
	result.expect("the call succeeds").actual_weight.expect("refunded to the class")
}

/// Positions in `markets` for `(who, sub)`, with small requirements.
fn positions(who: AccountId, sub: SubAccount, markets: &[MarketId]) {
	MockDerivatives::open(who, sub, markets, exposure(10, 5));
}

#[test]
fn the_calls_declare_the_largest_class() {
	test(|| {
		let info = |call: crate::Call<Test>| call.get_dispatch_info().call_weight;
		let (p, c) = (MAX_POSITIONS, MAX_COLLATERAL);
		assert_eq!(
			info(crate::Call::deposit { sub: CROSS, asset: BTC, amount: 1 }),
			Weights::deposit(p, c)
		);
		assert_eq!(
			info(crate::Call::withdraw { sub: CROSS, asset: BTC, amount: 1 }),
			Weights::withdraw(p, c)
		);
		assert_eq!(
			info(crate::Call::transfer { from: CROSS, to: 1, asset: BTC, amount: 1 }),
			<Weights as WeightInfo>::transfer(p, c)
		);
	});
}

#[test]
fn the_class_is_positions_and_collateral_assets() {
	test(|| {
		assert_eq!(MarginAccounts::account_class(&ALICE, CROSS, None), (0, 0));
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, ETH, ETH_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		positions(ALICE, CROSS, &[0, 1]);
		assert_eq!(MarginAccounts::account_class(&ALICE, CROSS, None), (2, 2));
		// An isolated account with a position counts one more (its liquidation-price entry).
		let sub = create_isolated(ALICE, 0);
		assert_eq!(MarginAccounts::account_class(&ALICE, sub, None), (0, 0));
		positions(ALICE, sub, &[0]);
		assert_eq!(MarginAccounts::account_class(&ALICE, sub, None), (2, 0));
		// A holding the call emptied counts; one still held, or the quote asset, not twice.
		assert_eq!(MarginAccounts::account_class(&ALICE, CROSS, Some(DOT)), (2, 3));
		assert_eq!(MarginAccounts::account_class(&ALICE, CROSS, Some(BTC)), (2, 2));
		assert_eq!(MarginAccounts::account_class(&ALICE, CROSS, Some(USDC)), (2, 2));
	});
}

#[test]
fn a_deposit_is_charged_at_its_accounts_class() {
	test(|| {
		// The first deposit of quote: no asset held, charged as one (the benchmarks' floor).
		let w = charged(MarginAccounts::deposit(signed(ALICE), CROSS, USDC, usdc(1_000)));
		assert_eq!(w, Weights::deposit(0, 1));
		positions(ALICE, CROSS, &[0, 1]);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		let w = charged(MarginAccounts::deposit(signed(ALICE), CROSS, ETH, ETH_UNIT));
		assert_eq!(w, Weights::deposit(2, 2));
		assert!(w.all_lt(Weights::deposit(MAX_POSITIONS, MAX_COLLATERAL)));
	});
}

#[test]
fn a_withdrawal_is_charged_with_the_holding_it_emptied() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, ETH, ETH_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(10_000));
		positions(ALICE, CROSS, &[0]);
		let w = charged(MarginAccounts::withdraw(signed(ALICE), CROSS, ETH, ETH_UNIT / 2));
		assert_eq!(w, Weights::withdraw(1, 2));
		// The rest of the ETH: valued with it, so still two assets.
		let w = charged(MarginAccounts::withdraw(signed(ALICE), CROSS, ETH, ETH_UNIT / 2));
		assert_eq!(w, Weights::withdraw(1, 2));
		assert_eq!(MarginAccounts::account_class(&ALICE, CROSS, None), (1, 1));
	});
}

#[test]
fn a_transfer_is_charged_at_the_larger_class_of_its_two_accounts() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(10_000));
		positions(ALICE, CROSS, &[0, 1, 2]);
		let sub = create_isolated(ALICE, 0);
		deposit(ALICE, sub, ETH, ETH_UNIT);
		deposit(ALICE, sub, DOT, DOT_UNIT);
		positions(ALICE, sub, &[0]);
		// Positions from the cross account (3), assets from the isolated one (2, then 3).
		let w = charged(MarginAccounts::transfer(signed(ALICE), CROSS, sub, BTC, BTC_UNIT / 2));
		assert_eq!(w, <Weights as WeightInfo>::transfer(3, 3));
		// Back, emptying the isolated account's DOT: valued with it.
		let w = charged(MarginAccounts::transfer(signed(ALICE), sub, CROSS, DOT, DOT_UNIT));
		assert_eq!(w, <Weights as WeightInfo>::transfer(3, 3));
	});
}

#[test]
fn a_failed_call_is_charged_the_declared_weight() {
	test(|| {
		let err = MarginAccounts::withdraw(signed(ALICE), CROSS, BTC, 1).unwrap_err();
		assert_eq!(err.error, Error::<Test>::UnknownAccount.into());
		assert_eq!(err.post_info.actual_weight, None);
	});
}
