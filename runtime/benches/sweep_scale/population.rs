//! The bench's population: template accounts built through the real calls, copied into storage
//! by the million; empty accounts; and the real accounts built to sink.

use super::*;

/// Template `t` of the isolated half: market, side and leverage (2x–4x).
pub(super) fn isolated_template(t: u32) -> Shape {
	let market = t % 3;
	let long = t.is_multiple_of(2);
	let (size, notional) = match market {
		BTC_PERP => ((BTC / 10) as i128, 6_000u128),
		ETH_PERP => ((2 * ETH) as i128, 6_000),
		_ => ((1_000 * DOT) as i128, 6_000),
	};
	// 2x, 3x, 4x (DOT, margined at twice the rate, at most 3x).
	let leverage = [2u128, 3, 4][(t / 3 % 3) as usize].min(if market == DOT_PERP { 3 } else { 4 });
	Shape {
		isolated: Some(market),
		collateral: vec![],
		trades: vec![(market, if long { size } else { -size })],
		quote: notional / leverage + 150,
	}
}

/// Template `t` of the cross half: 1–3 collateral assets and a quote balance (2–4 margin
/// assets), positions in 2–3 markets, 2x or 3x.
pub(super) fn cross_template(t: u32) -> Shape {
	let collateral = match t % 3 {
		0 => vec![(assets::BTC, BTC / 40)],
		1 => vec![(assets::BTC, BTC / 40), (assets::ETH, ETH / 2)],
		_ => vec![(assets::BTC, BTC / 40), (assets::ETH, ETH / 2), (assets::DOT, 250 * DOT)],
	};
	let long = t.is_multiple_of(2);
	let side = |s: i128| if long { s } else { -s };
	let mut trades = vec![(BTC_PERP, side((BTC / 20) as i128)), (ETH_PERP, side(ETH as i128))];
	if t % 4 < 2 {
		trades.push((DOT_PERP, -side((500 * DOT) as i128)));
	}
	// Notional 3,000 + 3,000 (+ 3,000); equity = notional / leverage, collateral included.
	let notional = 3_000 * trades.len() as u128;
	let leverage = if t / 6 == 0 { 2 } else { 3 };
	let collateral_value: u128 = 1_500 + [0, 1_500, 3_000][(t % 3) as usize];
	Shape {
		isolated: None,
		collateral,
		trades,
		quote: (notional / leverage).saturating_sub(collateral_value * 9 / 10) + 300,
	}
}

type MarginAccountOf = pallet_margin_accounts::MarginAccount<
	<Runtime as pallet_margin_accounts::Config>::MaxCollateralAssets,
>;

/// One template account, as stored.
pub(super) struct Template {
	pub(super) account: MarginAccountOf,
	pub(super) deposit: u128,
	pub(super) positions: Vec<(u32, pallet_perpetuals::Position)>,
	pub(super) triggers:
		polkadot_sdk::frame_support::BoundedVec<Trigger, pallet_liquidation::MaxTriggers<Runtime>>,
	pub(super) indexed: Option<(u32, u8, [u8; 16])>,
	pub(super) adl: Vec<(u32, u8, [u8; 16])>,
}

pub(super) fn read_template(who: &AccountId, sub: u8) -> Template {
	let key = (who.clone(), sub);
	Template {
		account: Accounts::<Runtime>::get(who, sub).unwrap(),
		deposit: AccountDeposits::<Runtime>::get(who, sub).unwrap(),
		positions: pallet_perpetuals::Positions::<Runtime>::iter_prefix(key.clone()).collect(),
		triggers: Watching::<Runtime>::get(&key).unwrap(),
		indexed: Indexed::<Runtime>::get(&key),
		adl: AdlEntries::<Runtime>::get(&key).map(|v| v.into_inner()).unwrap_or_default(),
	}
}

/// Build the 24 templates through the real calls; check that the move fires none of them.
pub(super) fn templates() -> (Vec<Template>, Vec<Template>) {
	let build = |tag: u8, shape: fn(u32) -> Shape| -> Vec<Template> {
		let keys: Vec<_> = (0..TEMPLATES_PER_HALF)
			.map(|t| {
				let who = account(t, tag);
				let sub = open(&who, &shape(t));
				(who, sub)
			})
			.collect();
		let fired_by_move = at_prices(&AFTER, || {
			let levels = source_levels();
			keys.iter().filter(|(who, sub)| fired(&levels, who, *sub)).count()
		});
		assert_eq!(fired_by_move, 0, "a template is within the move's reach");
		keys.iter().map(|(who, sub)| read_template(who, *sub)).collect()
	};
	(build(0xA1, isolated_template), build(0xA2, cross_template))
}

/// The storage entries of `t` copied to `(who, sub)` (raw keys and values); counts its triggers
/// per watched source into `counts`.
pub(super) fn copy(
	t: &Template,
	who: &AccountId,
	sub: u8,
	out: &mut Vec<(Vec<u8>, Vec<u8>)>,
	counts: &mut BTreeMap<(Source, u8), u32>,
) {
	let key = (who.clone(), sub);
	out.push((Accounts::<Runtime>::hashed_key_for(who, sub), t.account.encode()));
	out.push((AccountDeposits::<Runtime>::hashed_key_for(who, sub), t.deposit.encode()));
	for (market, p) in &t.positions {
		out.push((
			pallet_perpetuals::Positions::<Runtime>::hashed_key_for(&key, market),
			p.encode(),
		));
	}
	for (source, dir, k) in &t.triggers {
		out.push((Watch::<Runtime>::hashed_key_for((source, dir, k, &key)), Vec::new()));
		*counts.entry((*source, *dir)).or_default() += 1;
	}
	out.push((Watching::<Runtime>::hashed_key_for(&key), t.triggers.encode()));
	if let Some((m, side, k)) = t.indexed {
		out.push((Index::<Runtime>::hashed_key_for((m, side, k, &key)), Vec::new()));
		out.push((Indexed::<Runtime>::hashed_key_for(&key), (m, side, k).encode()));
	}
	for (m, side, k) in &t.adl {
		out.push((AdlIndex::<Runtime>::hashed_key_for((m, side, k, &key)), Vec::new()));
	}
	if !t.adl.is_empty() {
		out.push((AdlEntries::<Runtime>::hashed_key_for(&key), t.adl.encode()));
	}
}

/// Write `entries` in key order (inserting a large batch into the externalities' ordered map in
/// order is several times faster than in hash order).
pub(super) fn write_sorted(mut entries: Vec<(Vec<u8>, Vec<u8>)>) {
	entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
	for (k, v) in entries {
		polkadot_sdk::frame_support::storage::unhashed::put_raw(&k, &v);
	}
}

/// Copies `from..to` (account indexes) of the templates, alternately isolated and cross.
pub(super) fn populate(from: u32, to: u32, iso: &[Template], cross: &[Template]) {
	let mut counts = BTreeMap::new();
	let mut entries = Vec::new();
	for i in from..to {
		let (templates, sub) = if i.is_multiple_of(2) { (iso, 1u8) } else { (cross, 0u8) };
		let t = &templates[(i / 2 % TEMPLATES_PER_HALF) as usize];
		copy(t, &account(i, 0xAB), sub, &mut entries, &mut counts);
	}
	write_sorted(entries);
	for (key, c) in counts {
		WatchedSources::<Runtime>::mutate(key, |n| *n = Some(n.unwrap_or(0) + c));
	}
}

/// `n` cross margin accounts holding only a 100 USDC deposit (and the 1 BLST account deposit).
pub(super) fn add_empty_accounts(n: u32) {
	let account =
		MarginAccountOf { market: None, quote: 100 * USDC as i128, collateral: Default::default() }
			.encode();
	let mut entries = Vec::with_capacity(2 * n as usize);
	for i in 0..n {
		let who = common::population::account(i, 0xE0);
		entries.push((Accounts::<Runtime>::hashed_key_for(&who, 0u8), account.clone()));
		entries.push((AccountDeposits::<Runtime>::hashed_key_for(&who, 0u8), UNIT.encode()));
	}
	write_sorted(entries);
}

// ---------------------------------------------------------------------------------------------
// Accounts that sink.

/// Sinker `j`, isolated: a BTC- or ETH-PERP long.
pub(super) fn isolated_sinker(j: u32) -> Shape {
	let (market, size, notional) = if j.is_multiple_of(2) {
		let s = BTC / 50 + (BTC / 100) * u128::from(j % 4);
		(BTC_PERP, s as i128, s * 60_000 / BTC)
	} else {
		let s = (3 * ETH) / 10 + (ETH / 10) * u128::from(j % 4);
		(ETH_PERP, s as i128, s * 3_000 / ETH)
	};
	Shape {
		isolated: Some(market),
		collateral: vec![],
		trades: vec![(market, size)],
		quote: notional + 500,
	}
}

/// Sinker `j`, cross: 1–3 collateral assets and the quote balance (2–4 margin assets), long
/// BTC- and ETH-PERP, short DOT-PERP for half of them (2–3 markets).
pub(super) fn cross_sinker(j: u32) -> Shape {
	let collateral = match j % 3 {
		0 => vec![(assets::BTC, BTC / 500)],
		1 => vec![(assets::BTC, BTC / 500), (assets::ETH, ETH / 50)],
		_ => vec![(assets::BTC, BTC / 500), (assets::ETH, ETH / 50), (assets::DOT, 5 * DOT)],
	};
	let btc = BTC / 40 + (BTC / 100) * u128::from(j % 3);
	let eth = (3 * ETH) / 10 + (ETH / 10) * u128::from(j % 3);
	let mut trades = vec![(BTC_PERP, btc as i128), (ETH_PERP, eth as i128)];
	if j.is_multiple_of(2) {
		// 60 USD: DOT-PERP's initial margin (20 %) is twice its maintenance margin, and the
		// account must meet it before the move at 0.8 of maintenance after it.
		trades.push((DOT_PERP, -((10 * DOT) as i128)));
	}
	Shape {
		isolated: None,
		collateral,
		trades,
		quote: btc * 60_000 / BTC + eth * 3_000 / ETH + 500,
	}
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
	Isolated,
	Cross,
	Half,
}

/// Build `k` sinkers of `kind` (tag `tag`), each placed at 0.80–0.95 of its maintenance
/// requirement after the move.
pub(super) fn build_sinkers(kind: Kind, k: u32, tag: u8) -> Vec<(AccountId, u8)> {
	let mut out = Vec::new();
	let mut targets = Vec::new();
	for j in 0..k {
		let who = account(j, tag);
		let iso = match kind {
			Kind::Isolated => true,
			Kind::Cross => false,
			Kind::Half => j.is_multiple_of(2),
		};
		let sub = open(&who, &if iso { isolated_sinker(j) } else { cross_sinker(j) });
		targets.push(((who.clone(), sub), 800_000 + u128::from(j % 150) * 1_000));
		out.push((who, sub));
	}
	if let Err((i, e)) = calibrate_all(&AFTER, &targets) {
		panic!("calibrating sinker {i}: {e:?}");
	}
	out
}
