//! Liquidating one account: value it once, close positions (partially first), then seize
//! collateral for a remaining debt or send the shortfall down the waterfall. Each liquidation
//! runs in its own storage layer: it completes, or changes nothing and says why
//! ([`Event::LiquidationFailed`]).

use crate::{pallet::*, types::*, WeightInfo, LOG_TARGET};
use ballast_primitives::{
	math::{liquidation as rules, portfolio::Instrument},
	traits::{AccountSnapshot, Derivatives, MarginLedger, MarginSide, PriceMode},
	Balance, MarketId, SignedBalance, SubAccount, CROSS_ACCOUNT,
};
use polkadot_sdk::{
	frame_support::{storage::with_storage_layer, traits::Get, weights::Weight},
	sp_arithmetic::Permill,
	sp_runtime::DispatchError,
};

impl<T: Config> Pallet<T> {
	/// Value `(who, sub)` and act on it if it is below maintenance or in debt.
	pub fn liquidate(who: &T::AccountId, sub: SubAccount) -> Outcome {
		match T::Margin::snapshot(who, sub) {
			Some(snapshot) => Self::liquidate_with(who, sub, &snapshot),
			None => Outcome::Unknown,
		}
	}

	/// [`Self::liquidate`] for an account the seizure queue serves: it may seize for the part
	/// of its debt its live auctions do not already raise, and goes back to the queue (silently)
	/// if the caps are still full. Also returns the weight its ranked closes spent (see
	/// [`Self::liquidate_spent`]).
	pub(crate) fn liquidate_queued(who: &T::AccountId, sub: SubAccount) -> (Outcome, Weight) {
		match T::Margin::snapshot(who, sub) {
			Some(snapshot) => Self::liquidate_as(who, sub, &snapshot, true),
			None => (Outcome::Unknown, Weight::zero()),
		}
	}

	/// Act on `(who, sub)`, valued as `snapshot`, if it needs it: atomically, re-filing it in the
	/// indexes. A failure changes nothing and emits [`Event::LiquidationFailed`].
	pub(crate) fn liquidate_with(
		who: &T::AccountId,
		sub: SubAccount,
		snapshot: &AccountSnapshot,
	) -> Outcome {
		Self::liquidate_as(who, sub, snapshot, false).0
	}

	/// [`Self::liquidate_with`], and the weight of the grid evaluations its ranked closes made
	/// (zero unless a cross account under the portfolio grid was closed leg by leg; at most
	/// `weights::ranked_close_weight` of its positions), which the liquidation's own weight
	/// does not include.
	pub(crate) fn liquidate_spent(
		who: &T::AccountId,
		sub: SubAccount,
		snapshot: &AccountSnapshot,
	) -> (Outcome, Weight) {
		Self::liquidate_as(who, sub, snapshot, false)
	}

	fn liquidate_as(
		who: &T::AccountId,
		sub: SubAccount,
		snapshot: &AccountSnapshot,
		from_queue: bool,
	) -> (Outcome, Weight) {
		if !snapshot.needs_action() {
			return (Outcome::Healthy, Weight::zero());
		}
		// Spent even if the liquidation fails and its changes are undone.
		let mut spent = Weight::zero();
		let outcome =
			match with_storage_layer(|| Self::act(who, sub, snapshot, from_queue, &mut spent)) {
				Ok(true) => Outcome::Liquidated,
				Ok(false) => Outcome::Healthy,
				Err(error) => {
					log::warn!(target: LOG_TARGET, "liquidating {who:?}/{sub} failed: {error:?}");
					Self::deposit_event(Event::LiquidationFailed { who: who.clone(), sub, error });
					Outcome::Unknown
				},
			};
		(outcome, spent)
	}

	/// The liquidation itself; see [`Self::liquidate_with`]. Returns whether it acted.
	fn act(
		who: &T::AccountId,
		sub: SubAccount,
		snapshot: &AccountSnapshot,
		from_queue: bool,
		spent: &mut Weight,
	) -> Result<bool, DispatchError> {
		let market = snapshot.market;
		let params = Params::<T>::get();
		let mut acted = false;
		// The share of every position closed and the penalty charged, if any.
		let mut closed_part: Option<(Permill, Balance)> = None;

		// 1. Positions: partial first.
		if snapshot.positions > 0 && !snapshot.is_healthy() {
			let full = rules::closes_in_full(
				snapshot.maintenance_equity,
				snapshot.maintenance_requirement,
				snapshot.notional,
				params.full_liquidation_ratio,
				params.dust_notional,
			);
			let fraction = if full {
				Permill::one()
			} else {
				rules::close_fraction(
					snapshot.maintenance_equity,
					snapshot.maintenance_requirement,
					snapshot.notional,
					params.liquidation_penalty,
					params.close_buffer,
				)
			};
			let fraction = if fraction.is_zero() { Permill::one() } else { fraction };
			// Should this account end with a shortfall, the sides opposite to what it lost on
			// are where auto-deleveraging looks.
			let scope = T::Derivatives::positions(who, sub).iter().fold(0u32, |acc, p| {
				acc | adl_bit(p.market, if p.is_long() { SHORT } else { LONG }).unwrap_or(0)
			});
			AdlScope::<T>::mutate((who, sub), |s| *s |= scope);
			// A portfolio-margined account, not closed in full: the legs whose close lowers the
			// requirement most first, as far as needed (a hedge stays while it hedges).
			let ranked = if sub == CROSS_ACCOUNT && !full {
				Self::ranked_closes(who, sub, snapshot, &params, spent)
			} else {
				None
			};
			let ranked_closes = ranked.is_some();
			let (closed, fraction) = match ranked {
				Some(closes) => {
					let mut closed: Balance = 0;
					for (m, f) in closes {
						closed =
							closed.saturating_add(T::Derivatives::close_position(who, sub, m, f)?);
					}
					// The share of the notional closed, for the event.
					(
						closed,
						ballast_primitives::math::units::permill_of(
							closed,
							snapshot.notional,
							ballast_primitives::math::units::Rounding::Up,
						),
					)
				},
				None => (T::Derivatives::close_fraction(who, sub, fraction)?, fraction),
			};
			let penalty = params.liquidation_penalty.mul_ceil(closed);
			let charged = Self::charge_penalty(who, sub, market, penalty)?;
			// Ranked closes do not scale the requirement by one share: the account is filed
			// from the snapshot (its triggers fire at once, and the next valuation files it).
			if !ranked_closes {
				closed_part = Some((fraction, charged));
			}
			Self::deposit_event(Event::PositionsLiquidated {
				who: who.clone(),
				sub,
				fraction,
				closed_notional: closed,
				penalty: charged,
			});
			acted = true;
		}
		// What is left open (a storage read, no prices): also what the ADL index files.
		let open = T::Derivatives::positions(who, sub);
		let positions = open.len();

		// 2. Debt: collateral to auctions, or the waterfall. Balances are read, not revalued.
		// An account with live auctions or a place in the queue waits for them, unless the
		// queue is serving it now: then it seizes for what its live auctions do not raise.
		let (quote, collateral) =
			T::Margin::balances(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		let key = (who.clone(), sub);
		if positions == 0 && quote >= 0 {
			AdlScope::<T>::remove(&key);
		}
		let live = LiveAuctions::<T>::get(&key);
		if positions == 0
			&& quote < 0
			&& !Deleveraging::<T>::contains_key(&key)
			&& (from_queue || (live == 0 && !Queued::<T>::contains_key(&key)))
		{
			let debt = quote.unsigned_abs();
			let unraised = debt.saturating_sub(LiveAuctionValue::<T>::get(&key));
			let seized = if unraised > 0 && !collateral.is_empty() {
				Self::seize_for_debt(who, sub, market, unraised, &collateral, !from_queue, &params)?
			} else {
				Seizure::default()
			};
			acted |= seized.started;
			// Collateral that cannot be seized (and is not merely waiting) counts for nothing:
			// with no live auction left, the debt goes down the waterfall.
			if !seized.started && !seized.waiting && live == 0 && !Queued::<T>::contains_key(&key) {
				Self::cover_shortfall(who, sub, market, debt)?;
				acted = true;
			}
		}

		// 3. Re-file. The equity without positions moved only by what settled to the quote
		// balance (collateral is untouched until positions are gone): no second valuation.
		Self::file_adl(who, sub, &open);
		if sub != CROSS_ACCOUNT {
			let equity = (market.is_some() && positions == 1).then(|| {
				snapshot.equity_without_pnl.saturating_add(quote.saturating_sub(snapshot.quote))
			});
			Self::reindex_price(who, sub, equity);
		}
		// The watch, from the same valuation: what is left of the positions is the rest of the
		// closed fraction (notional and requirement scale by it), and equity fell by no more
		// than the penalty (closing at the mark realizes PnL already counted; a haircut gain
		// realized only adds). A bound, not a guess: the account is filed no later than due.
		let after = closed_part.map(|(fraction, charged)| {
			let left = polkadot_sdk::sp_arithmetic::PerThing::left_from_one(fraction);
			AccountSnapshot {
				maintenance_equity: snapshot
					.maintenance_equity
					.saturating_sub(SignedBalance::try_from(charged).unwrap_or(SignedBalance::MAX)),
				maintenance_requirement: left.mul_ceil(snapshot.maintenance_requirement),
				notional: left.mul_ceil(snapshot.notional),
				..snapshot.clone()
			}
		});
		Self::file_watch(who, sub, &open, Some(after.as_ref().unwrap_or(snapshot)), false);
		Ok(acted)
	}

	/// The ranked closes of a cross account under the portfolio grid
	/// (`ballast_math::liquidation::close_plan`, valued at the conservative prices of the
	/// snapshot): `(market, share)` in the order to close them. `None` — no grid, a product
	/// that cannot list its legs by market, legs that do not price, or no plan better than the
	/// proportional rule — and the same share of every position closes. `spent` is set to the
	/// weight of the grid evaluations made ([`WeightInfo::grid_evaluation`] by the legs'
	/// kinds, per evaluation).
	pub(crate) fn ranked_closes(
		who: &T::AccountId,
		sub: SubAccount,
		snapshot: &AccountSnapshot,
		params: &LiquidationParams,
		spent: &mut Weight,
	) -> Option<alloc::vec::Vec<(MarketId, Permill)>> {
		let grid = T::PortfolioGrid::get()?;
		let legs = T::Derivatives::market_legs(who, sub, PriceMode::Conservative).ok()??;
		let (markets, legs): (alloc::vec::Vec<_>, alloc::vec::Vec<_>) = legs.into_iter().unzip();
		let (plan, made) = rules::close_plan_counted(
			&grid,
			&legs,
			T::QuoteDecimals::get(),
			snapshot.maintenance_equity,
			params.liquidation_penalty,
			params.close_buffer,
		);
		let count = |perp: bool| {
			let n = legs.iter().filter(|l| matches!(l.instrument, Instrument::Perp) == perp);
			u32::try_from(n.count()).unwrap_or(u32::MAX)
		};
		*spent = T::WeightInfo::grid_evaluation(count(true), count(false))
			.saturating_mul(u64::from(made));
		let plan = plan?;
		if plan.is_empty() {
			return None;
		}
		plan.into_iter().map(|c| markets.get(c.leg).map(|m| (*m, c.fraction))).collect()
	}

	/// Take the penalty from the account's quote balance into the market's (isolated) or the
	/// global insurance fund. Returns what was booked.
	pub(crate) fn charge_penalty(
		who: &T::AccountId,
		sub: SubAccount,
		market: Option<MarketId>,
		penalty: Balance,
	) -> Result<Balance, DispatchError> {
		if penalty == 0 {
			return Ok(0);
		}
		let signed = SignedBalance::try_from(penalty).map_err(|_| Error::<T>::Overflow)?;
		T::Margin::settle(who, sub, signed.saturating_neg())?;
		match market {
			Some(m) => MarketInsurance::<T>::mutate(m, |f| *f = f.saturating_add(penalty)),
			None => GlobalInsurance::<T>::mutate(|f| *f = f.saturating_add(penalty)),
		}
		Ok(penalty)
	}
}
