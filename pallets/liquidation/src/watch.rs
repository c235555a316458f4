//! The watch: every account with a position, filed under the level of each price it is exposed
//! to at which it must be valued again ([`Watch`], [`Watching`]).
//!
//! An account is valued once (the margin engine's snapshot, at conservative prices) and its
//! margin of safety `s` computed from that one valuation (`ballast_math::safety`: buffer over
//! gross price sensitivity). For every **source** it is exposed to — the mark and the funding
//! index of each market it has a position in, the price and the band weight of each collateral
//! asset it holds — it is filed at the level where that source has moved by `s` in the direction
//! that can hurt. Until some source reaches one of its triggers the account is provably still
//! healthy, so the sweep never looks at it; in the first block in which one does, the sweep
//! values it again, liquidates it if it is unhealthy, and files it again otherwise.
//!
//! Each block the sweep reads the level of every source something is filed under
//! ([`WatchedSources`]) and walks that source's entries from the head while they have fired:
//! the work is proportional to the accounts a move could have sunk, never to the number of
//! accounts, and the storage order puts the accounts the move went furthest past first.
//!
//! Accounts with no position are not in the watch; those in debt without a position keep an
//! empty record in [`Watching`] so that the round-robin backstop (which walks [`Watching`]
//! only, never an empty account) still passes them.

use crate::{pallet::*, types::*, weights, WeightInfo};
use alloc::vec::Vec;
use ballast_primitives::{
	math::{
		safety::{self, Direction},
		units,
	},
	traits::{
		AccountSnapshot, CollateralRisk, Derivatives, MarginSide, PriceMode, PriceProvider,
		RiskBearers,
	},
	AssetStatus, SubAccount,
};
use polkadot_sdk::frame_support::{traits::Get, weights::Weight, BoundedVec};

/// One trigger of an account: source, direction, encoded level.
pub type Trigger = (Source, u8, [u8; 16]);

impl<T: Config> Pallet<T> {
	/// Up to `take` accounts of [`Watching`] (those with a position or in debt) following
	/// `after` in storage order, from the start for `None`: the backstop's page, and the stress
	/// test's (through [`RiskBearers`]).
	pub(crate) fn watched_after(
		after: Option<&(T::AccountId, SubAccount)>,
		take: usize,
	) -> Vec<(T::AccountId, SubAccount)> {
		match after {
			Some(key) => Watching::<T>::iter_keys_from(Watching::<T>::hashed_key_for(key))
				.take(take)
				.collect(),
			None => Watching::<T>::iter_keys().take(take).collect(),
		}
	}

	/// The current level of `source` and the scale its relative moves are measured against, at
	/// the conservative prices the valuation uses; `None` while it cannot be read (no usable
	/// price, an asset not listed): nothing can be valued at it either.
	pub fn source_level(source: Source) -> Option<(i128, u128)> {
		match source {
			Source::Mark(m) => {
				let p = T::Derivatives::mark_price(m)?.into_inner();
				Some((safety::level_of(p), p))
			},
			Source::Funding(m) => {
				let p = T::Derivatives::mark_price(m)?;
				let f = T::Derivatives::funding_index(m)?;
				Some((f.into_inner(), safety::funding_scale(p, T::QuoteDecimals::get())))
			},
			Source::Price(a) => {
				let terms =
					T::Collateral::terms(a, 0).filter(|t| t.status != AssetStatus::Delisted)?;
				let p = T::Prices::checked(terms.oracle_key, PriceMode::Conservative).ok()?;
				Some((safety::level_of(p.into_inner()), p.into_inner()))
			},
			Source::Weight(a) => {
				let terms =
					T::Collateral::terms(a, 0).filter(|t| t.status != AssetStatus::Delisted)?;
				let w = units::ratio(terms.maintenance_weight).into_inner();
				Some((safety::level_of(w), w))
			},
		}
	}

	/// The triggers of an account valued as `snapshot` with `positions` open (markets and
	/// sides): where each source it is exposed to will have moved by its margin of safety.
	/// `due` files it at the current levels (it must be valued again next block, e.g. after a
	/// partial liquidation changed it without a new valuation).
	pub(crate) fn triggers(
		snapshot: &AccountSnapshot,
		positions: &[(ballast_primitives::MarketId, bool)],
		due: bool,
	) -> Vec<Trigger> {
		let mut sources: Vec<(Source, Direction)> = Vec::new();
		for (m, long) in positions {
			sources.push((Source::Mark(*m), Direction::Down));
			sources.push((Source::Mark(*m), Direction::Up));
			// A long owes the index's rise, a short its fall.
			sources
				.push((Source::Funding(*m), if *long { Direction::Up } else { Direction::Down }));
		}
		for (a, amount) in snapshot.collateral.iter() {
			if *amount > 0 {
				sources.push((Source::Price(*a), Direction::Down));
				sources.push((Source::Weight(*a), Direction::Down));
			}
		}
		let terms = u32::try_from(positions.len().saturating_add(snapshot.collateral.len()))
			.unwrap_or(u32::MAX);
		let s = if due {
			Some(Default::default())
		} else {
			safety::margin_of_safety(
				snapshot.maintenance_equity,
				snapshot.maintenance_requirement,
				safety::sensitivity(
					snapshot.collateral_value,
					snapshot.notional,
					snapshot.maintenance_requirement,
					snapshot.requirement_sensitivity,
				),
				terms,
			)
		};
		// Nothing moves with a price: no move can sink it.
		let Some(s) = s else { return Vec::new() };
		sources
			.into_iter()
			.filter_map(|(source, dir)| {
				let (level, scale) = Self::source_level(source)?;
				let at = safety::trigger(level, scale, s, dir);
				Some((source, dir_code(dir), watch_key(dir, at)))
			})
			.collect()
	}

	/// File `(who, sub)` in the watch from one valuation (`None`: it could not be valued; its
	/// triggers stay as they were). Only what changed is written.
	pub(crate) fn file_watch(
		who: &T::AccountId,
		sub: SubAccount,
		open: &[ballast_primitives::traits::PositionView],
		snapshot: Option<&AccountSnapshot>,
		due: bool,
	) {
		let key = (who.clone(), sub);
		let positions: Vec<_> = open.iter().map(|p| (p.market, p.is_long())).collect();
		let in_debt = || T::Margin::balances(who, sub).is_some_and(|(q, _)| q < 0);
		if positions.is_empty() && !in_debt() {
			Self::set_triggers(&key, None);
			return;
		}
		let Some(snapshot) = snapshot else {
			// Not valued: keep its triggers (it is at least in the backstop's set).
			if !Watching::<T>::contains_key(&key) {
				Self::set_triggers(&key, Some(Vec::new()));
			}
			return;
		};
		let triggers = if positions.is_empty() {
			Vec::new()
		} else {
			Self::triggers(snapshot, &positions, due)
		};
		Self::set_triggers(&key, Some(triggers));
	}

	/// Replace the triggers of `key` (`None`: out of the watch entirely).
	fn set_triggers(key: &(T::AccountId, SubAccount), new: Option<Vec<Trigger>>) {
		let old = Watching::<T>::get(key);
		let new = new.map(BoundedVec::<Trigger, MaxTriggers<T>>::truncate_from);
		if old == new {
			return;
		}
		let old_list = old.map(|v| v.into_inner()).unwrap_or_default();
		let new_list = new.as_ref().map(|v| v.to_vec()).unwrap_or_default();
		for (source, dir, k) in old_list.iter().filter(|e| !new_list.contains(e)) {
			Watch::<T>::remove((source, dir, k, key));
			WatchedSources::<T>::mutate_exists((source, dir), |n| {
				*n = n.map(|c| c.saturating_sub(1)).filter(|c| *c > 0)
			});
		}
		for (source, dir, k) in new_list.iter().filter(|e| !old_list.contains(e)) {
			Watch::<T>::insert((source, dir, k, key), ());
			WatchedSources::<T>::mutate((source, dir), |n| {
				*n = Some(n.unwrap_or(0).saturating_add(1))
			});
		}
		match new {
			Some(v) => Watching::<T>::insert(key, v),
			None => Watching::<T>::remove(key),
		}
	}

	/// The weight of valuing and re-filing `(who, sub)` by the class its triggers describe
	/// (positions, collateral assets): what the sweep charges before looking at it.
	pub(crate) fn check_weight(key: &(T::AccountId, SubAccount)) -> Weight {
		let (p, c) = Watching::<T>::get(key).map_or((0, 0), |t| class_of(&t));
		T::WeightInfo::check_account(p, c)
	}

	/// What liquidating `key` may cost, the room the sweep makes before valuing it: `act`, plus
	/// for a cross account under the portfolio grid the most that ranking and planning its
	/// closes may cost by its class (positions, from its triggers). What it is charged is
	/// `act` and the evaluations it made.
	pub fn act_weight(key: &(T::AccountId, SubAccount), act: Weight) -> Weight {
		if key.1 != ballast_primitives::CROSS_ACCOUNT || T::PortfolioGrid::get().is_none() {
			return act;
		}
		let (p, _) = Watching::<T>::get(key).map_or((0, 0), |t| class_of(&t));
		act.saturating_add(weights::ranked_close_weight::<T::WeightInfo>(p))
	}

	/// Walk the watch: for every source something is filed under, from the head of each
	/// direction while the source's level has reached the trigger. Returns `false` when the
	/// budget ran out (the rest waits, at the head, for the next block).
	pub(crate) fn walk_watch(
		meter: &mut polkadot_sdk::frame_support::weights::WeightMeter,
		seen: &mut alloc::collections::BTreeSet<(T::AccountId, SubAccount)>,
		checked: &mut u32,
		liquidated: &mut u32,
	) -> bool {
		let act = weights::liquidation_weight::<T::WeightInfo>();
		// Start where the last block's budget ran out, so that no source waits behind others
		// block after block.
		let mut sources: Vec<(Source, u8)> = WatchedSources::<T>::iter_keys().collect();
		sources.sort();
		let resume = WatchResume::<T>::get();
		if let Some(from) = resume {
			let at = sources.iter().position(|s| *s >= from).unwrap_or(0);
			sources.rotate_left(at);
		}
		let per_source = T::WeightInfo::watch_source();
		for (source, dir) in sources {
			if !meter.can_consume(per_source) {
				WatchResume::<T>::put((source, dir));
				return false;
			}
			meter.consume(per_source);
			let Some((now, _)) = Self::source_level(source) else { continue };
			let direction = if dir == DOWN { Direction::Down } else { Direction::Up };
			let mut after: Option<Vec<u8>> = None;
			loop {
				let next = match &after {
					None => Watch::<T>::iter_prefix((source, dir)).next(),
					Some(raw) => Watch::<T>::iter_prefix_from((source, dir), raw.clone()).next(),
				};
				let Some(((k, acct), ())) = next else { break };
				if !safety::fired(direction, now, watch_level(direction, k)) {
					break;
				}
				if !seen.contains(&acct) {
					let cost = Self::check_weight(&acct);
					let reserve = Self::act_weight(&acct, act);
					if !meter.can_consume(cost.saturating_add(reserve)) {
						WatchResume::<T>::put((source, dir));
						return false;
					}
					meter.consume(cost);
					*checked = checked.saturating_add(1);
					let (who, sub) = acct.clone();
					if Self::recheck(&who, sub, meter, act) == Outcome::Liquidated {
						*liquidated = liquidated.saturating_add(1);
					}
					seen.insert(acct.clone());
				}
				// Still there (it could not be valued, or sits at its trigger): step past it.
				after = Some(Watch::<T>::hashed_key_for((source, dir, k, &acct)));
			}
		}
		if resume.is_some() {
			WatchResume::<T>::kill();
		}
		true
	}

	/// Value `(who, sub)` once: liquidate it if it needs it (charging `act` to `meter`),
	/// otherwise re-file it — in the watch, and in the liquidation-price index if isolated.
	pub(crate) fn recheck(
		who: &T::AccountId,
		sub: SubAccount,
		meter: &mut polkadot_sdk::frame_support::weights::WeightMeter,
		act: Weight,
	) -> Outcome {
		let snapshot = T::Margin::snapshot(who, sub);
		let Some(s) = snapshot.as_ref() else {
			Self::file_watch(who, sub, &T::Derivatives::positions(who, sub), None, false);
			return Outcome::Unknown;
		};
		if s.needs_action() {
			meter.consume(act);
			// Ranked closes: what their grid evaluations cost (the caller made room for the
			// most they may).
			let (outcome, spent) = Self::liquidate_spent(who, sub, s);
			meter.consume(spent);
			return outcome;
		}
		if sub != ballast_primitives::CROSS_ACCOUNT {
			Self::reindex_price(
				who,
				sub,
				(s.market.is_some() && s.positions == 1).then_some(s.equity_without_pnl),
			);
		}
		Self::file_watch(who, sub, &T::Derivatives::positions(who, sub), Some(s), false);
		Outcome::Healthy
	}
}

/// Positions and collateral assets of an account, from its triggers (three per market, two per
/// asset): the class the sweep charges it at.
pub fn class_of(triggers: &[Trigger]) -> (u32, u32) {
	let count = |f: fn(&Source) -> bool| {
		u32::try_from(triggers.iter().filter(|(s, _, _)| f(s)).count()).unwrap_or(u32::MAX)
	};
	(count(|s| matches!(s, Source::Funding(_))), count(|s| matches!(s, Source::Price(_))))
}

fn dir_code(d: Direction) -> u8 {
	match d {
		Direction::Down => DOWN,
		Direction::Up => UP,
	}
}

/// Sort key of a trigger level: storage order is firing order. Falling sources fire from the
/// highest trigger down (keys are the bitwise complement), rising ones from the lowest up.
pub fn watch_key(direction: Direction, level: i128) -> [u8; 16] {
	let ordered = (level as u128) ^ (1u128 << 127);
	match direction {
		Direction::Down => !ordered,
		Direction::Up => ordered,
	}
	.to_be_bytes()
}

/// The trigger level a [`watch_key`] encodes.
pub fn watch_level(direction: Direction, key: [u8; 16]) -> i128 {
	let raw = u128::from_be_bytes(key);
	let ordered = match direction {
		Direction::Down => !raw,
		Direction::Up => raw,
	};
	(ordered ^ (1u128 << 127)) as i128
}

impl<T: Config> RiskBearers<T::AccountId> for Pallet<T> {
	fn accounts_after(
		after: Option<(T::AccountId, SubAccount)>,
		limit: u32,
	) -> Vec<(T::AccountId, SubAccount)> {
		Self::watched_after(after.as_ref(), usize::try_from(limit).unwrap_or(usize::MAX))
	}
}
