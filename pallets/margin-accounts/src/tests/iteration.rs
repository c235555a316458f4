//! Iteration.

use super::*;

#[test]
fn accounts_after_pages_through_every_account_once() {
	test(|| {
		deposit(ALICE, CROSS, USDC, 1);
		create_isolated(ALICE, 0);
		create_isolated(ALICE, 1);
		deposit(BOB, CROSS, USDC, 1);
		create_isolated(CHARLIE, 2);
		let mut seen = Vec::new();
		let mut after = None;
		loop {
			let page = <MarginAccounts as MarginSide<AccountId>>::accounts_after(after, 2);
			seen.extend(page.iter().copied());
			if page.len() < 2 {
				break;
			}
			after = page.last().copied();
		}
		seen.sort();
		assert_eq!(seen, vec![(ALICE, 0), (ALICE, 1), (ALICE, 2), (BOB, 0), (CHARLIE, 1)]);
		let mut subs = MarginAccounts::sub_accounts(&ALICE);
		subs.sort();
		assert_eq!(subs, vec![0, 1, 2]);
	});
}
