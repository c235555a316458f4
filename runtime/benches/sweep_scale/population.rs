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

/// The series the option legs are bought in, listed in the setup: 30-day puts and calls on BTC
/// and ETH struck about 3 % out of the money (`(underlying, strike, kind)`).
const BENCH_SERIES: [(u32, u32, OptionKind); 4] = [
	(assets::BTC, 58_000, OptionKind::Put),
	(assets::BTC, 62_000, OptionKind::Call),
	(assets::ETH, 2_900, OptionKind::Put),
	(assets::ETH, 3_100, OptionKind::Call),
];
const BTC_PUT: usize = 0;
const BTC_CALL: usize = 1;
const ETH_PUT: usize = 2;
const ETH_CALL: usize = 3;

fn series_params(i: usize) -> pallet_options::SeriesParams {
	let (underlying, strike, kind) = BENCH_SERIES[i];
	pallet_options::SeriesParams {
		underlying,
		strike: ballast_primitives::Price::from_u32(strike),
		expiry: NOW + 30 * 86_400_000,
		kind,
	}
}

/// List [`BENCH_SERIES`] through the listing call, and put `usdc` whole USDC into the options
/// vault (the writer of every option bought here) from `lp`.
pub(super) fn list_series(lp: &AccountId, usdc: u128) {
	for i in 0..BENCH_SERIES.len() {
		assert_ok!(root(pallet_options::Call::<Runtime>::list_series { params: series_params(i) }));
	}
	fund(lp, &[(assets::USDC, usdc * USDC)]);
	assert_ok!(call(
		lp,
		pallet_options::Call::<Runtime>::add_liquidity { amount: usdc * USDC, min_shares: 0 }
	));
}

/// The id of [`BENCH_SERIES`]`[i]`.
fn series_id(i: usize) -> u32 {
	let params = series_params(i);
	pallet_options::AllSeries::<Runtime>::iter()
		.find_map(|(id, s)| (s.params == params).then_some(id))
		.expect("listed in the setup")
}

/// An option leg: bought from the options vault (`quantity`, the underlying's smallest units),
/// then `sold` of it sold back.
#[derive(Clone, Copy, Debug)]
pub(super) struct OptionLeg {
	series: usize,
	quantity: u128,
	sold: u128,
}

impl OptionLeg {
	fn new(series: usize, quantity: u128, sell_back: bool) -> Self {
		Self { series, quantity, sold: if sell_back { quantity / 4 } else { 0 } }
	}
}

/// [`open`], then buy (and sell back some of) `legs` through the options calls.
pub(super) fn open_with_options(who: &AccountId, shape: &Shape, legs: &[OptionLeg]) -> u8 {
	let sub = open(who, shape);
	for leg in legs {
		let series = series_id(leg.series);
		let buy = pallet_options::Call::<Runtime>::buy {
			sub,
			series,
			quantity: leg.quantity,
			max_premium: shape.quote * USDC,
		};
		if let Err(e) = call(who, buy) {
			panic!("{who:?}/{sub}: buying {leg:?}: {e:?} ({shape:?})");
		}
		if leg.sold > 0 {
			let sell = pallet_options::Call::<Runtime>::sell {
				sub,
				series,
				quantity: leg.sold,
				min_premium: 0,
			};
			if let Err(e) = call(who, sell) {
				panic!("{who:?}/{sub}: selling back {leg:?}: {e:?} ({shape:?})");
			}
		}
	}
	sub
}

/// Template `t` of the cross accounts holding options: [`cross_template`]'s collateral and
/// perpetuals, and 1–2 option legs (a put or a call on BTC; or a BTC and an ETH leg, one put
/// and one call) of half the notional of the perpetual on the same underlying; a quarter of
/// each leg sold back for half of them.
pub(super) fn option_template(t: u32) -> (Shape, Vec<OptionLeg>) {
	let mut shape = cross_template(t);
	let sell = t % 2 == 1;
	let legs = match t % 4 {
		0 => vec![OptionLeg::new(BTC_PUT, BTC / 40, sell)],
		1 => vec![OptionLeg::new(BTC_CALL, BTC / 40, sell)],
		2 => vec![OptionLeg::new(BTC_PUT, BTC / 40, sell), OptionLeg::new(ETH_CALL, ETH / 2, sell)],
		_ => vec![OptionLeg::new(ETH_PUT, ETH / 2, sell), OptionLeg::new(BTC_CALL, BTC / 40, sell)],
	};
	// The premiums (a few % of 1,500 each), paid from the quote balance, and a cushion.
	shape.quote += 300 * legs.len() as u128;
	(shape, legs)
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
	pub(super) options: Vec<(u32, pallet_options::Position)>,
	pub(super) series: polkadot_sdk::frame_support::BoundedVec<
		u32,
		<Runtime as pallet_options::Config>::MaxPositions,
	>,
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
		options: pallet_options::AccountSeries::<Runtime>::get(&key)
			.into_iter()
			.map(|id| (id, pallet_options::Positions::<Runtime>::get(id, &key).unwrap()))
			.collect(),
		series: pallet_options::AccountSeries::<Runtime>::get(&key),
	}
}

/// The templates: isolated, cross, and cross with options ([`TEMPLATES_PER_HALF`] each).
pub(super) struct Templates {
	pub(super) iso: Vec<Template>,
	pub(super) cross: Vec<Template>,
	pub(super) options: Vec<Template>,
}

/// Build the 36 templates through the real calls; check that the move fires none of them.
pub(super) fn templates() -> Templates {
	let build = |tag: u8, open_one: &dyn Fn(&AccountId, u32) -> u8| -> Vec<Template> {
		let keys: Vec<_> = (0..TEMPLATES_PER_HALF)
			.map(|t| {
				let who = account(t, tag);
				let sub = open_one(&who, t);
				(who, sub)
			})
			.collect();
		let fired_by_move: Vec<_> = at_prices(&AFTER, || {
			let levels = source_levels();
			(0..TEMPLATES_PER_HALF)
				.zip(&keys)
				.filter(|(_, (who, sub))| fired(&levels, who, *sub))
				.map(|(t, (who, sub))| {
					(
						t,
						health(who, *sub)
							.map(|s| (s.maintenance_equity, s.maintenance_requirement)),
					)
				})
				.collect()
		});
		assert!(
			fired_by_move.is_empty(),
			"templates (tag {tag:#x}) within the move's reach (index, maintenance equity and \
			 requirement after it): {fired_by_move:?}"
		);
		keys.iter().map(|(who, sub)| read_template(who, *sub)).collect()
	};
	Templates {
		iso: build(0xA1, &|who, t| open(who, &isolated_template(t))),
		cross: build(0xA2, &|who, t| open(who, &cross_template(t))),
		options: build(0xA3, &|who, t| {
			let (shape, legs) = option_template(t);
			open_with_options(who, &shape, &legs)
		}),
	}
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
	for (series, p) in &t.options {
		out.push((pallet_options::Positions::<Runtime>::hashed_key_for(series, &key), p.encode()));
	}
	if !t.series.is_empty() {
		out.push((
			pallet_options::AccountSeries::<Runtime>::hashed_key_for(&key),
			t.series.encode(),
		));
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

/// Whether account `i` of the population is a cross account holding options: every
/// [`OPTION_EVERY`]-th cross account (the odd indexes are the cross ones).
pub(super) fn holds_options(i: u32) -> bool {
	!i.is_multiple_of(2) && (i / 2) % OPTION_EVERY == OPTION_EVERY - 1
}

/// Copies `from..to` (account indexes) of the templates, alternately isolated and cross (every
/// [`OPTION_EVERY`]-th cross one holding options).
pub(super) fn populate(from: u32, to: u32, templates: &Templates) {
	let mut counts = BTreeMap::new();
	let mut entries = Vec::new();
	for i in from..to {
		let (t, sub) = if i.is_multiple_of(2) {
			(&templates.iso[(i / 2 % TEMPLATES_PER_HALF) as usize], 1u8)
		} else {
			let of_kind = (i / 2 / OPTION_EVERY % TEMPLATES_PER_HALF) as usize;
			if holds_options(i) {
				(&templates.options[of_kind], 0u8)
			} else {
				(&templates.cross[of_kind], 0u8)
			}
		};
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

/// Sinker `j`, cross with options: [`cross_sinker`]'s collateral and perpetuals and one option
/// leg of about 600 USD of underlying notional (a BTC call, a BTC put, an ETH call or an ETH
/// put), a quarter of it sold back for a third of them.
pub(super) fn option_sinker(j: u32) -> (Shape, Vec<OptionLeg>) {
	let mut shape = cross_sinker(j);
	let sell = j.is_multiple_of(3);
	let leg = match j % 4 {
		0 => OptionLeg::new(BTC_CALL, BTC / 100, sell),
		1 => OptionLeg::new(BTC_PUT, BTC / 100, sell),
		2 => OptionLeg::new(ETH_CALL, ETH / 5, sell),
		_ => OptionLeg::new(ETH_PUT, ETH / 5, sell),
	};
	shape.quote += 100;
	(shape, vec![leg])
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
	Isolated,
	Cross,
	CrossOptions,
	/// Half isolated, a quarter cross, a quarter cross with options.
	Mixed,
}

/// Build `k` sinkers of `kind` (tag `tag`), each placed at 0.80–0.95 of its maintenance
/// requirement after the move.
pub(super) fn build_sinkers(kind: Kind, k: u32, tag: u8) -> Vec<(AccountId, u8)> {
	let mut out = Vec::new();
	let mut targets = Vec::new();
	for j in 0..k {
		let who = account(j, tag);
		let (kind, shape) = match kind {
			Kind::Mixed if j.is_multiple_of(2) => (Kind::Isolated, j),
			Kind::Mixed if j % 4 == 1 => (Kind::Cross, j),
			// j = 3, 7, 11, …: j / 4 walks every shape.
			Kind::Mixed => (Kind::CrossOptions, j / 4),
			other => (other, j),
		};
		let sub = match kind {
			Kind::Isolated => open(&who, &isolated_sinker(shape)),
			Kind::Cross => open(&who, &cross_sinker(shape)),
			_ => {
				let (shape, legs) = option_sinker(shape);
				open_with_options(&who, &shape, &legs)
			},
		};
		targets.push(((who.clone(), sub), 800_000 + u128::from(j % 150) * 1_000));
		out.push((who, sub));
	}
	if let Err((i, e)) = calibrate_all(&AFTER, &targets) {
		panic!("calibrating sinker {i}: {e:?}");
	}
	out
}
