//! The invariants, checked after every block (and around the sweep and every auction take).
//!
//! 1. Every Ballast pallet's `do_try_state` (price guard, price feed, collateral registry,
//!    margin accounts, perpetuals, liquidation, options).
//! 2. Custody, exactly: each collateral asset held by the custody account equals the margin
//!    accounts' total; USDC held equals Σ quote balances + every configured quote pool (vault
//!    cash + fee pot, insurance funds net of bad debt, any other product's pool).
//! 3. No panic (caught by the driver).
//! 4. The block's consumed weight is within `max_block`; the sweep within its budget; no call's
//!    actual weight above its declared weight.
//! 5. The sweep touches no healthy account's positions (valued just before the sweep, as the
//!    engine values them), except auto-deleveraging, which by design closes profitable
//!    healthy positions, and a global settlement, which closes every position in full.
//! 6. Every account that needs the engine (below maintenance with positions, or in debt with
//!    none and nothing under way for it) while every price it depends on is valid (fresh, in
//!    bounds, no unconfirmed jump) is acted on within K blocks, K from the sweep's per-block
//!    capacity ([`k_blocks`]).
//! 7. No auction sells below its floor (`oracle × (1 − auction_max_discount)`, the governed
//!    `Liquidation::params()`).
//! 8. The total issuance of BLST and of every asset changes only by documented mints.

use crate::driver::{current_issuance, users, AccountId, Ctx};
use crate::Finding;
use ballast_primitives::{
	assets,
	math::liquidation as rules,
	traits::{
		AccountSnapshot, CollateralRisk, MarginSide, PooledQuote, PriceMode, PriceProvider,
		SettlementStatus,
	},
	Price,
};
use ballast_runtime::{
	configs::liquidation::{AccountChecksPerBlock, SweepBudget},
	CollateralRegistry, GlobalSettlement, Liquidation, MarginAccounts, Options, Perpetuals,
	PriceFeed, PriceGuard, Runtime, RuntimeCall, RuntimeEvent, StressTest, System,
};
use pallet_liquidation::{Event as LiqEvent, WeightInfo as _};
use polkadot_sdk::{
	frame_support::{dispatch::DispatchClass, traits::fungibles::Inspect, weights::Weight},
	frame_system,
};
use std::collections::{BTreeMap, BTreeSet};

type Key = (AccountId, u8);
type LiqWeights = ballast_runtime::weights::pallet_liquidation::WeightInfo<Runtime>;

/// Blocks within which the sweep must act on an account that needs it at valid prices: the
/// round-robin backstop reaches every account with positions or debt in
/// `⌈accounts / per-block⌉` sweeps, where per-block is the smaller of
/// `AccountChecksPerBlock` and what the budget pays for (the base cost, then per account the
/// check of the largest class plus a liquidation); one more block because an account may fall
/// below maintenance just after the cursor passed it.
pub fn k_blocks() -> u32 {
	let budget = SweepBudget::get();
	let base = pallet_liquidation::weights::sweep_base_weight::<LiqWeights>();
	let act = pallet_liquidation::weights::liquidation_weight::<LiqWeights>();
	let max_class = LiqWeights::check_account(
		<Runtime as pallet_liquidation::Config>::MaxMarkets::get(),
		<Runtime as pallet_liquidation::Config>::MaxCollateralAssets::get(),
	);
	let per = budget.saturating_sub(base);
	let each = max_class.saturating_add(act);
	let by_time = per.ref_time().checked_div(each.ref_time()).unwrap_or(u64::MAX);
	let by_proof = per.proof_size().checked_div(each.proof_size()).unwrap_or(u64::MAX);
	let per_block = u64::from(AccountChecksPerBlock::get()).min(by_time).min(by_proof).max(1);
	// Every account the menu can open: each user's cross account and isolated accounts.
	let max_isolated =
		<Runtime as pallet_margin_accounts::Config>::MaxIsolatedAccounts::get() as u64;
	let accounts = users().len() as u64 * (1 + max_isolated);
	(accounts.div_ceil(per_block) + 1) as u32
}

/// The state just before the sweep.
pub struct Before {
	snapshots: BTreeMap<Key, AccountSnapshot>,
	positions: BTreeMap<(Key, u32), i128>,
	needs: BTreeSet<Key>,
}

fn positions_now() -> BTreeMap<(Key, u32), i128> {
	pallet_perpetuals::Positions::<Runtime>::iter()
		.map(|(k, market, p)| ((k, market), p.quantity))
		.collect()
}

/// Whether every price `snapshot`'s account depends on is valid (fresh, in bounds, no
/// unconfirmed jump).
fn prices_valid(who: &AccountId, sub: u8, snapshot: &AccountSnapshot) -> bool {
	let fresh = |key| PriceGuard::checked(key, PriceMode::Fresh).is_ok();
	let markets_ok = pallet_perpetuals::Positions::<Runtime>::iter_prefix((who.clone(), sub)).all(
		|(market, _)| {
			pallet_perpetuals::Markets::<Runtime>::get(market)
				.is_some_and(|m| fresh(m.params.oracle_key))
		},
	);
	let collateral_ok = snapshot.collateral.iter().all(|(asset, _)| {
		<CollateralRegistry as CollateralRisk>::terms(*asset, 0).is_none_or(|t| fresh(t.oracle_key))
	});
	markets_ok && collateral_ok
}

fn under_way(key: &Key) -> bool {
	pallet_liquidation::LiveAuctions::<Runtime>::get(key) > 0
		|| pallet_liquidation::Queued::<Runtime>::contains_key(key)
		|| pallet_liquidation::Deleveraging::<Runtime>::contains_key(key)
}

/// Value every account as the engine does, just before the sweep.
pub fn before_sweep() -> Before {
	let mut snapshots = BTreeMap::new();
	let mut needs = BTreeSet::new();
	for (who, sub) in pallet_margin_accounts::Accounts::<Runtime>::iter_keys() {
		let Some(s) = <MarginAccounts as MarginSide<AccountId>>::snapshot(&who, sub) else {
			continue;
		};
		let key = (who.clone(), sub);
		let needs_action = (s.positions > 0 && !s.is_healthy())
			|| (s.positions == 0 && s.quote < 0 && !under_way(&key));
		if needs_action && prices_valid(&who, sub, &s) {
			needs.insert(key.clone());
		}
		snapshots.insert(key, s);
	}
	Before { snapshots, positions: positions_now(), needs }
}

/// Checks 4 (sweep budget), 5 and 6, right after the sweep.
pub fn after_sweep(ctx: &mut Ctx, before: &Before, used: Weight) -> Result<(), Finding> {
	let budget = SweepBudget::get();
	if !used.all_lte(budget) {
		return Err(ctx.fail("sweep within budget", format!("used {used:?} > {budget:?}")));
	}
	let mut acted: BTreeSet<Key> = BTreeSet::new();
	let mut deleveraged: BTreeSet<Key> = BTreeSet::new();
	let mut failed: Vec<String> = Vec::new();
	for record in System::read_events_no_consensus() {
		let RuntimeEvent::Liquidation(e) = record.event else { continue };
		match e {
			LiqEvent::PositionsLiquidated { who, sub, .. }
			| LiqEvent::AuctionStarted { who, sub, .. }
			| LiqEvent::SeizureQueued { who, sub }
			| LiqEvent::SeizureSkipped { who, sub, .. }
			| LiqEvent::CollateralPenaltyCharged { who, sub, .. }
			| LiqEvent::ShortfallCovered { who, sub, .. }
			| LiqEvent::DeleveragePending { who, sub, .. }
			| LiqEvent::BadDebtRecorded { who, sub, .. } => {
				acted.insert((who, sub));
			},
			LiqEvent::AutoDeleveraged { who, sub, .. } => {
				deleveraged.insert((who, sub));
			},
			LiqEvent::LiquidationFailed { who, sub, error } => {
				failed.push(format!("{who:?}/{sub}: {error:?}"));
			},
			_ => {},
		}
	}
	if !failed.is_empty() {
		ctx.note(format!("  sweep: liquidation failed: {}", failed.join("; ")));
	}
	// 5. Healthy accounts' positions are untouched — except by a global settlement, which
	// closes every position in full at its fixed prices, healthy or not.
	let settling = !<GlobalSettlement as SettlementStatus>::is_live();
	let after = positions_now();
	let keys: BTreeSet<&(Key, u32)> = before.positions.keys().chain(after.keys()).collect();
	for k in keys {
		let (was, is) = (before.positions.get(k), after.get(k));
		if was == is {
			continue;
		}
		let (acct, market) = k;
		if deleveraged.contains(acct) || (settling && is.is_none()) {
			continue;
		}
		let healthy = before.snapshots.get(acct).is_none_or(|s| s.is_healthy());
		if healthy {
			return Err(ctx.fail(
				"sweep touches no healthy account",
				format!(
					"{acct:?} market {market}: {was:?} -> {is:?}; snapshot {:?}",
					before.snapshots.get(acct)
				),
			));
		}
	}
	// 6. Accounts needing action at valid prices are acted on within K blocks — unless a global
	// settlement is settling every position at its fixed prices: the sweep then closes nothing
	// at live prices, by design, and the clock starts again once it is complete.
	if <GlobalSettlement as SettlementStatus>::is_settling() {
		ctx.pending.clear();
		return Ok(());
	}
	let n = System::block_number();
	ctx.pending.retain(|k, _| before.needs.contains(k));
	for k in &before.needs {
		ctx.pending.entry(k.clone()).or_insert(n);
	}
	ctx.pending.retain(|k, _| !acted.contains(k) && !deleveraged.contains(k) && !under_way(k));
	let k_blocks = ctx.k;
	if let Some((acct, since)) = ctx.pending.iter().find(|(_, since)| n - **since >= k_blocks) {
		let detail = format!(
			"{acct:?} needs action at valid prices since block {since} (K = {k_blocks}): {:?}; failures: {failed:?}",
			before.snapshots.get(acct)
		);
		return Err(ctx.fail("unhealthy account acted on within K blocks", detail));
	}
	Ok(())
}

/// For a `take` about to be dispatched: the auction's id and floor, and the floor computed
/// from the asset's liquidation price.
pub fn before_take(call: &RuntimeCall) -> Option<(u32, Option<Price>, Option<Price>)> {
	let RuntimeCall::Liquidation(pallet_liquidation::Call::take { id, .. }) = call else {
		return None;
	};
	let auction = pallet_liquidation::Auctions::<Runtime>::get(id)?;
	let floor = Liquidation::auction_price(&auction).map(|(_, f, _)| f);
	let own = Liquidation::collateral_price(auction.asset)
		.map(|(oracle, _)| rules::floor_price(oracle, Liquidation::params().auction_max_discount));
	Some((*id, floor, own))
}

/// Check 7, after a call: every auction take was at or above the floor.
pub fn after_call(
	ctx: &mut Ctx,
	take: Option<(u32, Option<Price>, Option<Price>)>,
	events: &[RuntimeEvent],
) -> Result<(), Finding> {
	for e in events {
		if let RuntimeEvent::Liquidation(LiqEvent::AuctionTaken {
			id, price, amount, paid, ..
		}) = e
		{
			let Some((tid, floor, own)) = take else {
				return Err(ctx.fail("auction floor", format!("take of {id} outside a take call")));
			};
			let ok = tid == *id
				&& floor.is_some_and(|f| *price >= f)
				&& own.is_some_and(|f| *price >= f);
			if !ok {
				return Err(ctx.fail(
					"auction never sells below its floor",
					format!(
						"auction {id}: sold {amount} at {price:?} (paid {paid}), floor {floor:?} / {own:?}"
					),
				));
			}
		}
	}
	Ok(())
}

fn custody_balance(asset: u32) -> u128 {
	<Runtime as pallet_margin_accounts::Config>::Assets::balance(
		asset,
		&MarginAccounts::custody_account(),
	)
}

/// Checks 1, 2, 4 (block weight) and 8 at the end of a block; counts events.
pub fn end_of_block(ctx: &mut Ctx) -> Result<(), Finding> {
	for (name, r) in [
		("price guard", PriceGuard::do_try_state()),
		("price feed", PriceFeed::do_try_state()),
		("collateral registry", CollateralRegistry::do_try_state()),
		("margin accounts", MarginAccounts::do_try_state()),
		("perpetuals", Perpetuals::do_try_state()),
		("liquidation", Liquidation::do_try_state()),
		("options", Options::do_try_state()),
		("stress test", StressTest::do_try_state()),
		("global settlement", GlobalSettlement::do_try_state()),
		("validator set", ballast_runtime::ValidatorSet::do_try_state()),
	] {
		if let Err(e) = r {
			return Err(ctx.fail("try_state", format!("{name}: {e:?}")));
		}
	}
	// Custody, exactly.
	for (asset, total) in pallet_margin_accounts::TotalCollateral::<Runtime>::iter() {
		if asset == assets::USDC {
			continue;
		}
		let held = custody_balance(asset);
		if held != total {
			return Err(ctx.fail(
				"custody",
				format!("asset {asset}: custody holds {held}, accounts total {total}"),
			));
		}
	}
	// The quote pools the runtime keeps in custody besides traders' balances (the vault and
	// fee pot, the insurance funds net of bad debt, and any product's pool), as configured.
	let pooled =
		<<Runtime as pallet_margin_accounts::Config>::Pools as PooledQuote>::pooled_quote();
	let held = custody_balance(assets::USDC) as i128;
	let quote = pallet_margin_accounts::TotalQuote::<Runtime>::get();
	if held != quote + pooled {
		return Err(ctx.fail(
			"custody",
			format!("USDC: custody holds {held}, Σ quote {quote} + pooled {pooled}"),
		));
	}
	// Weight.
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let total = System::block_weight().total();
	// The session pallet's only events (`NewSession`, `NewQueued`) come with a rotation.
	let rotated = System::events().iter().any(|r| matches!(r.event, RuntimeEvent::Session(_)));
	if rotated {
		// `pallet_session` claims the whole block when a session ends (its `on_initialize`
		// returns `max_block`), so the block may exceed it by the other hooks' mandatory work;
		// what must hold is that no transaction was admitted on top.
		let used = System::block_weight();
		let admitted =
			used.get(DispatchClass::Normal).saturating_add(*used.get(DispatchClass::Operational));
		if admitted.any_gt(Weight::zero()) {
			return Err(ctx.fail(
				"nothing admitted in a session-rotation block",
				format!("{admitted:?} of transactions"),
			));
		}
	} else if !total.all_lte(weights.max_block) {
		return Err(
			ctx.fail("block weight within limit", format!("{total:?} > {:?}", weights.max_block))
		);
	}
	// Issuance.
	let now = current_issuance();
	if now != ctx.issuance {
		return Err(ctx.fail(
			"issuance changes only by documented mints",
			format!("expected {:?}, found {now:?}", ctx.issuance),
		));
	}
	for record in System::read_events_no_consensus() {
		match record.event {
			RuntimeEvent::Liquidation(LiqEvent::PositionsLiquidated { .. }) => {
				ctx.stats.liquidations += 1
			},
			RuntimeEvent::Liquidation(LiqEvent::AuctionStarted { .. }) => ctx.stats.auctions += 1,
			RuntimeEvent::Liquidation(LiqEvent::AuctionTaken { .. }) => ctx.stats.takes += 1,
			RuntimeEvent::Liquidation(
				LiqEvent::AutoDeleveraged { .. } | LiqEvent::BadDebtRecorded { .. },
			) => ctx.stats.adl_or_bad_debt += 1,
			RuntimeEvent::Options(pallet_options::Event::Bought { .. }) => {
				ctx.stats.options_bought += 1
			},
			RuntimeEvent::Options(pallet_options::Event::PositionSettled { .. }) => {
				ctx.stats.options_settled += 1
			},
			_ => {},
		}
	}
	Ok(())
}
