//! The menu: input bytes → time gaps and extrinsics. Every Ballast call is on it, weighted
//! (trades and price moves most), with origins mixed (traders, oracle operators, an empty
//! account, Root, a signed account calling governance) and numbers biased to the edges (0, 1,
//! dust, caps, `u128::MAX`, an account's exact liquidation price, the exact margin free to
//! withdraw).
//!
//! An op is a menu entry and a fixed 32-byte slice of the input; it is resolved against the
//! state at the moment it runs (live auction ids, existing sub-accounts, current parameters).

use crate::driver::{users, AccountId, Ctx, Who, Xt};
use arbitrary::Unstructured;
use ballast_primitives::{assets, traits::PriceProvider, AssetStatus, Price};
use ballast_runtime::{Liquidation, MarginAccounts, PriceGuard, Runtime, RuntimeCall};
use polkadot_sdk::{
	frame_support::BoundedVec,
	frame_system, pallet_assets, pallet_oracle, pallet_safe_mode, pallet_tx_pause, pallet_utility,
	sp_arithmetic::{FixedU128, Permill},
};

/// Bytes each op carries.
pub const OP_BYTES: usize = 32;

/// One menu entry with its bytes.
#[derive(Clone, Debug)]
pub struct Op {
	pub entry: Entry,
	pub bytes: Vec<u8>,
}

impl Op {
	pub fn is_feed(&self) -> bool {
		matches!(
			self.entry,
			Entry::FeedNormal
				| Entry::FeedJump
				| Entry::FeedOutlier
				| Entry::FeedOutOfBounds
				| Entry::FeedSingle
				| Entry::FeedAtLiquidationPrice
		)
	}
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
	FeedNormal,
	FeedJump,
	FeedOutlier,
	FeedOutOfBounds,
	FeedSingle,
	FeedNonOperator,
	FeedAtLiquidationPrice,
	Deposit,
	Withdraw,
	WithdrawToBoundary,
	Transfer,
	CreateIsolated,
	CloseIsolated,
	CloseCross,
	Trade,
	ClosePosition,
	AddLiquidity,
	RequestWithdrawal,
	WithdrawLiquidity,
	CancelWithdrawal,
	Recapitalise,
	Take,
	Restart,
	Mint,
	Governance,
	OptionBuy,
	OptionSell,
	OptionAddLiquidity,
	OptionRequestWithdrawal,
	OptionWithdrawLiquidity,
	OptionCancelWithdrawal,
	Emergency,
}

/// `(weight, entry)`.
const MENU: &[(u32, Entry)] = &[
	(14, Entry::FeedNormal),
	(5, Entry::FeedJump),
	(3, Entry::FeedOutlier),
	(2, Entry::FeedOutOfBounds),
	(2, Entry::FeedSingle),
	(1, Entry::FeedNonOperator),
	(4, Entry::FeedAtLiquidationPrice),
	(10, Entry::Deposit),
	(7, Entry::Withdraw),
	(3, Entry::WithdrawToBoundary),
	(4, Entry::Transfer),
	(4, Entry::CreateIsolated),
	(2, Entry::CloseIsolated),
	(1, Entry::CloseCross),
	(16, Entry::Trade),
	(4, Entry::ClosePosition),
	(3, Entry::AddLiquidity),
	(2, Entry::RequestWithdrawal),
	(2, Entry::WithdrawLiquidity),
	(1, Entry::CancelWithdrawal),
	(1, Entry::Recapitalise),
	(6, Entry::Take),
	(3, Entry::Restart),
	(3, Entry::Mint),
	(6, Entry::Governance),
	(6, Entry::OptionBuy),
	(3, Entry::OptionSell),
	(2, Entry::OptionAddLiquidity),
	(1, Entry::OptionRequestWithdrawal),
	(1, Entry::OptionWithdrawLiquidity),
	(1, Entry::OptionCancelWithdrawal),
	(1, Entry::Emergency),
];

/// The time gap before a block (ms) at oracle time `now`: mostly one slot; sometimes several,
/// past the trading age of prices (1 minute), past their maximum age (10 minutes), an hour, a
/// day, or to the first slot after the next expiry of a live option series (so that sequences
/// of a few blocks reach settlement).
pub fn gap(u: &mut Unstructured, now: u64) -> u64 {
	let b: u8 = u.arbitrary().unwrap_or(0);
	let slot = 6_000u64;
	match b {
		0..=199 => slot,
		200..=229 => slot * u64::from(b - 198),
		230..=244 => 101 * slot,
		245..=250 => 600 * slot,
		251..=253 => next_to_expire(now).map_or(slot, |(_, e)| {
			(e.saturating_sub(now) / slot).saturating_add(1).saturating_mul(slot)
		}),
		_ => 14_400 * slot,
	}
}

/// The live option series that expires next after `now`, and its expiry.
fn next_to_expire(now: u64) -> Option<(u32, u64)> {
	pallet_options::ActiveSeries::<Runtime>::get()
		.into_iter()
		.filter(|(_, expiry)| *expiry > now)
		.min_by_key(|(_, expiry)| *expiry)
}

/// The ops of one block.
pub fn ops(u: &mut Unstructured, max: usize) -> Vec<Op> {
	let n = u.int_in_range(0..=max).unwrap_or(0);
	let total: u32 = MENU.iter().map(|(w, _)| w).sum();
	let mut out = Vec::with_capacity(n);
	for _ in 0..n {
		if u.is_empty() {
			break;
		}
		let pick: u8 = u.arbitrary().unwrap_or(0);
		let mut at = u32::from(pick) * total / 256;
		let mut entry = MENU[0].1;
		for (w, e) in MENU {
			if at < *w {
				entry = *e;
				break;
			}
			at -= w;
		}
		let take = OP_BYTES.min(u.len());
		let bytes = u.bytes(take).unwrap_or(&[]).to_vec();
		out.push(Op { entry, bytes });
	}
	out
}

fn byte(u: &mut Unstructured) -> u8 {
	u.arbitrary().unwrap_or(0)
}

/// A trader (mostly), an operator, or the empty account.
fn who(u: &mut Unstructured) -> AccountId {
	let all = users();
	let b = byte(u);
	match b % 10 {
		0..=5 => all[3 + (b as usize / 10) % 3].clone(),
		6..=8 => all[(b as usize / 10) % 3].clone(),
		_ => all[6].clone(),
	}
}

fn operator(u: &mut Unstructured) -> AccountId {
	users()[(byte(u) % 3) as usize].clone()
}

/// The cross account, an existing isolated one, or any number.
fn sub(u: &mut Unstructured, who: &AccountId) -> u8 {
	let b = byte(u);
	match b % 8 {
		0..=3 => 0,
		4 | 5 => {
			let subs: Vec<u8> = pallet_margin_accounts::Accounts::<Runtime>::iter_key_prefix(who)
				.filter(|s| *s != 0)
				.collect();
			if subs.is_empty() {
				1
			} else {
				subs[(b as usize / 8) % subs.len()]
			}
		},
		6 => b % 10,
		_ => byte(u),
	}
}

fn asset(u: &mut Unstructured) -> u32 {
	let b = byte(u);
	match b % 16 {
		0..=2 => assets::BTC,
		3..=5 => assets::ETH,
		6..=8 => assets::DOT,
		9..=13 => assets::USDC,
		14 => assets::NATIVE,
		_ => [5, u32::MAX][(b / 16 % 2) as usize],
	}
}

fn decimals(asset: u32) -> u32 {
	match asset {
		assets::BTC => 8,
		assets::ETH => 18,
		assets::DOT => 10,
		assets::USDC => 6,
		_ => 12,
	}
}

fn market(u: &mut Unstructured) -> u32 {
	let b = byte(u);
	match b % 16 {
		0..=4 => 0,
		5..=9 => 1,
		10..=14 => 2,
		_ => [3, u32::MAX][(b / 16 % 2) as usize],
	}
}

fn market_decimals(market: u32) -> u32 {
	match market {
		0 => 8,
		1 => 18,
		2 => 10,
		_ => 12,
	}
}

/// An amount in units of `10^decimals`: mostly a sensible one (0.001 to 25 500 whole units),
/// else an edge: 0, 1, dust, `u64::MAX`, `u128::MAX`, or any `u128`.
pub fn amount(u: &mut Unstructured, decimals: u32) -> u128 {
	let b = byte(u);
	match b % 16 {
		0 => 0,
		1 => 1,
		2 => u128::from(byte(u)) + 2,
		3 => u128::MAX,
		4 => u128::from(u64::MAX),
		5 => u.arbitrary().unwrap_or(0),
		_ => {
			let mantissa = u128::from(byte(u).max(1));
			let e = i64::from(decimals) - 3 + i64::from(b / 16 % 6);
			if e < 0 {
				mantissa
			} else {
				mantissa.saturating_mul(10u128.saturating_pow(e as u32))
			}
		},
	}
}

fn signed_size(u: &mut Unstructured, decimals: u32) -> i128 {
	let b = byte(u);
	match b % 16 {
		0 => i128::MIN,
		1 => i128::MAX,
		2 => -1,
		_ => {
			let a = i128::try_from(amount(u, decimals)).unwrap_or(i128::MAX);
			if b & 0x80 != 0 {
				a.saturating_neg()
			} else {
				a
			}
		},
	}
}

fn permill(u: &mut Unstructured) -> Permill {
	let b = byte(u);
	match b % 8 {
		0 => Permill::zero(),
		1 => Permill::from_parts(1),
		2 => Permill::one(),
		3 => Permill::from_parts(999_999),
		_ => Permill::from_parts(u.int_in_range(0..=1_000_000).unwrap_or(0)),
	}
}

fn reference(ctx: &Ctx, key: u32) -> u128 {
	ctx.reference.get(&key).copied().unwrap_or(1_000_000_000_000_000_000)
}

/// A limit price: none, around the reference, or an edge.
fn limit(u: &mut Unstructured, ctx: &Ctx, market: u32) -> Option<Price> {
	let b = byte(u);
	let key = market.saturating_add(1);
	match b % 8 {
		0..=4 => None,
		5 => Some(Price::from_inner(0)),
		6 => Some(Price::from_inner(u128::MAX)),
		_ => {
			let r = reference(ctx, key);
			let pct = u128::from(byte(u) % 21);
			Some(Price::from_inner((r / 100).saturating_mul(90 + pct)))
		},
	}
}

fn feed_xt(who: AccountId, values: Vec<(u32, u128)>) -> Xt {
	Xt {
		who: Who::Signed(who),
		call: RuntimeCall::Oracle(pallet_oracle::Call::feed_values {
			values: BoundedVec::truncate_from(
				values.into_iter().map(|(k, v)| (k, Price::from_inner(v))).collect(),
			),
		}),
		mint: None,
	}
}

/// Keys to feed: one, two or all three assets.
fn keys(u: &mut Unstructured) -> Vec<u32> {
	let b = byte(u);
	match b % 4 {
		0 => vec![assets::BTC],
		1 => vec![assets::ETH],
		2 => vec![assets::DOT],
		_ => vec![assets::BTC, assets::ETH, assets::DOT],
	}
}

/// Move the reference price of `key` by `bp` basis points, within the guard's bounds.
fn move_reference(ctx: &mut Ctx, key: u32, bp: i64) {
	let r = reference(ctx, key);
	let moved = if bp >= 0 {
		r.saturating_add((r / 10_000).saturating_mul(bp as u128))
	} else {
		r.saturating_sub((r / 10_000).saturating_mul(bp.unsigned_abs().min(9_900) as u128))
	};
	let moved = match PriceGuard::bounds(key) {
		Some(b) => moved.clamp(b.min_price.into_inner(), b.max_price.into_inner()),
		None => moved,
	};
	ctx.reference.insert(key, moved.max(1));
}

/// The operators feeding `(key, price)` values; each operator's value nudged by `noise` bp.
fn operators_feed(u: &mut Unstructured, ctx: &Ctx, keys: &[u32], count: usize, out: &mut Vec<Xt>) {
	let ops = users();
	for op in ops.iter().take(count) {
		let noise = i64::from(byte(u) % 21) - 10; // ±0.1 %
		let values = keys
			.iter()
			.map(|k| {
				let r = reference(ctx, *k);
				let v = if noise >= 0 {
					r.saturating_add((r / 100_000).saturating_mul(noise as u128))
				} else {
					r.saturating_sub((r / 100_000).saturating_mul(noise.unsigned_abs() as u128))
				};
				(*k, v)
			})
			.collect();
		out.push(feed_xt(op.clone(), values));
	}
}

/// Resolve an op into the extrinsics it stands for (a feed op stands for one per operator),
/// against the current state.
pub fn build(op: &Op, ctx: &mut Ctx) -> Vec<Xt> {
	let mut u = Unstructured::new(&op.bytes);
	build_all(op.entry, &mut u, ctx)
}

fn signed(who: &AccountId, call: RuntimeCall) -> Xt {
	Xt { who: Who::Signed(who.clone()), call, mint: None }
}

fn m(call: pallet_margin_accounts::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::MarginAccounts(call)
}

fn p(call: pallet_perpetuals::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Perpetuals(call)
}

fn l(call: pallet_liquidation::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Liquidation(call)
}

fn o(call: pallet_options::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Options(call)
}

/// A live series (mostly: often the next to expire, so that positions reach settlement), an
/// expired or settled one, or any id.
fn series(u: &mut Unstructured, now: u64) -> u32 {
	let b = byte(u);
	let next = next_to_expire(now).map(|(id, _)| id);
	let live: Vec<u32> =
		pallet_options::ActiveSeries::<Runtime>::get().into_iter().map(|(id, _)| id).collect();
	match (b % 8, next) {
		(0..=2, Some(id)) => id,
		(0..=5, _) if !live.is_empty() => live[(b as usize / 8) % live.len()],
		(6, _) => {
			let count = pallet_options::SeriesCount::<Runtime>::get();
			ballast_primitives::OPTION_SERIES_BASE.saturating_add(u32::from(byte(u)) % count.max(1))
		},
		_ => u.arbitrary().unwrap_or(0),
	}
}

/// The decimals of a series' underlying (BTC's when unknown).
fn series_decimals(id: u32) -> u32 {
	pallet_options::AllSeries::<Runtime>::get(id)
		.and_then(|s| pallet_options::Underlyings::<Runtime>::get(s.params.underlying))
		.map_or(8, |p| u32::from(p.base_decimals))
}

fn build_all(entry: Entry, u: &mut Unstructured, ctx: &mut Ctx) -> Vec<Xt> {
	use pallet_liquidation::Call as L;
	use pallet_margin_accounts::Call as M;
	use pallet_perpetuals::Call as P;
	let mut out = Vec::new();
	match entry {
		Entry::FeedNormal => {
			let keys = keys(u);
			for k in &keys {
				let bp = i64::from(byte(u) as i8) * 4; // ±5 %
				move_reference(ctx, *k, bp);
			}
			let count = 2 + (byte(u) % 2) as usize;
			operators_feed(u, ctx, &keys, count, &mut out);
		},
		Entry::FeedJump => {
			let keys = keys(u);
			for k in &keys {
				let b = byte(u);
				// Crashes and pumps of 10 % to 64 %, crashes more often.
				let size = 1_000 + i64::from(b % 55) * 100;
				move_reference(ctx, *k, if b & 0xC0 != 0 { -size } else { size });
			}
			operators_feed(u, ctx, &keys, 2, &mut out);
		},
		Entry::FeedOutlier => {
			let keys = keys(u);
			operators_feed(u, ctx, &keys, 2, &mut out);
			let factor = u128::from(byte(u)) + 2;
			let values = keys
				.iter()
				.map(|k| {
					let r = reference(ctx, *k);
					(*k, if factor % 2 == 0 { r.saturating_mul(factor) } else { r / factor })
				})
				.collect();
			out.push(feed_xt(users()[2].clone(), values));
		},
		Entry::FeedOutOfBounds => {
			let keys = keys(u);
			let b = byte(u);
			let values: Vec<(u32, u128)> = keys
				.iter()
				.map(|k| {
					let bounds = PriceGuard::bounds(*k);
					let v = match (b % 4, bounds) {
						(0, _) => 0,
						(1, _) => u128::MAX,
						(2, Some(bd)) => bd.min_price.into_inner().saturating_sub(1),
						(_, Some(bd)) => bd.max_price.into_inner().saturating_add(1),
						(_, None) => u128::MAX,
					};
					(*k, v)
				})
				.collect();
			for op in users().iter().take(2) {
				out.push(feed_xt(op.clone(), values.clone()));
			}
		},
		Entry::FeedSingle => {
			let keys = keys(u);
			let bp = i64::from(byte(u) as i8) * 4;
			for k in &keys {
				move_reference(ctx, *k, bp);
			}
			let op = operator(u);
			let values = keys.iter().map(|k| (*k, reference(ctx, *k))).collect();
			out.push(feed_xt(op, values));
		},
		Entry::FeedNonOperator => {
			let keys = keys(u);
			let values = keys.iter().map(|k| (*k, reference(ctx, *k))).collect();
			out.push(feed_xt(users()[3 + (byte(u) % 4) as usize].clone(), values));
		},
		Entry::FeedAtLiquidationPrice => {
			// An isolated account's exact liquidation price, or one unit either side.
			let candidates: Vec<(AccountId, u8, u32)> =
				pallet_margin_accounts::Accounts::<Runtime>::iter()
					.filter_map(|(who, s, acct)| acct.market.map(|mk| (who, s, mk)))
					.collect();
			if candidates.is_empty() {
				return out;
			}
			let (who, s, mk) = candidates[byte(u) as usize % candidates.len()].clone();
			let Some(price) = MarginAccounts::liquidation_price(&who, s) else { return out };
			let key = pallet_perpetuals::Markets::<Runtime>::get(mk)
				.map_or(mk.saturating_add(1), |m| m.params.oracle_key);
			let v = match byte(u) % 3 {
				0 => price.into_inner(),
				1 => price.into_inner().saturating_add(1),
				_ => price.into_inner().saturating_sub(1),
			};
			ctx.reference.insert(key, v.max(1));
			for op in users().iter().take(2) {
				out.push(feed_xt(op.clone(), vec![(key, v)]));
			}
		},
		Entry::Deposit => {
			let w = who(u);
			let s = sub(u, &w);
			let a = asset(u);
			let amount = amount(u, decimals(a));
			out.push(signed(&w, m(M::deposit { sub: s, asset: a, amount })));
		},
		Entry::Withdraw => {
			let w = who(u);
			let s = sub(u, &w);
			let a = asset(u);
			let amount = amount(u, decimals(a));
			out.push(signed(&w, m(M::withdraw { sub: s, asset: a, amount })));
		},
		Entry::WithdrawToBoundary => {
			// Exactly the margin free at fresh prices (quote counts one for one), or one unit
			// more.
			let w = who(u);
			let s = sub(u, &w);
			let Ok(v) = MarginAccounts::valuation(&w, s) else { return out };
			let free = v.initial_equity.saturating_sub(v.initial_requirement as i128);
			let extra = u128::from(byte(u) % 2);
			if free > 0 {
				let amount = (free as u128).saturating_add(extra);
				out.push(signed(&w, m(M::withdraw { sub: s, asset: assets::USDC, amount })));
			}
		},
		Entry::Transfer => {
			let w = who(u);
			let from = sub(u, &w);
			let to = sub(u, &w);
			let a = asset(u);
			let amount = amount(u, decimals(a));
			out.push(signed(&w, m(M::transfer { from, to, asset: a, amount })));
		},
		Entry::CreateIsolated => {
			let w = who(u);
			let mk = market(u);
			out.push(signed(&w, m(M::create_isolated { market: mk })));
		},
		Entry::CloseIsolated => {
			let w = who(u);
			let s = sub(u, &w);
			out.push(signed(&w, m(M::close_isolated { sub: s })));
		},
		Entry::CloseCross => {
			let w = who(u);
			out.push(signed(&w, m(M::close_cross {})));
		},
		Entry::Trade => {
			let w = who(u);
			let s = sub(u, &w);
			let mk = match pallet_margin_accounts::Accounts::<Runtime>::get(&w, s)
				.and_then(|a| a.market)
			{
				Some(bound) if byte(u) % 4 != 0 => bound,
				_ => market(u),
			};
			let size_delta = signed_size(u, market_decimals(mk));
			let limit_price = limit(u, ctx, mk);
			out.push(signed(&w, p(P::trade { sub: s, market: mk, size_delta, limit_price })));
		},
		Entry::ClosePosition => {
			let w = who(u);
			let s = sub(u, &w);
			let mk = market(u);
			let limit_price = limit(u, ctx, mk);
			out.push(signed(&w, p(P::close_position { sub: s, market: mk, limit_price })));
		},
		Entry::AddLiquidity => {
			let w = who(u);
			let min_shares = if byte(u) % 4 == 0 { amount(u, 6) } else { 0 };
			let amount = amount(u, 6);
			out.push(signed(&w, p(P::add_liquidity { amount, min_shares })));
		},
		Entry::RequestWithdrawal => {
			let w = who(u);
			let held = pallet_perpetuals::LpShares::<Runtime>::get(&w);
			let shares = match byte(u) % 4 {
				0 => held,
				1 => held / 2,
				_ => amount(u, 6),
			};
			out.push(signed(&w, p(P::request_withdrawal { shares })));
		},
		Entry::WithdrawLiquidity => {
			let w = who(u);
			let min_amount = if byte(u) % 2 == 0 { 0 } else { amount(u, 6) };
			out.push(signed(&w, p(P::withdraw_liquidity { min_amount })));
		},
		Entry::CancelWithdrawal => {
			let w = who(u);
			out.push(signed(&w, p(P::cancel_withdrawal {})));
		},
		Entry::Recapitalise => {
			let w = who(u);
			let amount = amount(u, 6);
			out.push(signed(&w, p(P::recapitalise_vault { amount })));
		},
		Entry::Take => {
			let w = who(u);
			let ids: Vec<u32> = pallet_liquidation::Auctions::<Runtime>::iter_keys().collect();
			let b = byte(u);
			let id = if ids.is_empty() || b % 8 == 0 {
				u32::from(b)
			} else {
				ids[b as usize % ids.len()]
			};
			let auction = pallet_liquidation::Auctions::<Runtime>::get(id);
			let lot = auction.as_ref().map_or(0, |a| a.lot);
			let amount = match byte(u) % 4 {
				0 => lot,
				1 => (lot / 2).saturating_add(1),
				_ => amount(u, auction.as_ref().map_or(8, |a| decimals(a.asset))),
			};
			let current = auction.as_ref().and_then(Liquidation::auction_price).map(|p| p.0);
			let max_price = match (byte(u) % 4, current) {
				(0, Some(c)) => c,
				(1, Some(c)) => Price::from_inner(c.into_inner().saturating_sub(1)),
				(2, _) => Price::from_inner(0),
				_ => Price::from_inner(u128::MAX),
			};
			out.push(signed(&w, l(L::take { id, amount, max_price })));
		},
		Entry::Restart => {
			let w = who(u);
			let ids: Vec<u32> = pallet_liquidation::Auctions::<Runtime>::iter_keys().collect();
			let b = byte(u);
			let id = if ids.is_empty() { u32::from(b) } else { ids[b as usize % ids.len()] };
			out.push(signed(&w, l(L::restart { id })));
		},
		Entry::Mint => {
			// A documented mint: Root dispatching as the keyless governance account, the
			// assets' issuer (no signed account can mint); `dispatch_as_fallible` fails when the
			// mint does, so the expected issuance counts only mints that happened.
			let w = who(u);
			let a = ASSETS_MINTABLE[(byte(u) % 4) as usize];
			let amount = match byte(u) % 4 {
				0 => 1,
				_ => u128::from(byte(u).max(1))
					.saturating_mul(10u128.saturating_pow(decimals(a) + 2)),
			};
			let mint = RuntimeCall::Assets(pallet_assets::Call::mint {
				id: a.into(),
				beneficiary: w.into(),
				amount,
			});
			let governance = ballast_runtime::Origins::governance_account();
			out.push(Xt {
				who: Who::Root,
				call: RuntimeCall::Utility(pallet_utility::Call::dispatch_as_fallible {
					as_origin: Box::new(ballast_runtime::OriginCaller::system(
						frame_system::RawOrigin::Signed(governance),
					)),
					call: Box::new(mint),
				}),
				mint: Some((a, amount)),
			});
		},
		Entry::Governance => {
			let origin = if byte(u) % 8 == 0 { Who::Signed(who(u)) } else { Who::Root };
			let call =
				if byte(u) % 4 == 0 { option_governance(u, ctx) } else { governance(u, ctx) };
			if let Some(call) = call {
				out.push(Xt { who: origin, call, mint: None });
			}
		},
		Entry::OptionBuy => {
			let w = who(u);
			let s = sub(u, &w);
			let id = series(u, ctx.now);
			// Mostly an affordable size (0.001 to 0.255 of a token), else any amount.
			let d = series_decimals(id);
			let quantity = if byte(u) % 4 == 0 {
				amount(u, d)
			} else {
				u128::from(byte(u).max(1))
					.saturating_mul(10u128.saturating_pow(d.saturating_sub(3)))
			};
			let max_premium = if byte(u) % 4 == 0 { amount(u, 6) } else { u128::MAX };
			out.push(signed(
				&w,
				o(pallet_options::Call::buy { sub: s, series: id, quantity, max_premium }),
			));
		},
		Entry::OptionSell => {
			let w = who(u);
			let s = sub(u, &w);
			let id = series(u, ctx.now);
			let held =
				pallet_options::Positions::<Runtime>::get(id, (&w, s)).map_or(0, |p| p.quantity);
			let quantity = match byte(u) % 4 {
				0 => held,
				1 => held / 2,
				2 => held.saturating_add(1),
				_ => amount(u, series_decimals(id)),
			};
			let min_premium = if byte(u) % 4 == 0 { amount(u, 6) } else { 0 };
			out.push(signed(
				&w,
				o(pallet_options::Call::sell { sub: s, series: id, quantity, min_premium }),
			));
		},
		Entry::OptionAddLiquidity => {
			let w = who(u);
			let min_shares = if byte(u) % 4 == 0 { amount(u, 6) } else { 0 };
			let amount = amount(u, 6);
			out.push(signed(&w, o(pallet_options::Call::add_liquidity { amount, min_shares })));
		},
		Entry::OptionRequestWithdrawal => {
			let w = who(u);
			let held = pallet_options::LpShares::<Runtime>::get(&w);
			let shares = match byte(u) % 4 {
				0 => held,
				1 => held / 2,
				_ => amount(u, 6),
			};
			out.push(signed(&w, o(pallet_options::Call::request_withdrawal { shares })));
		},
		Entry::OptionWithdrawLiquidity => {
			let w = who(u);
			let min_amount = if byte(u) % 2 == 0 { 0 } else { amount(u, 6) };
			out.push(signed(&w, o(pallet_options::Call::withdraw_liquidity { min_amount })));
		},
		Entry::OptionCancelWithdrawal => {
			let w = who(u);
			out.push(signed(&w, o(pallet_options::Call::cancel_withdrawal {})));
		},
		Entry::Emergency => {
			// The brake: safe mode entered and left by Root, trading calls paused and resumed;
			// sometimes a signed account tries (and must fail).
			let origin = if byte(u) % 8 == 0 { Who::Signed(who(u)) } else { Who::Root };
			let name = |pallet: &str, call: &str| {
				(
					BoundedVec::truncate_from(pallet.as_bytes().to_vec()),
					BoundedVec::truncate_from(call.as_bytes().to_vec()),
				)
			};
			let paused = [
				("Perpetuals", "trade"),
				("Options", "buy"),
				("MarginAccounts", "withdraw"),
				("Liquidation", "take"),
			][(byte(u) % 4) as usize];
			let call = match byte(u) % 4 {
				0 => RuntimeCall::SafeMode(pallet_safe_mode::Call::force_enter {}),
				1 => RuntimeCall::SafeMode(pallet_safe_mode::Call::force_exit {}),
				2 => RuntimeCall::TxPause(pallet_tx_pause::Call::pause {
					full_name: name(paused.0, paused.1),
				}),
				_ => RuntimeCall::TxPause(pallet_tx_pause::Call::unpause {
					ident: name(paused.0, paused.1),
				}),
			};
			out.push(Xt { who: origin, call, mint: None });
		},
	}
	out
}

/// An options governance call: a series listed near the current time (so the fuzz reaches
/// expiry and settlement), an underlying's pricing or the vault's rules moved to an edge.
fn option_governance(u: &mut Unstructured, ctx: &Ctx) -> Option<RuntimeCall> {
	use pallet_options::Call as O;
	let key = [assets::BTC, assets::ETH, assets::DOT, 5][(byte(u) % 4) as usize];
	Some(match byte(u) % 4 {
		0 | 1 => {
			let spot = reference(ctx, key);
			let strike = match byte(u) % 4 {
				0 => Price::from_inner(spot),
				1 => Price::from_inner(spot / 100 * u128::from(byte(u) % 200 + 20)),
				2 => Price::from_inner(u128::from(byte(u))),
				_ => Price::from_inner(u.arbitrary().unwrap_or(0)),
			};
			let expiry = ctx.now.saturating_add(match byte(u) % 4 {
				0 => 0,
				// Just past the trade cutoff: tradable now, expired a few blocks later.
				1 => pallet_options::Rules::<Runtime>::get()
					.trade_cutoff
					.saturating_add(u64::from(byte(u) % 16 + 1) * 6_000),
				2 => 700_000 + u64::from(byte(u)) * 60_000,
				_ => u.arbitrary().unwrap_or(0),
			});
			let kind = if byte(u) % 2 == 0 {
				pallet_options::OptionKind::Call
			} else {
				pallet_options::OptionKind::Put
			};
			RuntimeCall::Options(O::list_series {
				params: pallet_options::SeriesParams { underlying: key, strike, expiry, kind },
			})
		},
		2 => {
			let mut params = pallet_options::Underlyings::<Runtime>::get(key)?;
			match byte(u) % 6 {
				0 => params.vol_multiplier = Price::from_inner(amount(u, 18)),
				1 => params.spread = permill(u),
				2 => params.max_delta = amount(u, u32::from(params.base_decimals)),
				3 => params.max_vega = amount(u, 6),
				4 => params.min_volatility = Price::from_inner(amount(u, 18)),
				_ => params.base_decimals = byte(u) % 40,
			}
			RuntimeCall::Options(O::set_underlying { underlying: key, params })
		},
		_ => {
			let mut rules = pallet_options::Rules::<Runtime>::get();
			match byte(u) % 5 {
				0 => rules.stress_move = permill(u),
				1 => rules.exit_notice = u32::from(byte(u)),
				2 => rules.min_premium = amount(u, 6),
				3 => rules.equity_haircut = permill(u),
				_ => rules.trade_cutoff = u64::from(byte(u)) * 6_000,
			}
			RuntimeCall::Options(O::set_vault_rules { rules })
		},
	})
}

const ASSETS_MINTABLE: [u32; 4] = [assets::BTC, assets::ETH, assets::DOT, assets::USDC];

/// A governance call: mostly the current parameters with one field moved to an edge.
fn governance(u: &mut Unstructured, _ctx: &Ctx) -> Option<RuntimeCall> {
	use pallet_collateral_registry::Call as R;
	use pallet_perpetuals::Call as P;
	use pallet_price_guard::Call as G;
	let b = byte(u);
	let collateral = [assets::BTC, assets::ETH, assets::DOT][(byte(u) % 3) as usize];
	Some(match b % 13 {
		0 => {
			let status = [
				AssetStatus::Active,
				AssetStatus::ReduceOnly,
				AssetStatus::Frozen,
				AssetStatus::Delisted,
			][(byte(u) % 4) as usize];
			RuntimeCall::CollateralRegistry(R::set_status { asset: collateral, status })
		},
		1 if byte(u) % 4 == 0 => {
			// An emergency tightening at once: small, at the bound, or beyond it.
			let mut points = || match byte(u) % 4 {
				0 => Permill::zero(),
				1 => Permill::from_percent(u32::from(byte(u) % 6)),
				2 => Permill::from_percent(10),
				_ => permill(u),
			};
			let step = pallet_collateral_registry::Tightening {
				haircut_rise: points(),
				threshold_cut: points(),
			};
			RuntimeCall::CollateralRegistry(R::emergency_tighten { asset: collateral, step })
		},
		1 => {
			let d = decimals(collateral);
			let supply_cap = amount(u, d);
			let account_cap = if byte(u) % 2 == 0 { supply_cap } else { amount(u, d) };
			RuntimeCall::CollateralRegistry(R::set_caps {
				asset: collateral,
				supply_cap,
				account_cap,
			})
		},
		2 | 3 => {
			let mut params = pallet_collateral_registry::AssetParams::<Runtime>::get(collateral)?;
			match byte(u) % 6 {
				0 => params.haircut.base = permill(u),
				1 => params.liquidation_threshold = permill(u),
				2 => params.liquidation_penalty = permill(u),
				3 => params.haircut.concentration.market_depth = amount(u, decimals(collateral)),
				4 => params.haircut.concentration.slope = permill(u),
				_ => params.decimals = byte(u) % 40,
			}
			let asset = if b % 13 == 3 && byte(u) % 2 == 0 {
				[assets::NATIVE, assets::USDC, 5][(byte(u) % 3) as usize]
			} else {
				collateral
			};
			if b % 13 == 3 {
				RuntimeCall::CollateralRegistry(R::register_asset {
					asset,
					params: Box::new(params),
				})
			} else {
				RuntimeCall::CollateralRegistry(R::update_params {
					asset,
					params: Box::new(params),
				})
			}
		},
		4 | 5 => {
			let mk = byte(u) as u32 % 3;
			let mut params = pallet_perpetuals::Markets::<Runtime>::get(mk)?.params;
			match byte(u) % 9 {
				0 => params.initial_margin = permill(u),
				1 => params.maintenance_margin = permill(u),
				2 => params.max_long_oi = amount(u, market_decimals(mk)),
				3 => params.max_short_oi = amount(u, market_decimals(mk)),
				4 => params.taker_fee = permill(u),
				5 => params.skew_scale = amount(u, market_decimals(mk)),
				6 => params.max_premium = permill(u),
				7 => params.max_funding_rate = permill(u),
				_ => {
					params.status = if byte(u) % 2 == 0 {
						pallet_perpetuals::MarketStatus::Active
					} else {
						pallet_perpetuals::MarketStatus::ReduceOnly
					}
				},
			}
			if b % 13 == 5 && byte(u) % 4 == 0 {
				RuntimeCall::Perpetuals(P::create_market { params })
			} else {
				RuntimeCall::Perpetuals(P::update_market { market: mk, params })
			}
		},
		6 => {
			let mut rules = pallet_perpetuals::Rules::<Runtime>::get();
			match byte(u) % 4 {
				0 => rules.stress_move = permill(u),
				1 => rules.exit_notice = u32::from(byte(u)),
				2 => rules.min_trade_notional = amount(u, 6),
				_ => rules.min_fee = amount(u, 6),
			}
			RuntimeCall::Perpetuals(P::set_vault_rules { rules })
		},
		7 | 8 => {
			let key = collateral;
			let mut g = pallet_price_guard::Guards::<Runtime>::get(key)?;
			match byte(u) % 6 {
				0 => g.max_jump = permill(u),
				1 => g.max_age = u64::from(byte(u)) * 6_000,
				2 => g.trade_age = u64::from(byte(u)) * 6_000,
				3 => g.jump_confirm = u64::from(byte(u)) * 6_000,
				4 => {
					g.min_price = Price::from_inner(
						(g.min_price.into_inner() / 10).saturating_mul(u128::from(byte(u))),
					)
				},
				_ => {
					g.max_price = Price::from_inner(
						(g.max_price.into_inner() / 10).saturating_mul(u128::from(byte(u))),
					)
				},
			}
			RuntimeCall::PriceGuard(G::set_guard { key, params: g })
		},
		9 => RuntimeCall::PriceGuard(G::set_volatility { key: collateral, volatility: permill(u) }),
		10 => {
			let min_count = u32::from(byte(u) % 4);
			RuntimeCall::PriceGuard(G::set_feed_rules {
				rules: pallet_price_guard::FeedRules { min_count, max_deviation: permill(u) },
			})
		},
		12 => {
			// The stress test's scenarios and controller, one field at an edge.
			let mut params = pallet_stress::Params::<Runtime>::get();
			match byte(u) % 6 {
				0 => {
					let shock = match byte(u) % 4 {
						0 => -950_000,
						1 => 2_000_000,
						2 => 0,
						_ => u.int_in_range(-1_000_000..=2_100_000).unwrap_or(0),
					};
					if let Some(s) = params.scenarios.get_mut(0) {
						s.shock = shock;
					}
				},
				1 => params.tighten_below = FixedU128::from_rational(u128::from(byte(u)), 50),
				2 => params.relax_above = FixedU128::from_rational(u128::from(byte(u)), 50),
				3 => params.step = permill(u),
				4 => params.max_tightening = permill(u),
				_ => params.accounts_per_block = u32::from(byte(u) % 8),
			}
			RuntimeCall::StressTest(pallet_stress::Call::set_params { params })
		},
		_ => {
			use pallet_price_feed::Call as F;
			if byte(u) % 32 == 0 {
				// Rarely, the global settlement: it ends trading for the rest of the input.
				return Some(RuntimeCall::GlobalSettlement(
					pallet_global_settlement::Call::trigger {},
				));
			}
			if byte(u) % 2 == 0 {
				RuntimeCall::PriceFeed(F::remove_asset { asset: collateral })
			} else {
				let mut params = pallet_price_feed::Params::<Runtime>::get(collateral)?;
				params.max_deviation = permill(u);
				params.min_sources = u32::from(byte(u) % 4);
				RuntimeCall::PriceFeed(F::set_params { asset: collateral, params })
			}
		},
	})
}

/// A short label for a call (for the run's log).
pub fn describe(call: &RuntimeCall) -> String {
	let s = format!("{call:?}");
	if s.len() > 220 {
		format!("{}…", &s[..s.char_indices().nth(220).map_or(s.len(), |(i, _)| i)])
	} else {
		s
	}
}
