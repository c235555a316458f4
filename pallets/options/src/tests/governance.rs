//! Underlyings, listing and the vault's rules: origins, every error, events, genesis.

use super::*;
use polkadot_sdk::sp_runtime::DispatchError::BadOrigin;

#[test]
fn genesis_lists_series_from_the_option_id_base() {
	test(|| {
		assert_eq!(BTC_CALL, ballast_primitives::OPTION_SERIES_BASE);
		assert_eq!(SeriesCount::<Test>::get(), 3);
		assert_eq!(ActiveSeries::<Test>::get().len(), 3);
		assert_eq!(series(BTC_PUT).params.kind, OptionKind::Put);
		assert_eq!(series(ETH_CALL).status, SeriesStatus::Live);
		assert_eq!(cash(), SEED);
		assert_eq!(LpShares::<Test>::get(SEED_LP), SEED);
		assert_eq!(Rules::<Test>::get(), test_rules());
	});
}

#[test]
fn set_underlying_needs_governance_and_valid_parameters() {
	test(|| {
		let p = btc_underlying();
		assert_noop!(Options::set_underlying(signed(ALICE), 3, p), BadOrigin);
		assert_noop!(
			Options::set_underlying(root(), UNGUARDED_KEY, p),
			Error::<Test>::UnguardedOracleKey
		);
		let bad = |f: fn(&mut UnderlyingParams)| {
			let mut q = p;
			f(&mut q);
			q
		};
		assert_noop!(
			Options::set_underlying(root(), 3, bad(|q| q.base_decimals = 25)),
			Error::<Test>::DecimalsTooLarge
		);
		for f in [
			(|q: &mut UnderlyingParams| q.vol_multiplier = FixedU128::from_inner(0))
				as fn(&mut UnderlyingParams),
			|q| q.min_volatility = FixedU128::from_inner(0),
			|q| q.min_volatility = FixedU128::from_u32(4),
			|q| q.max_volatility = FixedU128::from_u32(11),
		] {
			assert_noop!(
				Options::set_underlying(root(), 3, bad(f)),
				Error::<Test>::InvalidVolatility
			);
		}
		assert_noop!(
			Options::set_underlying(root(), 3, bad(|q| q.spread = Permill::from_percent(51))),
			Error::<Test>::SpreadTooLarge
		);
		assert_noop!(
			Options::set_underlying(root(), 3, bad(|q| q.max_delta = 0)),
			Error::<Test>::ZeroCap
		);
		assert_noop!(
			Options::set_underlying(root(), 3, bad(|q| q.max_vega = 0)),
			Error::<Test>::ZeroCap
		);
		// BTC has live series: its decimals cannot change, the rest can.
		assert_noop!(
			Options::set_underlying(root(), BTC_KEY, bad(|q| q.base_decimals = 10)),
			Error::<Test>::UnderlyingInUse
		);
		let wider = bad(|q| q.spread = Permill::from_percent(3));
		assert_ok!(Options::set_underlying(root(), BTC_KEY, wider));
		assert_ok!(Options::set_underlying(root(), 3, p));
		System::assert_last_event(Event::UnderlyingSet { underlying: 3, params: p }.into());
		assert_eq!(Underlyings::<Test>::get(BTC_KEY), Some(wider));
	});
}

#[test]
fn list_series_needs_the_list_origin_and_a_valid_series() {
	test(|| {
		let p = btc_series(70_000, 7, OptionKind::Call);
		assert_noop!(Options::list_series(signed(ALICE), p), BadOrigin);
		assert_noop!(Options::list_series(root(), p), BadOrigin);
		assert_noop!(
			Options::list_series(signed(LISTER), SeriesParams { underlying: 3, ..p }),
			Error::<Test>::UnknownUnderlying
		);
		assert_noop!(
			Options::list_series(signed(LISTER), SeriesParams { strike: Price::zero(), ..p }),
			Error::<Test>::ZeroStrike
		);
		// Within the hour's trade cutoff: it could never trade.
		assert_noop!(
			Options::list_series(signed(LISTER), SeriesParams { expiry: NOW + 3_600_000, ..p }),
			Error::<Test>::ExpiryTooSoon
		);
		assert_ok!(Options::list_series(signed(LISTER), p));
		let id = FIRST + 3;
		System::assert_last_event(Event::SeriesListed { series: id, params: p }.into());
		assert_eq!(series(id).params, p);
		assert!(ActiveSeries::<Test>::get().contains(&(id, p.expiry)));
		for i in 4..MAX_LIVE {
			assert_ok!(Options::list_series(
				signed(LISTER),
				btc_series(50_000 + i, 7, OptionKind::Put)
			));
		}
		assert_noop!(Options::list_series(signed(LISTER), p), Error::<Test>::TooManySeries);
	});
}

#[test]
fn vault_rules_need_governance_and_bounds() {
	test(|| {
		let r = test_rules();
		assert_noop!(Options::set_vault_rules(signed(ALICE), r), BadOrigin);
		assert_noop!(
			Options::set_vault_rules(root(), VaultRules { stress_move: Permill::zero(), ..r }),
			Error::<Test>::InvalidStressMove
		);
		assert_noop!(
			Options::set_vault_rules(
				root(),
				VaultRules { stress_move: Permill::from_percent(91), ..r }
			),
			Error::<Test>::InvalidStressMove
		);
		assert_noop!(
			Options::set_vault_rules(root(), VaultRules { exit_notice: MAX_EXIT_NOTICE + 1, ..r }),
			Error::<Test>::ExitNoticeTooLong
		);
		assert_noop!(
			Options::set_vault_rules(
				root(),
				VaultRules { trade_cutoff: MAX_TRADE_CUTOFF + 1, ..r }
			),
			Error::<Test>::TradeCutoffTooLong
		);
		let new = VaultRules { exit_notice: 5, ..r };
		assert_ok!(Options::set_vault_rules(root(), new));
		System::assert_last_event(Event::VaultRulesSet { rules: new }.into());
		assert_eq!(Rules::<Test>::get(), new);
	});
}
