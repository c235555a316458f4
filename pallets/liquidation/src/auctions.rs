//! Dutch auctions of seized collateral, the caps on value in live auctions, and the queue of
//! accounts waiting for room under them.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use ballast_primitives::{
	math::{
		liquidation as rules,
		units::{amount_for_value, quote_value, Rounding},
	},
	traits::{
		CollateralHoldings, CollateralRisk, MarginLedger, MarginSide, PriceError, PriceMode,
		PriceProvider,
	},
	AssetId, Balance, MarketId, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		pallet_prelude::DispatchResult,
		storage::with_storage_layer,
		traits::{
			fungibles::{Inspect, Mutate},
			tokens::Preservation,
			Get,
		},
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_arithmetic::Permill,
	sp_runtime::{traits::UniqueSaturatedInto, DispatchError, TokenError},
};

impl<T: Config> Pallet<T> {
	/// The price of a collateral asset usable for liquidation (`PriceMode::Conservative`: never
	/// an outlier, unconfirmed or stale print) and its decimals; `None` pauses seizures and
	/// auctions of the asset.
	pub fn collateral_price(asset: AssetId) -> Option<(Price, u8)> {
		Self::seizure_price(asset).ok()
	}

	/// [`Self::collateral_price`], or why the asset cannot be seized now.
	fn seizure_price(asset: AssetId) -> Result<(Price, u8), SkipReason> {
		Self::seizure_terms(asset).map(|(price, decimals, _)| (price, decimals))
	}

	/// The liquidation price, decimals and liquidation penalty of a collateral asset, or why
	/// it cannot be seized now.
	fn seizure_terms(asset: AssetId) -> Result<(Price, u8, Permill), SkipReason> {
		let terms = T::Collateral::terms(asset, 0).ok_or(SkipReason::NotListed)?;
		match T::Prices::checked(terms.oracle_key, PriceMode::Conservative) {
			Ok(price) => Ok((price, terms.decimals, terms.liquidation_penalty)),
			Err(PriceError::Missing) => Err(SkipReason::Unpriced),
			Err(e) => Err(SkipReason::PricePaused(e)),
		}
	}

	/// The price guard's pause clock for `asset`'s oracle key.
	fn pause_clock(asset: AssetId) -> u32 {
		T::Collateral::terms(asset, 0).map_or(0, |t| T::Prices::invalid_blocks(t.oracle_key))
	}

	/// Seize enough of `collateral` to cover `debt` (at oracle prices, sized to still cover it
	/// at the floor) into auctions, as far as the caps allow; the rest waits in the queue
	/// (`announce`: emit [`Event::SeizureQueued`] if the account joins it; the queue itself
	/// re-queues silently).
	///
	/// The asset's liquidation penalty (the collateral registry's `liquidation_penalty`) is
	/// charged on the debt each lot covers, from the account to the market's (isolated) or the
	/// global insurance fund, as the position penalty is; the lot is sized to raise the debt
	/// and the penalty ([`Event::CollateralPenaltyCharged`]).
	///
	/// A holding that cannot be seized is skipped with [`Event::SeizureSkipped`]: one whose
	/// price is paused makes the account wait; one that is not listed, was never priced, or
	/// whose lot cannot be moved (below the asset's minimum balance) counts for nothing. Each
	/// seizure runs in its own storage layer, so a failed one leaves nothing behind.
	pub(crate) fn seize_for_debt(
		who: &T::AccountId,
		sub: SubAccount,
		market: Option<MarketId>,
		debt: Balance,
		collateral: &[(AssetId, Balance)],
		announce: bool,
		params: &LiquidationParams,
	) -> Result<Seizure, DispatchError> {
		let qd = T::QuoteDecimals::get();
		let mut remaining = debt;
		let mut out = Seizure::default();
		for &(asset, holding) in collateral {
			if remaining == 0 {
				break;
			}
			let (oracle, decimals, penalty_rate) = match Self::seizure_terms(asset) {
				Ok(terms) => terms,
				Err(reason) => {
					out.waiting |= matches!(reason, SkipReason::PricePaused(_));
					Self::skipped(who, sub, asset, reason);
					continue;
				},
			};
			let mut lot = rules::lot_for_debt(
				remaining.saturating_add(penalty_rate.mul_ceil(remaining)),
				params.auction_max_discount,
				holding,
				decimals,
				oracle,
				qd,
			);
			// A lot below the asset's minimum balance could not be kept apart from the other
			// lots (a take of the last lot would sweep it away as dust): seize that minimum
			// (the proceeds beyond the debt go back to the account) if the holding has it; a
			// holding below it cannot be seized.
			let min_balance = T::Assets::minimum_balance(asset);
			lot = lot.max(min_balance).min(holding);
			if lot < min_balance {
				Self::skipped(
					who,
					sub,
					asset,
					SkipReason::SeizeFailed(TokenError::BelowMinimum.into()),
				);
				continue;
			}
			// The caps: seize only what fits; the account waits in the queue for the rest.
			let room = params.max_auction_value.saturating_sub(TotalAuctionValue::<T>::get()).min(
				params.max_auction_value_per_asset.saturating_sub(AuctionValue::<T>::get(asset)),
			);
			let lot_value =
				quote_value(lot, decimals, oracle, qd, Rounding::Up).unwrap_or(Balance::MAX);
			if lot_value > room {
				lot = amount_for_value(room, decimals, oracle, qd, Rounding::Down)
					.unwrap_or(0)
					.min(lot);
				Self::enqueue(who, sub, announce);
				out.waiting = true;
			}
			// A lot the room cuts below the minimum balance waits for room like the rest.
			if lot < min_balance || lot == 0 {
				continue;
			}
			let covered = quote_value(lot, decimals, oracle, qd, Rounding::Down).unwrap_or(0);
			// The part of the lot's value that repays debt, the rest its penalty.
			let repays = rules::debt_part(covered, penalty_rate).min(remaining);
			let penalty = penalty_rate.mul_ceil(repays);
			if let Err(error) = with_storage_layer(|| -> DispatchResult {
				T::Margin::seize(who, sub, asset, lot, &Self::account_id())?;
				Self::charge_penalty(who, sub, market, penalty).map(|_| ())
			}) {
				Self::skipped(who, sub, asset, SkipReason::SeizeFailed(error));
				continue;
			}
			if penalty > 0 {
				Self::deposit_event(Event::CollateralPenaltyCharged {
					who: who.clone(),
					sub,
					asset,
					penalty,
				});
			}
			AuctionValue::<T>::mutate(asset, |v| *v = v.saturating_add(covered));
			TotalAuctionValue::<T>::mutate(|v| *v = v.saturating_add(covered));
			LiveAuctionValue::<T>::mutate((who, sub), |v| *v = v.saturating_add(covered));
			remaining = remaining.saturating_sub(repays);
			let (premium, decay) = rules::adaptive_curve(
				T::Collateral::volatility(asset),
				params.auction_base_premium,
				params.auction_base_decay,
				params.auction_max_premium,
			);
			let start_price = rules::start_price(oracle, premium);
			let id = NextAuctionId::<T>::get();
			NextAuctionId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
			Auctions::<T>::insert(
				id,
				Auction {
					who: who.clone(),
					sub,
					asset,
					lot,
					start_price,
					started: frame_system::Pallet::<T>::block_number(),
					decay,
					value: covered,
					paused_at_start: Self::pause_clock(asset),
					paid_restarts: 0,
				},
			);
			LiveAuctions::<T>::mutate((who, sub), |n| *n = n.saturating_add(1));
			Self::deposit_event(Event::AuctionStarted {
				id,
				who: who.clone(),
				sub,
				asset,
				lot,
				start_price,
			});
			out.started = true;
		}
		Ok(out)
	}

	fn skipped(who: &T::AccountId, sub: SubAccount, asset: AssetId, reason: SkipReason) {
		Self::deposit_event(Event::SeizureSkipped { who: who.clone(), sub, asset, reason });
	}

	/// Put `(who, sub)` at the back of the seizure queue (once); `announce`: emit
	/// [`Event::SeizureQueued`] (not when the queue puts back an account it served).
	pub(crate) fn enqueue(who: &T::AccountId, sub: SubAccount, announce: bool) {
		let key = (who.clone(), sub);
		if Queued::<T>::contains_key(&key) {
			return;
		}
		let (head, tail) = QueueBounds::<T>::get();
		SeizureQueue::<T>::insert(tail, &key);
		Queued::<T>::insert(&key, ());
		QueueBounds::<T>::put((head, tail.saturating_add(1)));
		if announce {
			Self::deposit_event(Event::SeizureQueued { who: who.clone(), sub });
		}
	}

	/// Current price and floor of an auction, and whether it must be restarted; `None` while
	/// the auction is paused (no usable price). Its age counts only blocks that ended with a
	/// usable price, so a pause never erodes it towards the floor.
	pub fn auction_price(
		a: &Auction<T::AccountId, BlockNumberFor<T>>,
	) -> Option<(Price, Price, bool)> {
		Self::auction_price_with(a, &Params::<T>::get())
	}

	/// [`Self::auction_price`] under `params` (read once by the caller).
	fn auction_price_with(
		a: &Auction<T::AccountId, BlockNumberFor<T>>,
		params: &LiquidationParams,
	) -> Option<(Price, Price, bool)> {
		let (oracle, _) = Self::collateral_price(a.asset)?;
		let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		let then: u64 = a.started.unique_saturated_into();
		let paused = Self::pause_clock(a.asset).saturating_sub(a.paused_at_start);
		let age =
			u32::try_from(now.saturating_sub(then)).unwrap_or(u32::MAX).saturating_sub(paused);
		let price = rules::decayed_price(a.start_price, a.decay, age);
		let floor = rules::floor_price(oracle, params.auction_max_discount);
		Some((price, floor, rules::needs_reset(price, floor, age, params.auction_max_age)))
	}

	/// Take from an auction; see [`Pallet::take`]. The take never depends on the liquidated
	/// account: if crediting it fails (it no longer exists, or refuses the credit), the
	/// proceeds go to the global insurance fund ([`Event::ProceedsToInsurance`]).
	pub fn do_take(
		bidder: &T::AccountId,
		id: AuctionId,
		amount: Balance,
		max_price: Price,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut a = Auctions::<T>::get(id).ok_or(Error::<T>::UnknownAuction)?;
		let (price, _floor, reset) = Self::auction_price(&a).ok_or(Error::<T>::AuctionPaused)?;
		ensure!(!reset, Error::<T>::AuctionNeedsReset);
		ensure!(price <= max_price, Error::<T>::PriceAboveMax);
		let (_, decimals) = Self::collateral_price(a.asset).ok_or(Error::<T>::AuctionPaused)?;
		let min_balance = T::Assets::minimum_balance(a.asset);
		let amount =
			rules::take_amount(amount, a.lot, min_balance).ok_or(Error::<T>::TakeLeavesDust)?;
		let released = rules::pro_rata(a.value, amount, a.lot);
		// The pallet's holding of the asset may close only when no other lot of it is left:
		// every live lot is at least the minimum balance, so a holding below it after this take
		// is unowned dust (sent to the account by someone), which goes to the bidder with the
		// lot rather than vanish with the closed account. Otherwise the transfer keeps the
		// holding alive, and fails rather than sweep another lot away.
		let holding = T::Assets::balance(a.asset, &Self::account_id());
		let others_left = AuctionValue::<T>::get(a.asset).saturating_sub(released) > 0;
		let (moved, keep) = if holding.saturating_sub(amount) < min_balance && !others_left {
			(holding.max(amount), Preservation::Expendable)
		} else {
			(amount, Preservation::Preserve)
		};
		// The bidder pays the price rounded up, and at least one unit.
		let paid = quote_value(amount, decimals, price, T::QuoteDecimals::get(), Rounding::Up)
			.ok_or(Error::<T>::Overflow)?
			.max(1);
		let credit = SignedBalance::try_from(paid).map_err(|_| Error::<T>::Overflow)?;
		T::Margin::pool_deposit(bidder, paid)?;
		if let Err(error) = with_storage_layer(|| T::Margin::settle(&a.who, a.sub, credit)) {
			GlobalInsurance::<T>::mutate(|f| *f = f.saturating_add(paid));
			Self::deposit_event(Event::ProceedsToInsurance {
				id,
				who: a.who.clone(),
				sub: a.sub,
				amount: paid,
				error,
			});
		}
		T::Assets::transfer(a.asset, &Self::account_id(), bidder, moved, keep)?;
		a.value = a.value.saturating_sub(released);
		AuctionValue::<T>::mutate(a.asset, |v| *v = v.saturating_sub(released));
		TotalAuctionValue::<T>::mutate(|v| *v = v.saturating_sub(released));
		LiveAuctionValue::<T>::mutate_exists((&a.who, a.sub), |v| {
			*v = v.map(|v| v.saturating_sub(released)).filter(|v| *v > 0)
		});
		a.lot = a.lot.saturating_sub(amount);
		Self::deposit_event(Event::AuctionTaken {
			id,
			bidder: bidder.clone(),
			amount,
			price,
			paid,
		});
		if a.lot == 0 {
			Auctions::<T>::remove(id);
			LiveAuctions::<T>::mutate((&a.who, a.sub), |n| *n = n.saturating_sub(1));
			Self::deposit_event(Event::AuctionEnded { id });
			// The account's remaining debt, if nothing else is left, goes down the waterfall
			// (its own storage layer: the take stands whatever happens there).
			let _ = Self::liquidate(&a.who, a.sub);
		} else {
			Auctions::<T>::insert(id, a);
		}
		Ok(())
	}

	/// Restart a stale auction; see [`Pallet::restart`].
	pub fn do_restart(keeper: &T::AccountId, id: AuctionId) -> DispatchResult {
		let mut a = Auctions::<T>::get(id).ok_or(Error::<T>::UnknownAuction)?;
		let params = Params::<T>::get();
		let (_, _, reset) =
			Self::auction_price_with(&a, &params).ok_or(Error::<T>::AuctionPaused)?;
		ensure!(reset, Error::<T>::AuctionNotStale);
		let (oracle, decimals) =
			Self::collateral_price(a.asset).ok_or(Error::<T>::AuctionPaused)?;
		let (premium, decay) = rules::adaptive_curve(
			T::Collateral::volatility(a.asset),
			params.auction_base_premium,
			params.auction_base_decay,
			params.auction_max_premium,
		);
		a.start_price = rules::start_price(oracle, premium);
		a.decay = decay;
		a.started = frame_system::Pallet::<T>::block_number();
		a.paused_at_start = Self::pause_clock(a.asset);
		// The reward scales with what is left to sell, and only the first restarts are paid:
		// restarting a dust lot forever earns dust, a few times.
		let fund = GlobalInsurance::<T>::get();
		let reward = if a.paid_restarts < params.max_paid_restarts {
			let value = quote_value(
				a.lot,
				decimals,
				a.start_price,
				T::QuoteDecimals::get(),
				Rounding::Down,
			)
			.unwrap_or(0);
			params.keeper_reward_share.mul_floor(value).min(params.keeper_reward).min(fund)
		} else {
			0
		};
		if reward > 0 {
			T::Margin::pool_withdraw(keeper, reward)?;
			GlobalInsurance::<T>::put(fund.saturating_sub(reward));
			a.paid_restarts = a.paid_restarts.saturating_add(1);
		}
		Self::deposit_event(Event::AuctionRestarted {
			id,
			keeper: keeper.clone(),
			start_price: a.start_price,
			reward,
		});
		Auctions::<T>::insert(id, a);
		Ok(())
	}

	/// Live auctions with their current price and floor, for `LiquidationApi`.
	pub fn auction_reports() -> Vec<AuctionReport<T::AccountId>> {
		let params = Params::<T>::get();
		Auctions::<T>::iter()
			.map(|(id, a)| {
				let priced = Self::auction_price_with(&a, &params);
				AuctionReport {
					id,
					who: a.who,
					sub: a.sub,
					asset: a.asset,
					lot: a.lot,
					price: priced.map(|(p, _, _)| p),
					floor: priced.map(|(_, f, _)| f),
					needs_reset: priced.is_none_or(|(_, _, r)| r),
				}
			})
			.collect()
	}
}

/// Collateral seized into auctions is still held for users (their lots until sold): its asset
/// must not be redefined (oracle key, decimals) while any lot is live.
impl<T: Config> CollateralHoldings for Pallet<T> {
	fn total_held(asset: AssetId) -> Balance {
		T::Assets::balance(asset, &Self::account_id())
	}
}
