//! Trade: the weight. Declared for the largest account, refunded to the account's class
//! (`Config::AccountClass`: positions after the trade, plus the one it closed; collateral
//! assets), each part capped at the declared worst case.

use super::*;
use crate::{AccountClass, WeightInfo};
use polkadot_sdk::frame_support::{
	dispatch::{GetDispatchInfo, PostDispatchInfo},
	weights::Weight,
};

type Weights = <Test as crate::Config>::WeightInfo;

/// The weight charged for a successful call.
fn charged(result: polkadot_sdk::frame_support::dispatch::DispatchResultWithPostInfo) -> Weight {
	let post: PostDispatchInfo = result.expect("the call succeeds");
	post.actual_weight.expect("the call refunds to the account's class")
}

#[test]
fn trade_and_close_position_declare_the_largest_class() {
	test(|| {
		let worst = Weights::trade(MAX_MARKETS, MAX_COLLATERAL);
		let call = crate::Call::<Test>::trade {
			sub: CROSS_ACCOUNT,
			market: BTC_PERP,
			size_delta: BTC,
			limit_price: None,
		};
		assert_eq!(call.get_dispatch_info().call_weight, worst);
		let call = crate::Call::<Test>::close_position {
			sub: CROSS_ACCOUNT,
			market: BTC_PERP,
			limit_price: None,
		};
		assert_eq!(call.get_dispatch_info().call_weight, worst);
	});
}

#[test]
fn a_trade_is_charged_at_its_accounts_class() {
	test(|| {
		fund(ALICE, 100_000);
		MockLedger::set_collateral_assets(ALICE, CROSS_ACCOUNT, 2);
		let w = charged(Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None));
		assert_eq!(w, Weights::trade(1, 2));
		let w = charged(Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, ETH_PERP, ETH, None));
		assert_eq!(w, Weights::trade(2, 2));
		assert!(w.all_lt(Weights::trade(MAX_MARKETS, MAX_COLLATERAL)));
	});
}

#[test]
fn closing_counts_the_position_it_closed() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, ETH_PERP, ETH);
		// Closed by a trade and by `close_position` alike: valued with the position it closed.
		let w = charged(Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, ETH_PERP, -ETH, None));
		assert_eq!(w, Weights::trade(2, 0));
		let w = charged(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		assert_eq!(w, Weights::trade(1, 0));
		assert_eq!(MockLedger::class(&ALICE, CROSS_ACCOUNT), (0, 0));
	});
}

#[test]
fn the_class_is_capped_at_the_declared_worst_case() {
	test(|| {
		fund(ALICE, 100_000);
		MockLedger::set_collateral_assets(ALICE, CROSS_ACCOUNT, MAX_COLLATERAL + 5);
		let w = charged(Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None));
		assert_eq!(w, Weights::trade(1, MAX_COLLATERAL));
		// No margin engine to ask (`()`): the largest class, no refund.
		assert_eq!(
			<() as AccountClass<AccountId>>::class(&ALICE, CROSS_ACCOUNT),
			(u32::MAX, u32::MAX)
		);
	});
}

#[test]
fn a_failed_trade_is_charged_the_declared_weight() {
	test(|| {
		fund(ALICE, 100_000);
		let err = Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, 0, None).unwrap_err();
		assert_eq!(err.error, Error::<Test>::ZeroAmount.into());
		assert_eq!(err.post_info.actual_weight, None);
	});
}
