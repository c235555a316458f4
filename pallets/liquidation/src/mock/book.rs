//! The book: margin accounts and positions kept in storage (so storage layers roll them back),
//! behind the `MarginSide` and `Derivatives` interfaces the engine sees.

use super::*;

/// A margin account of the mock engine.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct MockAccount {
	/// Quote balance (negative: debt).
	pub quote: SignedBalance,
	/// Collateral held, by asset (held in `pallet_assets` by [`CUSTODY`]).
	pub collateral: BTreeMap<AssetId, Balance>,
	/// The market an isolated account is bound to.
	pub market: Option<MarketId>,
}

/// A perpetual position of the mock product.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct MockPosition {
	/// Size in base smallest units: positive long, negative short.
	pub quantity: i128,
	/// What `|quantity|` cost at entry.
	pub entry_notional: Balance,
}

#[frame_support::storage_alias]
pub type Book = StorageMap<MockMarginBook, Twox64Concat, (u64, SubAccount), MockAccount>;

#[frame_support::storage_alias]
pub type Positions = StorageDoubleMap<
	MockPerpsBook,
	Twox64Concat,
	(u64, SubAccount),
	Twox64Concat,
	MarketId,
	MockPosition,
>;

/// The perpetuals' counterparty: what traders' realized PnL was paid from (quote, signed).
#[frame_support::storage_alias]
pub type Vault =
	StorageValue<MockPerpsBook, SignedBalance, frame_support::pallet_prelude::ValueQuery>;

/// The vault as the loss bearer: written-off debt comes out of its cash at once.
pub struct MockVault;

impl LossBearer for MockVault {
	fn bear_loss(_market: Option<MarketId>, amount: Balance) -> DispatchResult {
		if fails(&FAIL_BEAR_LOSS, 0) {
			return Err(bear_loss_failed());
		}
		Vault::mutate(|v| *v -= amount as SignedBalance);
		Ok(())
	}
}

/// The mock margin engine.
pub struct MockMargin;

impl MockMargin {
	fn transfer(asset: AssetId, from: &u64, to: &u64, amount: Balance) -> DispatchResult {
		<Assets as Mutate<u64>>::transfer(asset, from, to, amount, Preservation::Expendable)
			.map(|_| ())
	}
}

impl MarginLedger<u64> for MockMargin {
	fn ensure_can_trade(who: &u64, sub: SubAccount, market: MarketId) -> DispatchResult {
		let a = Book::get((who, sub)).ok_or(DispatchError::Other("mock: no account"))?;
		if a.market.is_none_or(|m| m == market) {
			Ok(())
		} else {
			Err(DispatchError::Other("mock: wrong market"))
		}
	}

	fn settle(who: &u64, sub: SubAccount, delta: SignedBalance) -> DispatchResult {
		let fail = FAIL_SETTLE.with(|f| match f.borrow_mut().get_mut(who) {
			Some(0) => true,
			Some(n) => {
				*n -= 1;
				false
			},
			None => false,
		});
		if fail {
			return Err(settle_failed());
		}
		Book::try_mutate((who, sub), |a| {
			let a = a.as_mut().ok_or(DispatchError::Other("mock: no account"))?;
			a.quote = a.quote.checked_add(delta).ok_or(DispatchError::Other("mock: overflow"))?;
			Ok(())
		})
	}

	fn ensure_initial_margin(_who: &u64, _sub: SubAccount) -> DispatchResult {
		Ok(())
	}

	fn pool_deposit(who: &u64, amount: Balance) -> DispatchResult {
		Self::transfer(USDC, who, &CUSTODY, amount)
	}

	fn pool_withdraw(who: &u64, amount: Balance) -> DispatchResult {
		Self::transfer(USDC, &CUSTODY, who, amount)
	}
}

impl MarginSide<u64> for MockMargin {
	fn snapshot(who: &u64, sub: SubAccount) -> Option<AccountSnapshot> {
		let account = Book::get((who, sub))?;
		let lines: Vec<CollateralLine> = account
			.collateral
			.iter()
			.filter_map(|(&asset, &amount)| {
				let terms = MockCollateral::terms(asset, amount)?;
				let value = MockPrices::price(terms.oracle_key)
					.and_then(|p| {
						units::quote_value(
							amount,
							terms.decimals,
							p.price,
							QUOTE_DECIMALS,
							Rounding::Down,
						)
					})
					.unwrap_or(0);
				Some(CollateralLine {
					value,
					haircut: terms.haircut,
					maintenance_weight: terms.maintenance_weight,
				})
			})
			.collect();
		let mut exposure = MockPerps::exposure(who, sub, PriceMode::Conservative).ok()?;
		let mut sensitivity = 0;
		// A cross account under the grid: the worst loss of its legs together.
		if let (None, Some(grid)) = (account.market, MockGrid::get()) {
			let legs = MockPerps::legs(who, sub).ok()?;
			let legs: Vec<_> = legs.into_iter().map(|(_, l)| l).collect();
			let e = portfolio::evaluate(&grid, &legs, QUOTE_DECIMALS);
			exposure.initial_requirement = e.initial;
			exposure.maintenance_requirement = e.maintenance;
			sensitivity = e.price_sensitivity;
		}
		let v = margin::valuation(&lines, account.quote, &exposure.requirements(), Permill::zero());
		Some(AccountSnapshot {
			market: account.market,
			maintenance_equity: v.maintenance_equity,
			equity_without_pnl: v.equity_without_pnl(),
			maintenance_requirement: v.maintenance_requirement,
			notional: exposure.notional,
			requirement_sensitivity: sensitivity,
			collateral_value: v.collateral_value,
			positions: exposure.positions,
			quote: account.quote,
			collateral: account.collateral.into_iter().collect(),
		})
	}

	fn balances(who: &u64, sub: SubAccount) -> Option<(SignedBalance, Vec<(AssetId, Balance)>)> {
		Book::get((who, sub)).map(|a| (a.quote, a.collateral.into_iter().collect()))
	}

	fn accounts_after(after: Option<(u64, SubAccount)>, limit: u32) -> Vec<(u64, SubAccount)> {
		let n = usize::try_from(limit).unwrap_or(usize::MAX);
		match after {
			Some(key) => Book::iter_keys_from(Book::hashed_key_for(key)).take(n).collect(),
			None => Book::iter_keys().take(n).collect(),
		}
	}

	fn seize(
		who: &u64,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
		to: &u64,
	) -> DispatchResult {
		Book::try_mutate((who, sub), |a| {
			let a = a.as_mut().ok_or(DispatchError::Other("mock: no account"))?;
			let held = a.collateral.get(&asset).copied().unwrap_or(0);
			let left = held.checked_sub(amount).ok_or(DispatchError::Other("mock: not enough"))?;
			if left == 0 {
				a.collateral.remove(&asset);
			} else {
				a.collateral.insert(asset, left);
			}
			Ok::<_, DispatchError>(())
		})?;
		Self::transfer(asset, &CUSTODY, to, amount)
	}
}

/// The mock perpetuals.
pub struct MockPerps;

impl MockPerps {
	fn mark(market: MarketId, pos: &MockPosition) -> Result<perp::Mark, PriceError> {
		let bd = base_decimals(market).ok_or(PriceError::Missing)?;
		let price = market_price(market).ok_or(PriceError::Missing)?;
		Ok(perp::mark(pos.quantity, pos.entry_notional, bd, price, QUOTE_DECIMALS))
	}

	/// Fill `delta` of `(who, sub)`'s position in `market` at the mark price: realized PnL
	/// moves between the vault and the quote balance. Returns the fill.
	pub fn fill(
		who: u64,
		sub: SubAccount,
		market: MarketId,
		delta: i128,
	) -> Result<perp::Fill, DispatchError> {
		let bd = base_decimals(market).ok_or(DispatchError::Other("mock: no market"))?;
		let price = market_price(market).ok_or(DispatchError::Other("mock: no price"))?;
		let pos = Positions::get((who, sub), market).unwrap_or_default();
		let fill =
			perp::apply_fill(pos.quantity, pos.entry_notional, delta, price, bd, QUOTE_DECIMALS)
				.ok_or(DispatchError::Other("mock: fill overflow"))?;
		MockMargin::settle(&who, sub, fill.realized_pnl)?;
		Vault::mutate(|v| *v -= fill.realized_pnl);
		if fill.quantity == 0 {
			Positions::remove((who, sub), market);
		} else {
			Positions::insert(
				(who, sub),
				market,
				MockPosition { quantity: fill.quantity, entry_notional: fill.entry_notional },
			);
		}
		Ok(fill)
	}

	/// The positions of `(who, sub)` as the grid sees them, by market.
	pub fn legs(
		who: &u64,
		sub: SubAccount,
	) -> Result<Vec<(MarketId, ballast_primitives::traits::RiskLeg)>, PriceError> {
		Positions::iter_prefix((who, sub))
			.map(|(market, pos)| {
				Ok((
					market,
					ballast_primitives::traits::RiskLeg {
						underlying: underlying_of(market),
						spot: market_price(market).ok_or(PriceError::Missing)?,
						quantity: pos.quantity,
						base_decimals: base_decimals(market).ok_or(PriceError::Missing)?,
						instrument: portfolio::Instrument::Perp,
						min_shock: Permill::zero(),
					},
				))
			})
			.collect()
	}

	fn close_part(
		who: u64,
		sub: SubAccount,
		market: MarketId,
		pos: MockPosition,
		fraction: Permill,
	) -> Result<perp::Fill, DispatchError> {
		let size = perp::fraction_of_size(pos.quantity, fraction);
		if size == 0 {
			return Ok(Default::default());
		}
		Self::fill(who, sub, market, perp::reducing_delta(pos.quantity, size))
	}
}

impl Derivatives<u64> for MockPerps {
	fn exposure(who: &u64, sub: SubAccount, _mode: PriceMode) -> Result<Exposure, PriceError> {
		let mut e = Exposure::default();
		for (market, pos) in Positions::iter_prefix((who, sub)) {
			let mark = Self::mark(market, &pos)?;
			let funding = perp::funding_owed(
				pos.quantity,
				base_decimals(market).unwrap_or(0),
				Default::default(),
				funding_of(market),
			);
			e = e.combine(&Exposure {
				unrealized_pnl: mark.pnl - funding,
				initial_requirement: INITIAL_MARGIN.mul_ceil(mark.notional),
				maintenance_requirement: MAINTENANCE_MARGIN.mul_ceil(mark.notional),
				positions: 1,
				notional: mark.notional,
			});
		}
		Ok(e)
	}

	/// This mock's margin side applies the linear rule: the grid never asks.
	fn risk_legs(
		_who: &u64,
		_sub: SubAccount,
		_mode: PriceMode,
	) -> Result<Vec<ballast_primitives::traits::RiskLeg>, PriceError> {
		Ok(Vec::new())
	}

	fn market_exists(market: MarketId) -> bool {
		base_decimals(market).is_some()
	}

	fn positions(who: &u64, sub: SubAccount) -> Vec<PositionView> {
		Positions::iter_prefix((who, sub))
			.map(|(market, pos)| PositionView {
				market,
				quantity: pos.quantity,
				entry_notional: pos.entry_notional,
				entry_price: base_decimals(market)
					.and_then(|bd| {
						perp::entry_price(pos.entry_notional, pos.quantity, bd, QUOTE_DECIMALS)
					})
					.unwrap_or_default(),
			})
			.collect()
	}

	fn mark_price(market: MarketId) -> Option<Price> {
		base_decimals(market)?;
		market_price(market)
	}

	/// The index [`set_funding`] set (zero by default).
	fn funding_index(market: MarketId) -> Option<polkadot_sdk::sp_arithmetic::FixedI128> {
		Self::mark_price(market).map(|_| funding_of(market))
	}

	fn liquidation_price(
		who: &u64,
		sub: SubAccount,
		other_equity: SignedBalance,
	) -> Option<(MarketId, bool, Price)> {
		let positions: Vec<_> = Positions::iter_prefix((who, sub)).collect();
		let [(market, pos)] = positions.as_slice() else { return None };
		let price = perp::isolated_liquidation_price(
			pos.quantity,
			base_decimals(*market)?,
			pos.entry_notional,
			other_equity,
			MAINTENANCE_MARGIN,
			QUOTE_DECIMALS,
		)?;
		Some((*market, pos.quantity > 0, price))
	}

	fn position_pnl(
		who: &u64,
		sub: SubAccount,
		market: MarketId,
	) -> Option<(SignedBalance, Balance)> {
		let pos = Positions::get((who, sub), market)?;
		Some((Self::mark(market, &pos).ok()?.pnl, pos.entry_notional))
	}

	fn close_fraction(
		who: &u64,
		sub: SubAccount,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		let mut closed: Balance = 0;
		for (market, pos) in Positions::iter_prefix((who, sub)).collect::<Vec<_>>() {
			closed += Self::close_part(*who, sub, market, pos, fraction)?.exit_notional;
		}
		if fails(&FAIL_CLOSE, *who) {
			return Err(close_failed());
		}
		Ok(closed)
	}

	fn market_legs(
		who: &u64,
		sub: SubAccount,
		_mode: PriceMode,
	) -> Result<Option<Vec<(MarketId, ballast_primitives::traits::RiskLeg)>>, PriceError> {
		Self::legs(who, sub).map(Some)
	}

	fn close_position(
		who: &u64,
		sub: SubAccount,
		market: MarketId,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		let Some(pos) = Positions::get((who, sub), market) else { return Ok(0) };
		let closed = Self::close_part(*who, sub, market, pos, fraction)?.exit_notional;
		if fails(&FAIL_CLOSE, *who) {
			return Err(close_failed());
		}
		Ok(closed)
	}

	fn deleverage(
		who: &u64,
		sub: SubAccount,
		market: MarketId,
		fraction: Permill,
	) -> Result<SignedBalance, DispatchError> {
		let pos =
			Positions::get((who, sub), market).ok_or(DispatchError::Other("mock: no position"))?;
		let realized = Self::close_part(*who, sub, market, pos, fraction)?.realized_pnl;
		if fails(&FAIL_DELEVERAGE, *who) {
			return Err(deleverage_failed());
		}
		Ok(realized)
	}
}
