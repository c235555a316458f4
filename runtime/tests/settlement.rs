//! The global settlement against the real runtime (issue 14 §4): 150 accounts hold 300
//! perpetual positions (longs and shorts on BTC and ETH) and 20 options; one of them is
//! leveraged enough to be underwater at the fixed price. BTC falls to 48,000 and Root triggers
//! the settlement in the same block: trading stops at once (a trade after the trigger in that
//! block is refused, one before it stands and is settled with the rest), positions are settled
//! at the fixed prices over several blocks within the per-block cap, a deposit still goes
//! through, and once it is complete the engine writes the underwater account's debt off to a
//! named party while every other account withdraws everything it shows, to the unit, and the
//! LPs leave both vaults. Every block checks every pallet's invariants, custody exactly.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::panic
)]

use crate::common;

use ballast_primitives::{assets, traits::SettlementStatus, Price};
use ballast_runtime::{
	configs::settlement::MaxSettlePerBlock, GlobalSettlement, Runtime, RuntimeEvent, System,
};
use common::{
	chain::*,
	population::{account, fund},
};
use pallet_global_settlement::{Event as GsEvent, Phase};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungibles::Inspect},
	sp_runtime::DispatchError,
};

const TRADERS: u32 = 150;
const OPTION_HOLDERS: u32 = 20;
const TAG: u8 = 0x61;

fn trader(i: u32) -> AccountId {
	account(i, TAG)
}

/// The underwater account: 1,000 USDC behind 0.1 BTC long (6× at 60,000).
fn gambler() -> AccountId {
	account(0, 0x62)
}

fn quote(who: &AccountId) -> i128 {
	pallet_margin_accounts::Accounts::<Runtime>::get(who, 0).map_or(0, |a| a.quote)
}

fn wallet_usdc(who: &AccountId) -> u128 {
	<Runtime as pallet_margin_accounts::Config>::Assets::balance(assets::USDC, who)
}

fn settlement_events() -> Vec<GsEvent<Runtime>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::GlobalSettlement(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// The dev genesis' BTC call and put (expiring 2028).
fn btc_series() -> (u32, u32) {
	let ids: Vec<u32> = pallet_options::ActiveSeries::<Runtime>::get()
		.iter()
		.map(|(id, _)| *id)
		.filter(|id| {
			pallet_options::AllSeries::<Runtime>::get(id).unwrap().params.underlying == assets::BTC
		})
		.collect();
	let kind = |id: &u32| pallet_options::AllSeries::<Runtime>::get(id).unwrap().params.kind;
	let call = *ids.iter().find(|id| kind(id) == pallet_options::OptionKind::Call).unwrap();
	let put = *ids.iter().find(|id| kind(id) == pallet_options::OptionKind::Put).unwrap();
	(call, put)
}

fn buy(who: &AccountId, series: u32, quantity: u128) -> Result<(), DispatchError> {
	call(
		who,
		pallet_options::Call::<Runtime>::buy { sub: 0, series, quantity, max_premium: u128::MAX },
	)
}

/// Open the population: 300 perpetual positions, 20 options, the gambler.
fn populate() {
	let (btc_call, btc_put) = btc_series();
	for i in 0..TRADERS {
		let who = trader(i);
		fund(&who, &[(assets::USDC, 30_000 * USDC)]);
		assert_ok!(deposit(&who, 0, assets::USDC, 20_000 * USDC));
		// Longs and shorts in turn on both markets: the vault's skew stays small.
		let side: i128 = if i % 2 == 0 { 1 } else { -1 };
		assert_ok!(trade(&who, 0, BTC_PERP, side * (BTC as i128) / 20));
		assert_ok!(trade(&who, 0, ETH_PERP, -side * ETH as i128));
		if i < OPTION_HOLDERS {
			let series = if i % 2 == 0 { btc_call } else { btc_put };
			assert_ok!(buy(&who, series, BTC / 100));
		}
	}
	let g = gambler();
	fund(&g, &[(assets::USDC, 1_000 * USDC)]);
	assert_ok!(deposit(&g, 0, assets::USDC, 1_000 * USDC));
	assert_ok!(trade(&g, 0, BTC_PERP, (BTC as i128) / 10));
}

/// Positions the settlement has settled so far.
fn settled_so_far() -> u32 {
	match pallet_global_settlement::Status::<Runtime>::get() {
		Phase::Live => 0,
		Phase::Settling { settled, .. } | Phase::Settled { settled, .. } => settled,
	}
}

fn perp_positions() -> usize {
	pallet_perpetuals::Positions::<Runtime>::iter().count()
}

fn option_positions() -> usize {
	pallet_options::Positions::<Runtime>::iter().count()
}

#[test]
fn hundreds_of_positions_settle_over_several_blocks_and_everyone_withdraws_in_full() {
	chain().execute_with(|| {
		populate();
		next_block();
		assert_eq!(perp_positions(), 2 * TRADERS as usize + 1);
		assert_eq!(option_positions(), OPTION_HOLDERS as usize);
		let total = perp_positions() + option_positions();

		// BTC −20 % and the trigger in the same block: the engine never gets to liquidate at
		// live prices, everything is settled at 48,000.
		feed_now(&[(assets::BTC, 48_000), (assets::ETH, 3_100), (assets::DOT, 6)]);
		let early = trader(0);
		// A trade before the trigger in the block stands (and is settled with the rest).
		assert_ok!(trade(&early, 0, BTC_PERP, (BTC as i128) / 100));
		assert_ok!(root(pallet_global_settlement::Call::<Runtime>::trigger {}));
		let fixed = pallet_global_settlement::SettlementPrices::<Runtime>::get().into_inner();
		assert_eq!(
			fixed,
			vec![
				(assets::BTC, Price::from_u32(48_000)),
				(assets::ETH, Price::from_u32(3_100)),
				(assets::DOT, Price::from_u32(6)),
			]
		);
		// After it, in the same block: refused, precisely.
		assert_noop!(
			trade(&early, 0, BTC_PERP, (BTC as i128) / 100),
			pallet_perpetuals::Error::<Runtime>::GlobalSettlementActive
		);
		assert_noop!(
			buy(&early, btc_series().0, BTC / 100),
			pallet_options::Error::<Runtime>::GlobalSettlementActive
		);
		assert!(!GlobalSettlement::is_live());
		// Root again: once only.
		assert_noop!(
			root(pallet_global_settlement::Call::<Runtime>::trigger {}),
			pallet_global_settlement::Error::<Runtime>::AlreadyTriggered
		);

		// Settling, block by block, within the cap.
		let mut per_block: Vec<u32> = Vec::new();
		let mut deposited = false;
		for _ in 0..40 {
			let before = settled_so_far();
			System::reset_events();
			next_block();
			let settled = settled_so_far() - before;
			// The block's event says the same.
			let reported: u32 = settlement_events()
				.iter()
				.map(|e| match e {
					GsEvent::Progress { settled, .. } => *settled,
					_ => 0,
				})
				.sum();
			assert_eq!(reported, settled);
			assert!(settled <= MaxSettlePerBlock::get(), "{settled} in one block");
			per_block.push(settled);
			if !deposited {
				// While settling: no trade, no new liquidity; a deposit goes through.
				let who = trader(1);
				assert_noop!(
					trade(&who, 0, ETH_PERP, ETH as i128),
					pallet_perpetuals::Error::<Runtime>::GlobalSettlementActive
				);
				assert_noop!(
					call(
						&who,
						pallet_perpetuals::Call::<Runtime>::close_position {
							sub: 0,
							market: ETH_PERP,
							limit_price: None
						}
					),
					pallet_perpetuals::Error::<Runtime>::GlobalSettlementActive
				);
				assert_noop!(
					call(
						&who,
						pallet_perpetuals::Call::<Runtime>::add_liquidity {
							amount: 1_000 * USDC,
							min_shares: 0
						}
					),
					pallet_perpetuals::Error::<Runtime>::GlobalSettlementActive
				);
				assert_ok!(deposit(&who, 0, assets::USDC, 1_000 * USDC));
				// An account whose positions are still to be settled cannot take value out at
				// live prices (it could owe more at the fixed ones).
				let ((holder, sub), _, _) =
					pallet_perpetuals::Positions::<Runtime>::iter().next().expect("still settling");
				assert_noop!(
					withdraw(&holder, sub, assets::USDC, USDC),
					pallet_margin_accounts::Error::<Runtime>::PositionsBeingSettled
				);
				deposited = true;
			}
			if matches!(pallet_global_settlement::Status::<Runtime>::get(), Phase::Settled { .. }) {
				break;
			}
		}
		let blocks = per_block.iter().filter(|n| **n > 0).count();
		println!("settled {total} positions in {blocks} blocks: {per_block:?}");
		assert!(blocks > 1, "several blocks");
		assert_eq!(per_block.iter().sum::<u32>() as usize, total);
		assert!(matches!(
			pallet_global_settlement::Status::<Runtime>::get(),
			Phase::Settled { settled, .. } if settled as usize == total
		));
		assert_eq!(perp_positions(), 0);
		assert_eq!(option_positions(), 0);

		// The gambler: underwater at 48,000 (0.1 BTC bought near 60,036 on 1,000 USDC).
		let debt = quote(&gambler());
		assert!(debt < 0, "underwater: {debt}");
		// Settled: the engine handles it as always; the debt goes to the insurance funds and
		// the perps vault (named in the events), never to another trader.
		let insurance_before = pallet_liquidation::GlobalInsurance::<Runtime>::get();
		let bad_debt_before = pallet_liquidation::BadDebt::<Runtime>::get();
		for _ in 0..20 {
			next_block();
			if quote(&gambler()) == 0 {
				break;
			}
		}
		assert_eq!(quote(&gambler()), 0, "the debt was taken over");
		let covered = insurance_before - pallet_liquidation::GlobalInsurance::<Runtime>::get();
		let written_off = pallet_liquidation::BadDebt::<Runtime>::get() - bad_debt_before;
		println!(
			"gambler's debt {debt}: insurance {covered}, written off to the vault {written_off}"
		);
		assert_eq!((covered + written_off) as i128, -debt, "charged to insurance and the vault");
		// Named: the write-off is recorded against the gambler and borne by the perps vault.
		let events: Vec<RuntimeEvent> = System::events().into_iter().map(|r| r.event).collect();
		if written_off > 0 {
			assert!(events.iter().any(|e| matches!(e,
				RuntimeEvent::Liquidation(pallet_liquidation::Event::BadDebtRecorded { who, amount, .. })
					if *who == gambler() && *amount == written_off)));
			assert!(events.iter().any(|e| matches!(e,
				RuntimeEvent::Perpetuals(pallet_perpetuals::Event::LossBorne { amount, .. })
					if *amount == written_off)));
		}

		// Everyone withdraws what its account shows, to the unit.
		for who in (0..TRADERS).map(trader) {
			let owed = quote(&who);
			assert!(owed > 0, "a trader with 20,000 USDC lost less than it had");
			let before = wallet_usdc(&who);
			assert_ok!(withdraw(&who, 0, assets::USDC, owed as u128));
			assert_eq!(wallet_usdc(&who) - before, owed as u128);
			assert_eq!(quote(&who), 0);
		}
		// The LPs leave: Alice's shares in both vaults, after the notice, at NAV.
		let lp = alice();
		let perps_shares = pallet_perpetuals::LpShares::<Runtime>::get(&lp);
		let options_shares = pallet_options::LpShares::<Runtime>::get(&lp);
		assert_ok!(call(
			&lp,
			pallet_perpetuals::Call::<Runtime>::request_withdrawal { shares: perps_shares }
		));
		assert_ok!(call(
			&lp,
			pallet_options::Call::<Runtime>::request_withdrawal { shares: options_shares }
		));
		for _ in 0..12 {
			next_block();
		}
		let before = wallet_usdc(&lp);
		assert_ok!(call(
			&lp,
			pallet_perpetuals::Call::<Runtime>::withdraw_liquidity { min_amount: 0 }
		));
		assert_ok!(call(
			&lp,
			pallet_options::Call::<Runtime>::withdraw_liquidity { min_amount: 0 }
		));
		println!("Alice's vault shares paid {} USDC", (wallet_usdc(&lp) - before) / USDC);
		assert!(wallet_usdc(&lp) > before);
		// Nothing lost: custody equals every claim left (checked exactly by every block's
		// invariants, once more here).
		next_block();
	});
}

#[test]
fn trigger_needs_root_and_a_valid_price_for_every_key() {
	chain().execute_with(|| {
		let dave = dave();
		assert_noop!(
			call(&dave, pallet_global_settlement::Call::<Runtime>::trigger {}),
			DispatchError::BadOrigin
		);
		// Ten minutes without prices: stale. Nothing changes.
		for _ in 0..101 {
			next_block();
		}
		assert_noop!(
			root(pallet_global_settlement::Call::<Runtime>::trigger {}),
			pallet_global_settlement::Error::<Runtime>::PriceUnavailable
		);
		assert!(GlobalSettlement::is_live());
		// Fresh prices: it goes through.
		feed_now(&[(assets::BTC, 60_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		assert_ok!(root(pallet_global_settlement::Call::<Runtime>::trigger {}));
		assert!(GlobalSettlement::is_settling());
		next_block();
		assert!(matches!(
			pallet_global_settlement::Status::<Runtime>::get(),
			Phase::Settled { settled: 0, .. }
		));
	});
}
