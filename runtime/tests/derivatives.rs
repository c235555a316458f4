//! Collateral core scenarios against the real runtime: collateral registry, margin accounts and
//! perpetuals wired as on chain, from the `development` preset. Every test checks the three
//! pallets' invariants after every block and at its end.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::panic
)]

use crate::common;

use ballast_primitives::{assets, AssetStatus, Price, CROSS_ACCOUNT};
use ballast_runtime::{
	margin_api::AccountSummary, CollateralRegistry, MarginAccounts, Perpetuals, Runtime,
	RuntimeEvent, System,
};
use common::{chain::*, ext_for_preset};
use pallet_margin_accounts::{Error as MarginError, Event as MarginEvent};
use pallet_perpetuals::{Error as PerpError, Event as PerpEvent, MarketParams, MarketStatus};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_arithmetic::Permill,
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_runtime::{DispatchError, DispatchResult, TokenError},
};

// ---------------------------------------------------------------- genesis

#[test]
fn genesis_lists_collateral_markets_and_a_funded_vault() {
	chain().execute_with(|| {
		for a in [assets::BTC, assets::ETH, assets::DOT] {
			assert!(CollateralRegistry::params(a).is_some(), "asset {a} listed");
		}
		assert!(CollateralRegistry::params(assets::USDC).is_none(), "USDC is the quote asset");
		assert_eq!(pallet_perpetuals::NextMarketId::<Runtime>::get(), 3);
		let vault = pallet_perpetuals::VaultState::<Runtime>::get();
		assert_eq!(vault.cash, 500_000 * USDC as i128);
		// The custody holds the perps vault's 500 000 and the options vault's 200 000 USDC.
		assert_eq!(pallet_options::VaultState::<Runtime>::get().cash, 200_000 * USDC);
		assert_eq!(custody_balance(assets::USDC), 700_000 * USDC);
		assert_eq!(Perpetuals::market_reports().len(), 3);
		try_state();
	});
}

// ---------------------------------------------------------------- margin accounts

#[test]
fn deposits_credit_collateral_and_quote() {
	chain().execute_with(|| {
		assert_ok!(deposit(&dave(), CROSS_ACCOUNT, assets::BTC, BTC));
		System::assert_last_event(RuntimeEvent::MarginAccounts(MarginEvent::Deposited {
			who: dave(),
			sub: CROSS_ACCOUNT,
			asset: assets::BTC,
			amount: BTC,
		}));
		assert_ok!(deposit(&dave(), CROSS_ACCOUNT, assets::ETH, 10 * ETH));
		assert_ok!(deposit(&dave(), CROSS_ACCOUNT, assets::USDC, 1_000 * USDC));
		let a = pallet_margin_accounts::Accounts::<Runtime>::get(dave(), CROSS_ACCOUNT).unwrap();
		assert_eq!(a.holding(assets::BTC), BTC);
		assert_eq!(a.holding(assets::ETH), 10 * ETH);
		assert_eq!(a.quote, 1_000 * USDC as i128);
		assert_eq!(custody_balance(assets::BTC), BTC);
		assert_eq!(custody_balance(assets::USDC), 701_000 * USDC);

		// Valued with haircuts: 60 000 + 30 000 at 10 % / 15 % base haircuts (plus a tiny
		// concentration add-on), plus 1 000 of quote.
		let v = MarginAccounts::valuation(&dave(), CROSS_ACCOUNT).unwrap();
		assert_eq!(v.collateral_value, 90_000 * USDC);
		assert!(v.initial_collateral < 60_000 * 9 / 10 * USDC + 30_000 * 85 / 100 * USDC);
		assert!(v.initial_collateral > 79_000 * USDC);
		assert_eq!(v.health_ratio(), None, "no positions, nothing required");
		next_block();
	});
}

#[test]
fn deposit_errors_change_nothing() {
	chain().execute_with(|| {
		assert_noop!(deposit(&dave(), 0, assets::BTC, 0), MarginError::<Runtime>::ZeroAmount);
		assert_noop!(deposit(&dave(), 0, 99, 1), MarginError::<Runtime>::AssetNotListed);
		assert_noop!(deposit(&dave(), 1, assets::BTC, 1), MarginError::<Runtime>::UnknownAccount);
		assert_noop!(
			deposit(&dave(), 0, assets::BTC, 1_001 * BTC),
			MarginError::<Runtime>::AccountCapExceeded
		);
		assert_noop!(deposit(&dave(), 0, assets::BTC, 101 * BTC), TokenError::FundsUnavailable);
		assert_ok!(root(pallet_collateral_registry::Call::<Runtime>::set_caps {
			asset: assets::BTC,
			supply_cap: BTC,
			account_cap: BTC,
		}));
		assert_noop!(
			deposit(&dave(), 0, assets::BTC, 2 * BTC),
			MarginError::<Runtime>::SupplyCapExceeded
		);
		assert_ok!(root(pallet_collateral_registry::Call::<Runtime>::set_status {
			asset: assets::BTC,
			status: AssetStatus::ReduceOnly,
		}));
		assert_noop!(deposit(&dave(), 0, assets::BTC, 1), MarginError::<Runtime>::AssetNotAccepted);
		next_block();
	});
}

#[test]
fn withdrawals_need_margin_and_fresh_prices_only_when_at_risk() {
	chain().execute_with(|| {
		assert_ok!(deposit(&dave(), 0, assets::BTC, BTC));
		assert_ok!(deposit(&dave(), 0, assets::ETH, 10 * ETH));
		assert_noop!(withdraw(&dave(), 0, assets::BTC, 0), MarginError::<Runtime>::ZeroAmount);
		assert_noop!(withdraw(&dave(), 3, assets::BTC, 1), MarginError::<Runtime>::UnknownAccount);
		assert_noop!(
			withdraw(&dave(), 0, assets::BTC, 2 * BTC),
			MarginError::<Runtime>::InsufficientBalance
		);
		assert_noop!(
			withdraw(&dave(), 0, assets::USDC, 1),
			MarginError::<Runtime>::InsufficientBalance
		);
		// Nothing at risk: withdrawing needs no margin test.
		assert_ok!(withdraw(&dave(), 0, assets::ETH, ETH));
		System::assert_last_event(RuntimeEvent::MarginAccounts(MarginEvent::Withdrawn {
			who: dave(),
			sub: 0,
			asset: assets::ETH,
			amount: ETH,
		}));

		// A 5 BTC short (300 000 notional, 30 000 initial margin) on 1 BTC + 9 ETH of collateral.
		assert_ok!(trade(&dave(), 0, BTC_PERP, -5 * BTC as i128));
		// Taking all ETH out would leave 54 000 of BTC against 30 000 IM: fine. Taking BTC too
		// would not.
		assert_ok!(withdraw(&dave(), 0, assets::ETH, 9 * ETH));
		assert_noop!(
			withdraw(&dave(), 0, assets::BTC, BTC),
			MarginError::<Runtime>::InsufficientMargin
		);

		// Frozen collateral cannot move at all.
		assert_ok!(root(pallet_collateral_registry::Call::<Runtime>::set_status {
			asset: assets::BTC,
			status: AssetStatus::Frozen,
		}));
		assert_noop!(withdraw(&dave(), 0, assets::BTC, 1), MarginError::<Runtime>::AssetFrozen);
		assert_ok!(root(pallet_collateral_registry::Call::<Runtime>::set_status {
			asset: assets::BTC,
			status: AssetStatus::Active,
		}));

		// Eleven minutes without a price: the margin test fails closed.
		for _ in 0..110 {
			next_block();
		}
		assert_noop!(withdraw(&dave(), 0, assets::BTC, 1), MarginError::<Runtime>::PriceStale);
		// A deposit reduces risk and is always allowed.
		assert_ok!(deposit(&dave(), 0, assets::USDC, 100 * USDC));
		next_block();
	});
}

#[test]
fn isolated_accounts_lifecycle_and_transfers() {
	chain().execute_with(|| {
		assert_noop!(create_isolated(&dave(), 7), MarginError::<Runtime>::UnknownMarket);
		assert_ok!(create_isolated(&dave(), BTC_PERP));
		System::assert_last_event(RuntimeEvent::MarginAccounts(
			MarginEvent::IsolatedAccountCreated { who: dave(), sub: 1, market: BTC_PERP },
		));
		for sub in 2..=8 {
			assert_ok!(create_isolated(&dave(), ETH_PERP));
			assert!(pallet_margin_accounts::Accounts::<Runtime>::contains_key(dave(), sub));
		}
		assert_noop!(
			create_isolated(&dave(), BTC_PERP),
			MarginError::<Runtime>::TooManyIsolatedAccounts
		);

		assert_ok!(deposit(&dave(), 0, assets::USDC, 10_000 * USDC));
		let transfer = |from, to, asset, amount| {
			call(
				&dave(),
				pallet_margin_accounts::Call::<Runtime>::transfer { from, to, asset, amount },
			)
		};
		assert_noop!(transfer(0, 0, assets::USDC, 1), MarginError::<Runtime>::SameAccount);
		assert_noop!(transfer(0, 1, assets::USDC, 0), MarginError::<Runtime>::ZeroAmount);
		assert_noop!(transfer(5, 1, assets::USDC, 1), MarginError::<Runtime>::InsufficientBalance);
		assert_ok!(transfer(0, 1, assets::USDC, 4_000 * USDC));
		System::assert_last_event(RuntimeEvent::MarginAccounts(MarginEvent::Transferred {
			who: dave(),
			from: 0,
			to: 1,
			asset: assets::USDC,
			amount: 4_000 * USDC,
		}));

		// The isolated account trades only its own market.
		assert_noop!(trade(&dave(), 1, ETH_PERP, ETH as i128), MarginError::<Runtime>::WrongMarket);
		assert_ok!(trade(&dave(), 1, BTC_PERP, (BTC / 2) as i128));
		// 30 000 notional needs 3 000 IM: only ~970 is free to move out.
		assert_noop!(
			transfer(1, 0, assets::USDC, 2_000 * USDC),
			MarginError::<Runtime>::InsufficientMargin
		);

		let close =
			|sub| call(&dave(), pallet_margin_accounts::Call::<Runtime>::close_isolated { sub });
		assert_noop!(close(0), MarginError::<Runtime>::CannotCloseCross);
		assert_noop!(close(1), MarginError::<Runtime>::AccountNotEmpty);
		assert_ok!(close(8));
		System::assert_last_event(RuntimeEvent::MarginAccounts(
			MarginEvent::IsolatedAccountClosed { who: dave(), sub: 8 },
		));
		assert_noop!(close(8), MarginError::<Runtime>::UnknownAccount);
		next_block();
	});
}

#[test]
fn an_isolated_loss_never_reaches_the_cross_account() {
	chain().execute_with(|| {
		open_breaker(assets::BTC);
		assert_ok!(deposit(&dave(), 0, assets::ETH, 10 * ETH));
		assert_ok!(create_isolated(&dave(), BTC_PERP));
		assert_ok!(deposit(&dave(), 1, assets::USDC, 7_000 * USDC));
		assert_ok!(trade(&dave(), 1, BTC_PERP, BTC as i128));
		let cross_before = MarginAccounts::valuation(&dave(), 0).unwrap();
		// BTC halves: the isolated account is deeply underwater (before the next block's sweep).
		feed_now(&[(assets::BTC, 30_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		let iso = MarginAccounts::valuation(&dave(), 1).unwrap();
		assert!(iso.maintenance_equity < 0, "isolated account is bankrupt: {iso:?}");
		assert!(!iso.is_healthy());
		let cross_after = MarginAccounts::valuation(&dave(), 0).unwrap();
		assert_eq!(cross_before.maintenance_equity, cross_after.maintenance_equity);
		assert!(cross_after.is_healthy());
		// Reducing risk is allowed even now: close half of it.
		assert_ok!(trade(&dave(), 1, BTC_PERP, -((BTC / 2) as i128)));
		// The next block's sweep closes the rest; the debt left goes down the waterfall (the
		// market's insurance fund, then the bad-debt ledger). The cross account is untouched.
		next_block();
		assert!(pallet_perpetuals::Positions::<Runtime>::get((dave(), 1), BTC_PERP).is_none());
		assert_eq!(pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 1).unwrap().quote, 0);
		assert!(pallet_liquidation::BadDebtOf::<Runtime>::get((dave(), 1)) > 20_000 * USDC);
		let cross_end = MarginAccounts::valuation(&dave(), 0).unwrap();
		assert_eq!(cross_before.maintenance_equity, cross_end.maintenance_equity);
		next_block();
	});
}

#[test]
fn transfer_and_withdraw_edge_errors() {
	chain().execute_with(|| {
		assert_ok!(deposit(&dave(), 0, assets::BTC, BTC));
		assert_ok!(create_isolated(&dave(), BTC_PERP));
		let transfer = |from, to, asset, amount| {
			call(
				&dave(),
				pallet_margin_accounts::Call::<Runtime>::transfer { from, to, asset, amount },
			)
		};
		// Collateral that the destination cannot hold under its cap.
		assert_ok!(root(pallet_collateral_registry::Call::<Runtime>::set_caps {
			asset: assets::BTC,
			supply_cap: 10 * BTC,
			account_cap: BTC / 2,
		}));
		assert_noop!(transfer(0, 1, assets::BTC, BTC), MarginError::<Runtime>::AccountCapExceeded);
		assert_ok!(transfer(0, 1, assets::BTC, BTC / 2));
		// Frozen collateral moves nowhere, not even between one's own accounts.
		assert_ok!(root(pallet_collateral_registry::Call::<Runtime>::set_status {
			asset: assets::BTC,
			status: AssetStatus::Frozen,
		}));
		assert_noop!(transfer(1, 0, assets::BTC, 1), MarginError::<Runtime>::AssetFrozen);
		assert_ok!(root(pallet_collateral_registry::Call::<Runtime>::set_status {
			asset: assets::BTC,
			status: AssetStatus::Delisted,
		}));
		// A delisted asset counts for nothing, but can still be withdrawn.
		let v = MarginAccounts::valuation(&dave(), 0).unwrap();
		assert_eq!(v.collateral_value, 0);
		assert_ok!(withdraw(&dave(), 0, assets::BTC, BTC / 2));
		next_block();
	});
}

#[test]
fn a_missing_or_wild_price_fails_the_margin_test_closed() {
	let mut ext = ext_for_preset(DEV_RUNTIME_PRESET);
	ext.execute_with(|| {
		set_now(NOW);
		// Only ETH is priced: one unit of BTC, which nobody can value, cannot be deposited
		// (scenario 6: it would make the account's health unknown and freeze its liquidation).
		feed(&[(assets::ETH, 3_000)]);
		assert_noop!(deposit(&dave(), 0, assets::BTC, 1), MarginError::<Runtime>::PriceMissing);
		feed(&[(assets::BTC, 60_000), (assets::ETH, 3_000)]);
		assert_ok!(deposit(&dave(), 0, assets::BTC, BTC));
		assert_ok!(deposit(&dave(), 0, assets::ETH, 10 * ETH));
		// BTC's last print is now older than the trading age; ETH is fresh.
		for _ in 0..10 {
			next_block();
		}
		feed(&[(assets::ETH, 3_000)]);
		assert_noop!(trade(&dave(), 0, BTC_PERP, 1_000_000), PerpError::<Runtime>::PriceStale);
		// ETH-PERP has its price, but the margin test must value the BTC collateral too.
		assert_noop!(
			trade(&dave(), 0, ETH_PERP, (ETH / 10) as i128),
			MarginError::<Runtime>::PriceStale
		);
		feed(&[(assets::BTC, 60_000), (assets::ETH, 3_000)]);
		assert_ok!(trade(&dave(), 0, ETH_PERP, (ETH / 10) as i128));
		assert_ok!(withdraw(&dave(), 0, assets::ETH, ETH));
		// A BTC price beyond its bounds is refused just the same.
		feed(&[(assets::BTC, 20_000_000), (assets::ETH, 3_000)]);
		assert_noop!(
			withdraw(&dave(), 0, assets::ETH, ETH),
			MarginError::<Runtime>::PriceOutOfBounds
		);
		next_block();
	});
}

// ---------------------------------------------------------------- perpetuals

#[test]
fn long_and_short_mark_to_market_and_realize_pnl() {
	chain().execute_with(|| {
		assert_ok!(deposit(&dave(), 0, assets::BTC, BTC));
		assert_ok!(deposit(&dave(), 0, assets::ETH, 10 * ETH));
		assert_ok!(create_isolated(&dave(), BTC_PERP));
		assert_ok!(deposit(&dave(), 1, assets::USDC, 10_000 * USDC));

		// Long 1 BTC: premium 0.02 % base + 0.01 % size = 0.03 % → 60 018.
		assert_ok!(trade(&dave(), 1, BTC_PERP, BTC as i128));
		let (size, price, fee, realized) = last_traded();
		assert_eq!((size, realized), (BTC as i128, 0));
		assert_eq!(price, Price::from_u32(60_018));
		assert_eq!(fee, 30_009_000);
		// Short 0.5 BTC from cross: against the skew, base + size premium only: 0.025 %.
		assert_ok!(trade(&dave(), 0, BTC_PERP, -((BTC / 2) as i128)));
		assert_eq!(last_traded().1, Price::from_rational(59_985, 1));
		let m = market(BTC_PERP);
		assert_eq!((m.state.long_oi, m.state.short_oi), (BTC, BTC / 2));

		// BTC to 66 000.
		feed(&[(assets::BTC, 66_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		let long = AccountSummary::of(&dave(), 1).unwrap();
		let pnl = long.positions[0].unrealized_pnl;
		// 5 982 of price gain, less a few units of funding (longs pay a long skew).
		assert!(pnl <= 5_982 * USDC as i128 && pnl > 5_981 * USDC as i128, "{pnl}");
		assert!(long.liquidation_price.is_some());
		let short = AccountSummary::of(&dave(), 0).unwrap();
		assert!(short.positions[0].unrealized_pnl < -3_007 * USDC as i128);
		assert_eq!(
			short.liquidation_price, None,
			"cross accounts have no single liquidation price"
		);

		// Close the long: sell 1 BTC, 0.03 % premium → 65 980.2; realized 5 962.2.
		assert_ok!(call(
			&dave(),
			pallet_perpetuals::Call::<Runtime>::close_position {
				sub: 1,
				market: BTC_PERP,
				limit_price: None
			}
		));
		let (size, price, fee, realized) = last_traded();
		assert_eq!(size, 0);
		assert_eq!(price, Price::from_rational(659_802, 10));
		assert_eq!(realized, 5_962_200_000);
		assert_eq!(fee, 32_990_100);
		let a = pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 1).unwrap();
		let funding = 10_000 * USDC as i128 - 30_009_000 + 5_962_200_000 - 32_990_100 - a.quote;
		assert!((0..1_000).contains(&funding), "funding paid by the long: {funding}");
		assert!(pallet_perpetuals::Positions::<Runtime>::get((dave(), 1), BTC_PERP).is_none());
		next_block();
	});
}

#[test]
fn trade_errors_change_nothing() {
	chain().execute_with(|| {
		assert_ok!(deposit(&dave(), 0, assets::USDC, 1_000 * USDC));
		assert_noop!(trade(&dave(), 0, BTC_PERP, 0), PerpError::<Runtime>::ZeroAmount);
		assert_noop!(trade(&dave(), 0, 9, 1), PerpError::<Runtime>::UnknownMarket);
		assert_noop!(trade(&eve(), 0, BTC_PERP, 1), MarginError::<Runtime>::UnknownAccount);
		// 1 000 USDC carries at most 10 000 of notional.
		assert_noop!(
			trade(&dave(), 0, BTC_PERP, (BTC / 5) as i128),
			MarginError::<Runtime>::InsufficientMargin
		);
		assert_noop!(
			call(
				&dave(),
				pallet_perpetuals::Call::<Runtime>::trade {
					sub: 0,
					market: BTC_PERP,
					size_delta: 1_000,
					limit_price: Some(Price::from_u32(60_000)),
				}
			),
			PerpError::<Runtime>::SlippageExceeded
		);
		assert_noop!(
			call(
				&dave(),
				pallet_perpetuals::Call::<Runtime>::close_position {
					sub: 0,
					market: BTC_PERP,
					limit_price: None
				}
			),
			PerpError::<Runtime>::NoPosition
		);
		assert_ok!(trade(&dave(), 0, BTC_PERP, 1_000_000));

		// Open interest caps.
		let mut p = market(BTC_PERP).params;
		p.max_long_oi = 1_000_000;
		assert_ok!(root(pallet_perpetuals::Call::<Runtime>::update_market {
			market: BTC_PERP,
			params: p
		}));
		System::assert_last_event(RuntimeEvent::Perpetuals(PerpEvent::MarketUpdated {
			market: BTC_PERP,
			params: p,
		}));
		assert_noop!(
			trade(&dave(), 0, BTC_PERP, 100_000),
			PerpError::<Runtime>::LongOpenInterestCapExceeded
		);
		p.max_short_oi = 1;
		assert_ok!(root(pallet_perpetuals::Call::<Runtime>::update_market {
			market: BTC_PERP,
			params: p
		}));
		assert_noop!(
			trade(&dave(), 0, BTC_PERP, -1_200_000),
			PerpError::<Runtime>::ShortOpenInterestCapExceeded
		);
		// Reduce-only: no new risk, reductions still fine.
		p.status = MarketStatus::ReduceOnly;
		assert_ok!(root(pallet_perpetuals::Call::<Runtime>::update_market {
			market: BTC_PERP,
			params: p
		}));
		assert_noop!(trade(&dave(), 0, BTC_PERP, 100_000), PerpError::<Runtime>::MarketReduceOnly);
		assert_ok!(trade(&dave(), 0, BTC_PERP, -500_000));

		// A stale price executes nothing.
		for _ in 0..110 {
			next_block();
		}
		assert_noop!(trade(&dave(), 0, BTC_PERP, -1), PerpError::<Runtime>::PriceStale);
		next_block();
	});
}

#[test]
fn out_of_bounds_prices_are_refused() {
	chain().execute_with(|| {
		assert_ok!(deposit(&dave(), 0, assets::USDC, 10_000 * USDC));
		feed(&[(assets::BTC, 20_000_000)]);
		assert_noop!(trade(&dave(), 0, BTC_PERP, 1_000), PerpError::<Runtime>::PriceOutOfBounds);
		next_block();
	});
}

#[test]
fn governance_validates_market_parameters() {
	chain().execute_with(|| {
		let good = market(BTC_PERP).params;
		assert_noop!(
			call(&dave(), pallet_perpetuals::Call::<Runtime>::create_market { params: good }),
			DispatchError::BadOrigin
		);
		let bad = |f: fn(&mut MarketParams)| {
			let mut p = good;
			f(&mut p);
			root(pallet_perpetuals::Call::<Runtime>::create_market { params: p })
		};
		assert_noop!(
			bad(|p| p.maintenance_margin = p.initial_margin),
			PerpError::<Runtime>::InvalidMarginRatios
		);
		assert_noop!(
			bad(|p| p.maintenance_margin = Permill::zero()),
			PerpError::<Runtime>::InvalidMarginRatios
		);
		assert_noop!(
			bad(|p| p.taker_fee = Permill::from_percent(6)),
			PerpError::<Runtime>::TakerFeeTooLarge
		);
		assert_noop!(
			bad(|p| p.max_funding_rate = Permill::from_percent(11)),
			PerpError::<Runtime>::FundingRateTooLarge
		);
		// A market can only be listed on a key the price guard guards.
		assert_noop!(bad(|p| p.oracle_key = 77), PerpError::<Runtime>::UnguardedOracleKey);
		assert_noop!(bad(|p| p.skew_scale = 0), PerpError::<Runtime>::ZeroSkewScale);
		assert_noop!(bad(|p| p.base_decimals = 40), PerpError::<Runtime>::DecimalsTooLarge);
		assert_noop!(bad(|p| p.max_long_oi = 0), PerpError::<Runtime>::ZeroOpenInterestCap);
		assert_noop!(
			root(pallet_perpetuals::Call::<Runtime>::update_market { market: 42, params: good }),
			PerpError::<Runtime>::UnknownMarket
		);
		assert_ok!(root(pallet_perpetuals::Call::<Runtime>::create_market { params: good }));
		System::assert_last_event(RuntimeEvent::Perpetuals(PerpEvent::MarketCreated {
			market: 3,
			params: good,
		}));
		for _ in 4..16 {
			assert_ok!(root(pallet_perpetuals::Call::<Runtime>::create_market { params: good }));
		}
		assert_noop!(
			root(pallet_perpetuals::Call::<Runtime>::create_market { params: good }),
			PerpError::<Runtime>::TooManyMarkets
		);
		next_block();
	});
}

#[test]
fn funding_flows_from_the_crowded_side_to_the_vault() {
	chain().execute_with(|| {
		assert_ok!(deposit(&dave(), 0, assets::USDC, 100_000 * USDC));
		assert_ok!(trade(&dave(), 0, BTC_PERP, (10 * BTC) as i128));
		let cash_before = pallet_perpetuals::VaultState::<Runtime>::get().cash;
		for _ in 0..600 {
			next_block();
			if System::block_number().is_multiple_of(50) {
				feed(&[(assets::BTC, 60_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
			}
		}
		let before = pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 0).unwrap().quote;
		// Re-trading 0.001 BTC settles the funding accrued on the position (trading needs a price
		// younger than a minute: the operators feed first).
		feed_now(&[(assets::BTC, 60_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		assert_ok!(trade(&dave(), 0, BTC_PERP, 100_000));
		let RuntimeEvent::Perpetuals(PerpEvent::Traded { funding, fee, .. }) =
			System::events().last().unwrap().event.clone()
		else {
			panic!("traded")
		};
		// 10 BTC of 5 000 skew scale: 0.0002 × 0.1 %/day × ~660 blocks / 14 400 × 600 000.
		assert!(funding > 0, "longs pay a long skew: {funding}");
		assert!(funding < 100_000, "{funding}");
		let after = pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 0).unwrap().quote;
		assert_eq!(after, before - funding - fee as i128);
		assert_eq!(pallet_perpetuals::VaultState::<Runtime>::get().cash, cash_before + funding);
		next_block();
	});
}

// ---------------------------------------------------------------- vault

fn add_liquidity(who: &AccountId, amount: u128, min_shares: u128) -> DispatchResult {
	call(who, pallet_perpetuals::Call::<Runtime>::add_liquidity { amount, min_shares })
}

fn request_withdrawal(who: &AccountId, shares: u128) -> DispatchResult {
	call(who, pallet_perpetuals::Call::<Runtime>::request_withdrawal { shares })
}

fn withdraw_liquidity(who: &AccountId, min_amount: u128) -> DispatchResult {
	call(who, pallet_perpetuals::Call::<Runtime>::withdraw_liquidity { min_amount })
}

#[test]
fn liquidity_providers_enter_at_nav_and_leave_after_the_exit_notice() {
	chain().execute_with(|| {
		assert_noop!(add_liquidity(&eve(), 0, 0), PerpError::<Runtime>::ZeroAmount);
		assert_noop!(
			add_liquidity(&eve(), 100_000 * USDC, 100_000 * USDC + 1),
			PerpError::<Runtime>::BelowMinimumOutput
		);
		assert_ok!(add_liquidity(&eve(), 100_000 * USDC, 100_000 * USDC));
		System::assert_last_event(RuntimeEvent::Perpetuals(PerpEvent::LiquidityAdded {
			who: eve(),
			amount: 100_000 * USDC,
			shares: 100_000 * USDC,
		}));
		assert_noop!(request_withdrawal(&eve(), 0), PerpError::<Runtime>::ZeroAmount);
		assert_noop!(
			request_withdrawal(&eve(), 100_001 * USDC),
			PerpError::<Runtime>::InsufficientShares
		);

		// Eve asks to leave; a trader's loss lands during the notice: her shares take their part.
		assert_ok!(request_withdrawal(&eve(), 50_000 * USDC));
		assert_noop!(withdraw_liquidity(&eve(), 0), PerpError::<Runtime>::WithdrawalNotReady);
		assert_ok!(deposit(&dave(), 0, assets::USDC, 50_000 * USDC));
		assert_ok!(trade(&dave(), 0, BTC_PERP, (2 * BTC) as i128));
		feed(&[(assets::BTC, 57_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		let nav = Perpetuals::vault_nav(ballast_primitives::traits::PriceMode::Fresh).unwrap();
		assert!(nav > 600_000 * USDC as i128);
		let notice = pallet_perpetuals::Rules::<Runtime>::get().exit_notice;
		assert!(notice > 0);
		for _ in 0..notice {
			next_block();
		}
		assert_ok!(withdraw_liquidity(&eve(), 50_000 * USDC));
		let RuntimeEvent::Perpetuals(PerpEvent::LiquidityRemoved { amount, .. }) =
			System::events().last().unwrap().event.clone()
		else {
			panic!("removed")
		};
		assert!(amount > 50_000 * USDC, "{amount}");
		next_block();
	});
}

#[test]
fn a_crowded_side_is_refused_before_it_could_empty_the_vault() {
	// Scenario 4: the OI caps allow 500 BTC (≈ 30M USDC) a side against a 500k USDC vault. The
	// stress bound (10 % of the net skew within NAV) lets about 5M USDC of net skew in.
	chain().execute_with(|| {
		assert_ok!(deposit(&dave(), 0, assets::USDC, 900_000 * USDC));
		assert_noop!(
			trade(&dave(), 0, BTC_PERP, (100 * BTC) as i128),
			PerpError::<Runtime>::VaultStressExceeded
		);
		assert_ok!(trade(&dave(), 0, BTC_PERP, (50 * BTC) as i128));
		// The vault can lose 10 % of the skew and stay solvent: a 10 % move leaves NAV ≥ 0.
		feed(&[(assets::BTC, 66_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		feed(&[(assets::BTC, 66_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		let nav = Perpetuals::vault_nav(ballast_primitives::traits::PriceMode::Fresh).unwrap();
		assert!(nav >= 0, "{nav}");
		// A vault short of its stress budget takes no more skew, but still lets it shrink.
		assert_noop!(
			trade(&dave(), 0, BTC_PERP, (10 * BTC) as i128),
			PerpError::<Runtime>::VaultStressExceeded
		);
		assert_ok!(trade(&dave(), 0, BTC_PERP, -((10 * BTC) as i128)));
		next_block();
	});
}

#[test]
fn the_vault_refuses_to_pay_more_than_its_cash() {
	chain().execute_with(|| {
		// Traders are 60 000 down: NAV (cash − traders' PnL) exceeds the cash, so Alice's
		// shares (all of them) are worth more than the vault holds.
		assert_ok!(deposit(&dave(), 0, assets::USDC, 200_000 * USDC));
		assert_ok!(trade(&dave(), 0, BTC_PERP, (10 * BTC) as i128));
		feed(&[(assets::BTC, 54_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		assert_ok!(request_withdrawal(&alice(), 500_000 * USDC));
		for _ in 0..pallet_perpetuals::Rules::<Runtime>::get().exit_notice {
			next_block();
		}
		feed(&[(assets::BTC, 54_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		assert_noop!(withdraw_liquidity(&alice(), 0), PerpError::<Runtime>::VaultInsufficientCash);
		next_block();
	});
}

// ---------------------------------------------------------------- portfolio margin

/// List a put on BTC struck at 60,000 expiring in 30 days; returns its id.
fn list_30_day_btc_put() -> u32 {
	let params = pallet_options::SeriesParams {
		underlying: assets::BTC,
		strike: Price::from_u32(60_000),
		expiry: NOW + 30 * 86_400_000,
		kind: pallet_options::OptionKind::Put,
	};
	assert_ok!(root(pallet_options::Call::<Runtime>::list_series { params }));
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Options(pallet_options::Event::SeriesListed { series, .. }) => {
				Some(series)
			},
			_ => None,
		})
		.unwrap()
}

/// The grid's evaluation of `(who, sub)`'s positions, through the runtime's products.
fn grid_of(
	who: &ballast_primitives::AccountId,
	sub: u8,
) -> ballast_primitives::math::portfolio::Evaluation {
	use ballast_primitives::traits::{Derivatives, PriceMode};
	let legs = <Runtime as pallet_margin_accounts::Config>::Derivatives::risk_legs(
		who,
		sub,
		PriceMode::Fresh,
	)
	.unwrap();
	// Perpetuals and options on BTC share its oracle key: they move together.
	assert!(legs.iter().all(|l| l.underlying == assets::BTC));
	ballast_primitives::math::portfolio::evaluate(
		&ballast_runtime::configs::derivatives::CROSS_MARGIN_GRID,
		&legs,
		6,
	)
}

#[test]
fn a_put_lowers_a_cross_accounts_portfolio_requirement() {
	chain().execute_with(|| {
		let put = list_30_day_btc_put();
		assert_ok!(deposit(&dave(), CROSS_ACCOUNT, assets::USDC, 50_000 * USDC));
		assert_ok!(trade(&dave(), CROSS_ACCOUNT, BTC_PERP, BTC as i128));
		// Naked: the grid's −16 % cell, 9,600 USDC of 60,000; maintenance 80 % of it.
		let naked = MarginAccounts::valuation(&dave(), CROSS_ACCOUNT).unwrap();
		assert_eq!(naked.initial_requirement, 9_600 * USDC);
		assert_eq!(naked.maintenance_requirement, 7_680 * USDC);
		let naked_snapshot = health(&dave(), CROSS_ACCOUNT).unwrap();
		assert_eq!(naked_snapshot.maintenance_requirement, 7_680 * USDC);

		// One BTC of the 30-day put, bought from the options vault with the account's quote.
		assert_ok!(call(
			&dave(),
			pallet_options::Call::<Runtime>::buy {
				sub: CROSS_ACCOUNT,
				series: put,
				quantity: BTC,
				max_premium: 20_000 * USDC,
			}
		));
		let hedged = MarginAccounts::valuation(&dave(), CROSS_ACCOUNT).unwrap();
		let grid = grid_of(&dave(), CROSS_ACCOUNT);
		assert_eq!(grid.valuations, 54, "every cell of the grid, for both positions");
		assert_eq!(
			(hedged.initial_requirement, hedged.maintenance_requirement),
			(grid.initial, grid.maintenance)
		);
		// Measurably less: under two thirds of the naked requirement.
		assert!(
			hedged.initial_requirement * 3 < naked.initial_requirement * 2,
			"hedged {} vs naked {}",
			hedged.initial_requirement,
			naked.initial_requirement
		);
		// The liquidation engine reads the same requirement.
		let snapshot = health(&dave(), CROSS_ACCOUNT).unwrap();
		assert_eq!(snapshot.maintenance_requirement, hedged.maintenance_requirement);
		assert!(snapshot.maintenance_requirement < naked_snapshot.maintenance_requirement);
		println!(
			"1 BTC long perp at 60,000: naked {} / {}; with a 30-day 60,000 put {} / {} (initial / maintenance, USDC units)",
			naked.initial_requirement,
			naked.maintenance_requirement,
			hedged.initial_requirement,
			hedged.maintenance_requirement
		);

		// The same perp in an isolated account keeps the market's linear margins (10 % / 5 %).
		assert_ok!(create_isolated(&eve(), BTC_PERP));
		assert_ok!(deposit(&eve(), 1, assets::USDC, 50_000 * USDC));
		assert_ok!(trade(&eve(), 1, BTC_PERP, BTC as i128));
		let isolated = MarginAccounts::valuation(&eve(), 1).unwrap();
		assert_eq!(
			(isolated.initial_requirement, isolated.maintenance_requirement),
			(6_000 * USDC, 3_000 * USDC)
		);
		next_block();
	});
}

#[test]
fn a_cross_trade_beyond_the_grid_requirement_is_refused() {
	chain().execute_with(|| {
		// 9,600 of grid requirement for 1 BTC; 9,000 USDC does not carry it (it would under
		// the linear 10 %).
		assert_ok!(deposit(&dave(), CROSS_ACCOUNT, assets::USDC, 9_000 * USDC));
		assert_noop!(
			trade(&dave(), CROSS_ACCOUNT, BTC_PERP, BTC as i128),
			MarginError::<Runtime>::InsufficientMargin
		);
		assert_ok!(trade(&dave(), CROSS_ACCOUNT, BTC_PERP, (BTC / 2) as i128));
		next_block();
	});
}

#[test]
fn the_liquidation_engine_spares_the_hedged_account_and_liquidates_the_naked_one() {
	chain().execute_with(|| {
		let put = list_30_day_btc_put();
		// Both long 1 BTC on 12,000 USDC; Dave also holds the 30-day 60,000 put.
		for who in [dave(), eve()] {
			assert_ok!(deposit(&who, CROSS_ACCOUNT, assets::USDC, 12_000 * USDC));
			assert_ok!(trade(&who, CROSS_ACCOUNT, BTC_PERP, BTC as i128));
		}
		assert_ok!(call(
			&dave(),
			pallet_options::Call::<Runtime>::buy {
				sub: CROSS_ACCOUNT,
				series: put,
				quantity: BTC,
				max_premium: 20_000 * USDC,
			}
		));
		let position = |who: &ballast_primitives::AccountId| {
			pallet_perpetuals::Positions::<Runtime>::get((who.clone(), CROSS_ACCOUNT), BTC_PERP)
				.map_or(0, |p| p.quantity)
		};
		// BTC −12 %: the naked account (about 4,800 of equity against 12.8 % of 52,800) is
		// below maintenance; the put carries the hedged one.
		feed(&[(assets::BTC, 52_800), (assets::ETH, 3_000), (assets::DOT, 6)]);
		next_block();
		assert!(position(&eve()) < BTC as i128, "the naked perp was liquidated");
		assert_eq!(position(&dave()), BTC as i128, "the hedged perp was not");
		let hedged = health(&dave(), CROSS_ACCOUNT).unwrap();
		assert!(hedged.is_healthy(), "{hedged:?}");
		next_block();
	});
}

/// The attack: take a market's maximum leverage through the cross account, where the grid's
/// ±16 % would allow more than a market at 20 % initial margin does. Its underlying's shocks
/// reach the market's initial margin, so cross leverage never exceeds the market's.
#[test]
fn cross_margin_gives_no_more_leverage_than_the_markets_initial_margin() {
	chain().execute_with(|| {
		const DOT_PERP: u32 = 2;
		const DOT: u128 = 10_000_000_000;
		// 10,000 DOT at 6 = 60,000 USDC of notional: 20 % is 12,000; the grid's 16 % 9,600.
		assert_ok!(deposit(&dave(), CROSS_ACCOUNT, assets::USDC, 11_000 * USDC));
		assert_noop!(
			trade(&dave(), CROSS_ACCOUNT, DOT_PERP, (10_000 * DOT) as i128),
			MarginError::<Runtime>::InsufficientMargin
		);
		assert_ok!(deposit(&dave(), CROSS_ACCOUNT, assets::USDC, 1_100 * USDC));
		assert_ok!(trade(&dave(), CROSS_ACCOUNT, DOT_PERP, (10_000 * DOT) as i128));
		let v = MarginAccounts::valuation(&dave(), CROSS_ACCOUNT).unwrap();
		// 20 % of the notional, plus what the taker fee and premium took from the mark.
		assert!(v.initial_requirement >= 12_000 * USDC, "{v:?}");
		assert!(v.initial_requirement < 12_100 * USDC, "{v:?}");
		// BTC beside it keeps the grid's ±16 % (its market asks 10 %).
		assert_ok!(deposit(&eve(), CROSS_ACCOUNT, assets::USDC, 50_000 * USDC));
		assert_ok!(trade(&eve(), CROSS_ACCOUNT, BTC_PERP, BTC as i128));
		assert_eq!(
			MarginAccounts::valuation(&eve(), CROSS_ACCOUNT).unwrap().initial_requirement,
			9_600 * USDC
		);
		next_block();
	});
}
