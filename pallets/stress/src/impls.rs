//! The stress test's per-block work, its parameters, its report and its invariants.

use crate::{pallet::*, types::*, weights::WeightInfo};
use alloc::vec::Vec;
use ballast_primitives::{
	math::stress::{self, Profile, Scenario, Shortfalls, MAX_SCENARIOS},
	traits::{
		LossCapacity, OnAccountChange, RiskBearers, RiskTightening, StressProfile, StressSubject,
	},
	Balance, OracleKey, Price, SubAccount,
};
use polkadot_sdk::{
	frame_support::{pallet_prelude::*, traits::Get, BoundedVec},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_arithmetic::{FixedU128, Permill},
};

/// The most one account contributes to a scenario's total: `u128::MAX / 2^33`, so that the
/// totals of any number of accounts a chain can hold (below 2^33) are exact sums, never
/// saturated (an account whose loss is not representable counts for this much).
pub const MAX_CONTRIBUTION: Balance = u128::MAX >> 33;

/// `n` zeros, one per scenario.
fn zeros(n: usize) -> PerScenario {
	BoundedVec::truncate_from(alloc::vec![0; n.min(MAX_SCENARIOS)])
}

impl<T: Config> Pallet<T> {
	/// Set the parameters and begin a new pass; see [`Pallet::set_params`].
	pub(crate) fn do_set_params(params: StressParams) -> DispatchResult {
		params.validate().map_err(Error::<T>::from)?;
		let old = Pass::<T>::get();
		Pass::<T>::put(PassState {
			id: old.id.wrapping_add(1),
			started: frame_system::Pallet::<T>::block_number(),
			cursor: None,
			visited: 0,
			totals: zeros(params.scenarios.len()),
		});
		Completed::<T>::kill();
		Tightening::<T>::mutate(|l| *l = (*l).min(params.max_tightening));
		Params::<T>::put(params);
		Ok(())
	}

	/// One block's work within `budget`: the changed accounts (at most half of it), then the
	/// pass's next accounts, then coverage and the controller. Returns the weight used.
	pub(crate) fn step(now: BlockNumberFor<T>, budget: Weight) -> Weight {
		let base = T::WeightInfo::step_base().saturating_add(T::WeightInfo::coverage());
		if !budget.all_gte(base) {
			return Weight::zero();
		}
		let params = Params::<T>::get();
		let scenarios: Vec<Scenario> = params.scenarios().collect();
		let mut pass = Pass::<T>::get();
		if pass.totals.len() != scenarios.len() {
			// First block (an empty pass), or scenarios changed by an upgrade: a new pass.
			pass = PassState {
				id: pass.id.wrapping_add(1),
				started: now,
				cursor: None,
				visited: 0,
				totals: zeros(scenarios.len()),
			};
		}
		let worst_case = T::WeightInfo::evaluate(T::MaxLegs::get());
		let mut used = base;
		let fits = |used: Weight, limit: Weight| limit.all_gte(used.saturating_add(worst_case));

		// The changed accounts, with at most half of what is left.
		let left = budget.saturating_sub(base);
		let half = Weight::from_parts(left.ref_time() / 2, left.proof_size() / 2);
		let dirty_limit = base.saturating_add(half);
		let mut dirty = Dirty::<T>::drain();
		while fits(used, dirty_limit) {
			let Some((who, sub, ())) = dirty.next() else { break };
			let legs = Self::evaluate(&who, sub, pass.id, &mut pass.totals, &scenarios);
			used = used.saturating_add(T::WeightInfo::evaluate(legs));
		}
		drop(dirty);

		// The pass's next accounts, while the budget lasts (listing them is a read each,
		// charged for as many as it may list).
		let limit = params.accounts_per_block;
		let listing = T::DbWeight::get().reads(u64::from(limit));
		if fits(used.saturating_add(listing), budget) {
			used = used.saturating_add(listing);
			let accounts = T::Walk::accounts_after(pass.cursor.clone(), limit);
			let mut done: usize = 0;
			for (who, sub) in accounts.iter() {
				if !fits(used, budget) {
					break;
				}
				let legs = Self::evaluate(who, *sub, pass.id, &mut pass.totals, &scenarios);
				used = used.saturating_add(T::WeightInfo::evaluate(legs));
				pass.cursor = Some((who.clone(), *sub));
				done = done.saturating_add(1);
			}
			pass.visited = pass.visited.saturating_add(done as u32);
			if done == accounts.len() && (accounts.len() as u32) < limit {
				let worst = pass.totals.iter().copied().max().unwrap_or(0);
				Self::deposit_event(Event::PassCompleted {
					pass: pass.id,
					visited: pass.visited,
					worst_shortfall: worst,
				});
				Completed::<T>::put(CompletedPass {
					id: pass.id,
					ended: now,
					visited: pass.visited,
					totals: pass.totals.clone(),
				});
				pass = PassState {
					id: pass.id.wrapping_add(1),
					started: now,
					cursor: None,
					visited: 0,
					totals: zeros(scenarios.len()),
				};
			}
		}
		Pass::<T>::put(&pass);
		Self::control(&params, &pass);
		used
	}

	/// Coverage now, from the pass in progress and the last completed one.
	fn coverage_of(pass: &PerScenario) -> (Balance, i128, Option<FixedU128>) {
		let completed = Completed::<T>::get().map(|c| c.totals).unwrap_or_default();
		let worst = pass
			.iter()
			.enumerate()
			.map(|(i, t)| (*t).max(completed.get(i).copied().unwrap_or(0)))
			.max()
			.unwrap_or(0);
		let capacity = T::Capacity::loss_capacity();
		(worst, capacity, stress::coverage(capacity, worst))
	}

	/// Measure coverage and move the tightening one step.
	pub(crate) fn control(
		params: &StressParams,
		pass: &PassState<T::AccountId, BlockNumberFor<T>>,
	) {
		let (_, _, coverage) = Self::coverage_of(&pass.totals);
		match coverage {
			Some(c) => Coverage::<T>::put(c),
			None => Coverage::<T>::kill(),
		}
		let alarm = Alarm::<T>::get();
		match coverage {
			Some(c) if c < params.tighten_below && !alarm => {
				Alarm::<T>::put(true);
				Self::deposit_event(Event::CoverageLow {
					coverage: c,
					threshold: params.tighten_below,
				});
			},
			c if alarm && c.is_none_or(|c| c >= params.relax_above) => {
				Alarm::<T>::put(false);
				Self::deposit_event(Event::CoverageRestored { coverage: c });
			},
			_ => {},
		}
		let from = Tightening::<T>::get();
		let to = stress::next_level(from, coverage, &params.controller());
		if to != from {
			Tightening::<T>::put(to);
			Self::deposit_event(Event::TighteningChanged { from, to, coverage });
		}
	}

	/// Value `(who, sub)` in the pass `pass` and replace its contribution to `totals`. Returns
	/// how many legs it had (its weight's component).
	pub(crate) fn evaluate(
		who: &T::AccountId,
		sub: SubAccount,
		pass: u32,
		totals: &mut PerScenario,
		scenarios: &[Scenario],
	) -> u32 {
		let profile = T::Accounts::stress_profile(who, sub);
		let legs = profile.as_ref().map_or(0, |p| p.legs.len() as u32);
		let new = match profile {
			Some(p) => Self::shortfalls(&p, scenarios, |key, now| Self::reference(key, pass, now)),
			None => [0; MAX_SCENARIOS],
		};
		if let Some(old) = Contributions::<T>::take(who, sub) {
			if old.pass == pass {
				for (t, o) in totals.iter_mut().zip(old.shortfalls.iter()) {
					*t = t.saturating_sub(*o);
				}
			}
		}
		let new = new.get(..scenarios.len().min(MAX_SCENARIOS)).unwrap_or(&[]);
		if new.iter().any(|s| *s > 0) {
			for (t, n) in totals.iter_mut().zip(new.iter()) {
				*t = t.saturating_add(*n);
			}
			let shortfalls = BoundedVec::truncate_from(new.to_vec());
			Contributions::<T>::insert(who, sub, Contribution { pass, shortfalls });
		}
		legs
	}

	/// The shortfalls of `profile`, each capped at [`MAX_CONTRIBUTION`], with references from
	/// `reference(key, price now)` (called once per key).
	fn shortfalls(
		p: &StressProfile,
		scenarios: &[Scenario],
		mut reference: impl FnMut(OracleKey, Price) -> Price,
	) -> Shortfalls {
		let mut refs: Vec<(OracleKey, Price)> = Vec::new();
		let keys = p.holdings.iter().map(|h| (h.key, h.price));
		for (key, now) in keys.chain(p.legs.iter().map(|l| (l.underlying, l.spot))) {
			if !refs.iter().any(|(k, _)| *k == key) {
				refs.push((key, reference(key, now)));
			}
		}
		let profile = Profile { equity: p.equity, holdings: &p.holdings, legs: &p.legs };
		let lookup = |key| refs.iter().find(|(k, _)| *k == key).map(|(_, p)| *p);
		let mut out = stress::shortfalls(&profile, scenarios, lookup, T::QuoteDecimals::get());
		for s in out.iter_mut() {
			*s = (*s).min(MAX_CONTRIBUTION);
		}
		out
	}

	/// The reference price of `key` in pass `pass`: the one recorded in this pass, or `now`,
	/// recorded.
	fn reference(key: OracleKey, pass: u32, now: Price) -> Price {
		match References::<T>::get(key) {
			Some((p, price)) if p == pass => price,
			_ => {
				References::<T>::insert(key, (pass, now));
				now
			},
		}
	}

	/// The stress test's figures (`StressApi::report`).
	pub fn report() -> StressReport<BlockNumberFor<T>> {
		let params = Params::<T>::get();
		let pass = Pass::<T>::get();
		let completed = Completed::<T>::get();
		let (worst, capacity, coverage) = Self::coverage_of(&pass.totals);
		StressReport {
			scenarios: params.scenarios.into_inner(),
			pass_totals: pass.totals.into_inner(),
			pass: (pass.id, pass.started, pass.visited),
			completed_totals: completed.as_ref().map(|c| c.totals.to_vec()).unwrap_or_default(),
			completed_at: completed.map(|c| c.ended),
			worst_shortfall: worst,
			capacity,
			coverage,
			tightening: Tightening::<T>::get(),
			alarm: Alarm::<T>::get(),
		}
	}

	/// The shortfalls of `(who, sub)` valued now against the current pass's references
	/// (today's price for a key the pass has not needed yet); empty when nothing is at risk.
	/// Writes nothing (`StressApi::account`).
	pub fn account_shortfalls(who: &T::AccountId, sub: SubAccount) -> Vec<Balance> {
		let Some(profile) = T::Accounts::stress_profile(who, sub) else { return Vec::new() };
		let params = Params::<T>::get();
		let scenarios: Vec<Scenario> = params.scenarios().collect();
		let pass = Pass::<T>::get().id;
		let out =
			Self::shortfalls(&profile, &scenarios, |key, now| match References::<T>::get(key) {
				Some((p, price)) if p == pass => price,
				_ => now,
			});
		out.iter().take(scenarios.len()).copied().collect()
	}

	/// The invariants:
	/// * the parameters pass [`StressParams::validate`]; the tightening is within their maximum;
	/// * the pass's totals have one entry per scenario and are **exactly** the sum of the
	///   contributions recorded in this pass (each non-zero, one entry per scenario, capped);
	/// * the last completed pass, if any, has one total per scenario.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let params = Params::<T>::get();
		ensure!(params.validate().is_ok(), "stress: parameters out of bounds");
		ensure!(
			Tightening::<T>::get() <= params.max_tightening,
			"stress: tightening above its maximum"
		);
		let pass = Pass::<T>::get();
		let n = params.scenarios.len();
		// An empty pass before the first block is allowed to have no totals yet.
		if pass.totals.len() != n {
			ensure!(
				pass.totals.is_empty() && pass.visited == 0,
				"stress: pass totals do not match the scenarios"
			);
		}
		let mut sums = alloc::vec![0u128; n];
		for c in Contributions::<T>::iter_values().filter(|c| c.pass == pass.id) {
			ensure!(c.shortfalls.len() == n, "stress: a contribution does not match the scenarios");
			ensure!(c.shortfalls.iter().any(|s| *s > 0), "stress: a zero contribution is kept");
			ensure!(
				c.shortfalls.iter().all(|s| *s <= MAX_CONTRIBUTION),
				"stress: a contribution above its cap"
			);
			for (s, v) in sums.iter_mut().zip(c.shortfalls.iter()) {
				*s = s.checked_add(*v).ok_or("stress: totals overflow")?;
			}
		}
		if pass.totals.len() == n {
			ensure!(pass.totals.as_slice() == sums.as_slice(), "stress: totals are not the sum");
		} else {
			ensure!(sums.iter().all(|s| *s == 0), "stress: contributions without totals");
		}
		if let Some(c) = Completed::<T>::get() {
			ensure!(c.totals.len() == n, "stress: completed pass does not match the scenarios");
		}
		Ok(())
	}
}

/// A changed account is valued again in the next block.
impl<T: Config> OnAccountChange<T::AccountId> for Pallet<T> {
	fn changed(who: &T::AccountId, sub: SubAccount) {
		Dirty::<T>::insert(who, sub, ());
	}
}

/// The tightening in force, for the margin engine and the products.
impl<T: Config> RiskTightening for Pallet<T> {
	fn level() -> Permill {
		Tightening::<T>::get()
	}
}
