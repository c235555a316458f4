//! Many real margin accounts, built through the real calls, each placed at a chosen health
//! after a chosen price move; and what the liquidation sweep charges for them.
//!
//! **Calibration.** An account is opened (deposits, trades) with ample quote, then valued at the
//! moved prices inside a storage transaction that is rolled back (the operators feed the moved
//! prices, the price guard observes them as at the end of the block, the engine's snapshot is
//! read, everything is undone), and its quote balance is
//! topped up or drawn down (`deposit` / `withdraw` of USDC, real calls with their margin tests)
//! so that at the moved prices its maintenance equity is `⌈target × requirement⌉`. Quote counts
//! one for one in maintenance equity, so one step is exact; the positions, collateral and
//! entry prices stay as the trades made them.

#![allow(
	dead_code,
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::panic
)]

use super::chain::*;
use ballast_primitives::{
	assets,
	math::safety::{self, Direction},
};
use ballast_runtime::{
	configs::liquidation::SweepBudget, Assets, Balances, Liquidation, Oracle, PriceGuard, Runtime,
	RuntimeEvent, RuntimeOrigin, System, UNIT,
};
use pallet_liquidation::{watch_level, Event as LiqEvent, Watching, WeightInfo as _, DOWN};
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		storage::{with_transaction, TransactionOutcome},
		traits::Hooks,
		weights::Weight,
	},
	sp_runtime::{AccountId32, DispatchError, DispatchResult},
};

/// `(asset, whole USD)` for BTC, ETH and DOT.
pub type Prices = [(u32, u32); 3];

/// Account `i` of a population tagged `tag` (distinct tags never collide with each other or
/// with the dev accounts).
pub fn account(i: u32, tag: u8) -> AccountId {
	let mut raw = [tag; 32];
	raw[..4].copy_from_slice(&i.to_le_bytes());
	AccountId32::new(raw)
}

/// BLST for margin-account deposits (1 BLST each) and fees, and the given assets in the wallet
/// (minted by the governance account, the assets' issuer). Amounts in smallest units; zero
/// mints nothing.
pub fn fund(who: &AccountId, wallet: &[(u32, u128)]) {
	assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), who.clone().into(), 100 * UNIT));
	for (asset, amount) in wallet {
		if *amount > 0 {
			assert_ok!(Assets::mint(
				RuntimeOrigin::signed(ballast_runtime::genesis_config_presets::governance_account()),
				(*asset).into(),
				who.clone().into(),
				*amount
			));
		}
	}
}

/// `who` puts `usdc` whole USDC into the perpetuals' vault (minted for it first).
pub fn add_vault_liquidity(who: &AccountId, usdc: u128) {
	fund(who, &[(assets::USDC, usdc * USDC)]);
	assert_ok!(call(
		who,
		pallet_perpetuals::Call::<Runtime>::add_liquidity { amount: usdc * USDC, min_shares: 0 }
	));
}

/// `f` evaluated with `prices` fed by two operators and observed by the price guard as at the
/// end of the block (so with the volatility, and the haircut bands, the next block's sweep sees:
/// the guard reads a large move at once), in a storage transaction that is then rolled back:
/// nothing of it (prices, volatility, `f`'s writes, events) remains.
pub fn at_prices<R>(prices: &Prices, f: impl FnOnce() -> R) -> R {
	with_transaction(|| {
		feed_now(prices);
		PriceGuard::on_finalize(System::block_number());
		TransactionOutcome::Rollback(Ok::<R, DispatchError>(f()))
	})
	.expect("rolled back")
}

/// `(maintenance equity, maintenance requirement)` of `(who, sub)` as the engine would value
/// it at `prices`.
pub fn health_at(prices: &Prices, who: &AccountId, sub: u8) -> (i128, u128) {
	at_prices(prices, || {
		let s = health(who, sub).expect("valued");
		(s.maintenance_equity, s.maintenance_requirement)
	})
}

/// Move `(who, sub)`'s quote balance so that at `prices` its maintenance equity is
/// `⌈target_ppm × requirement / 10⁶⌉` (see the module docs).
pub fn calibrate(prices: &Prices, who: &AccountId, sub: u8, target_ppm: u128) -> DispatchResult {
	adjust(health_at(prices, who, sub), who, sub, target_ppm)
}

/// [`calibrate`] for many accounts at once: all valued in one rolled-back transaction (an
/// account's valuation does not depend on the others': marks are oracle prices, and no funding
/// accrues within the block), then adjusted. Returns the first failure, with its index.
pub fn calibrate_all(
	prices: &Prices,
	accounts: &[((AccountId, u8), u128)],
) -> Result<(), (usize, DispatchError)> {
	let measured: Vec<(i128, u128)> = at_prices(prices, || {
		accounts
			.iter()
			.map(|((who, sub), _)| {
				let s = health(who, *sub).expect("valued");
				(s.maintenance_equity, s.maintenance_requirement)
			})
			.collect()
	});
	for (i, (((who, sub), target), m)) in accounts.iter().zip(measured).enumerate() {
		adjust(m, who, *sub, *target).map_err(|e| (i, e))?;
	}
	Ok(())
}

fn adjust(
	(equity, requirement): (i128, u128),
	who: &AccountId,
	sub: u8,
	target_ppm: u128,
) -> DispatchResult {
	let want = i128::try_from((requirement * target_ppm).div_ceil(1_000_000)).unwrap();
	let delta = want - equity;
	if delta > 0 {
		deposit(who, sub, assets::USDC, delta as u128)?;
	} else if delta < 0 {
		withdraw(who, sub, assets::USDC, delta.unsigned_abs())?;
	}
	Ok(())
}

/// What to open: an isolated account in a market, or the cross account; collateral deposits;
/// trades `(market, signed size)`; and the quote posted first (whole USDC).
#[derive(Clone, Debug)]
pub struct Shape {
	pub isolated: Option<u32>,
	pub collateral: Vec<(u32, u128)>,
	pub trades: Vec<(u32, i128)>,
	pub quote: u128,
}

/// Fund `who` for `shape` and open it through the real calls. Returns the sub-account.
pub fn open(who: &AccountId, shape: &Shape) -> u8 {
	let mut wallet = shape.collateral.clone();
	wallet.push((assets::USDC, shape.quote * USDC));
	fund(who, &wallet);
	let sub = match shape.isolated {
		Some(market) => {
			assert_ok!(create_isolated(who, market));
			*pallet_margin_accounts::Accounts::<Runtime>::iter_key_prefix(who)
				.collect::<Vec<_>>()
				.iter()
				.max()
				.unwrap()
		},
		None => 0,
	};
	for (asset, amount) in &shape.collateral {
		assert_ok!(deposit(who, sub, *asset, *amount));
	}
	assert_ok!(deposit(who, sub, assets::USDC, shape.quote * USDC));
	for (market, size) in &shape.trades {
		if let Err(e) = trade(who, sub, *market, *size) {
			panic!("{who:?}/{sub}: trade {size} in {market}: {e:?} ({shape:?})");
		}
	}
	sub
}

/// The generated weights of the liquidation pallet.
pub type LiqWeights = ballast_runtime::weights::pallet_liquidation::WeightInfo<Runtime>;

/// What every sweep pays.
pub fn base_weight() -> Weight {
	pallet_liquidation::weights::sweep_base_weight::<LiqWeights>()
}

/// What the sweep pays per watched source (and direction) it reads in a block.
pub fn source_weight() -> Weight {
	LiqWeights::watch_source()
}

/// Watched sources (and directions): what the sweep reads each block.
pub fn watched_sources() -> u32 {
	pallet_liquidation::WatchedSources::<Runtime>::iter_keys().count() as u32
}

/// What one liquidation adds to a sweep.
pub fn act_weight() -> Weight {
	pallet_liquidation::weights::liquidation_weight::<LiqWeights>()
}

/// `(positions, collateral assets)` of `(who, sub)` as the margin and perpetuals pallets hold
/// them (the quote balance is not a collateral asset).
pub fn class_in_storage(who: &AccountId, sub: u8) -> (u32, u32) {
	let p = pallet_perpetuals::Positions::<Runtime>::iter_prefix((who.clone(), sub)).count();
	let c = pallet_margin_accounts::Accounts::<Runtime>::get(who, sub)
		.map_or(0, |a| a.collateral.len());
	(p as u32, c as u32)
}

/// The class the sweep charges `(who, sub)` at: read from its triggers.
pub fn class_charged(who: &AccountId, sub: u8) -> (u32, u32) {
	Watching::<Runtime>::get((who.clone(), sub))
		.map_or((0, 0), |t| pallet_liquidation::class_of(&t))
}

/// `check_account(p, c)`: what looking at one account of that class costs the sweep.
pub fn check_weight((p, c): (u32, u32)) -> Weight {
	LiqWeights::check_account(p, c)
}

/// The current level of every watched source (`None`: unreadable), read once.
pub fn source_levels() -> std::collections::BTreeMap<pallet_liquidation::Source, Option<i128>> {
	pallet_liquidation::WatchedSources::<Runtime>::iter_keys()
		.map(|(source, _)| (source, Liquidation::source_level(source).map(|(level, _)| level)))
		.collect()
}

/// Whether one of `(who, sub)`'s triggers has fired at `levels` (see [`source_levels`]): the
/// watch must value it again in the next sweep.
pub fn fired(
	levels: &std::collections::BTreeMap<pallet_liquidation::Source, Option<i128>>,
	who: &AccountId,
	sub: u8,
) -> bool {
	Watching::<Runtime>::get((who.clone(), sub)).is_some_and(|triggers| {
		triggers.iter().any(|(source, dir, key)| {
			let Some(Some(now)) = levels.get(source) else { return false };
			let d = if *dir == DOWN { Direction::Down } else { Direction::Up };
			safety::fired(d, *now, watch_level(d, *key))
		})
	})
}

/// The sweep budget.
pub fn budget() -> Weight {
	SweepBudget::get()
}

/// `System::reset_events` without clearing the (unused) event topics: in test externalities
/// that clears by prefix, a scan of every key written so far, which at a million accounts costs
/// seconds per block.
pub fn clear_events() {
	use polkadot_sdk::frame_support::storage::{storage_prefix, unhashed};
	unhashed::kill(&storage_prefix(b"System", b"Events"));
	unhashed::kill(&storage_prefix(b"System", b"EventCount"));
}

/// What one block did.
#[derive(Clone, Debug, Default)]
pub struct Block {
	/// Weight the sweep used (returned by `on_initialize`).
	pub used: Weight,
	/// `PositionsLiquidated` accounts, in order.
	pub liquidated: Vec<(AccountId, u8)>,
	/// Accounts valued (the `Swept` event; zero when nothing was liquidated).
	pub checked: u32,
	/// Every other liquidation event but `Swept`.
	pub other: Vec<LiqEvent<Runtime>>,
	/// Native time of the sweep.
	pub time: std::time::Duration,
}

/// End this block and run the next one's hooks as the real chain orders them (oracle and price
/// guard `on_finalize`, 6 s later the price guard's and the sweep's `on_initialize`), with
/// `before_sweep` run just before the sweep and, if `checks`, every pallet's invariants after
/// it. Events are those of the new block.
pub fn block(checks: bool, before_sweep: impl FnOnce()) -> Block {
	let n = System::block_number();
	Oracle::on_finalize(n);
	PriceGuard::on_finalize(n);
	System::set_block_number(n + 1);
	clear_events();
	set_now(polkadot_sdk::pallet_timestamp::Now::<Runtime>::get() + 6_000);
	PriceGuard::on_initialize(n + 1);
	before_sweep();
	let start = std::time::Instant::now();
	let used = Liquidation::on_initialize(n + 1);
	let time = start.elapsed();
	if checks {
		try_state();
	}
	let mut out = Block { used, time, ..Default::default() };
	for record in System::events() {
		if let RuntimeEvent::Liquidation(e) = record.event {
			match e {
				LiqEvent::PositionsLiquidated { who, sub, .. } => out.liquidated.push((who, sub)),
				LiqEvent::Swept { checked, .. } => out.checked = checked,
				other => out.other.push(other),
			}
		}
	}
	out
}
