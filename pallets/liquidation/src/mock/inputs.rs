//! External inputs of the mock: prices, volatility, failure knobs, and the price and
//! collateral stand-ins.

use super::*;

// ----- external inputs: prices, volatility, failure knobs -----

thread_local! {
	/// Funding index of each market (positions are opened at zero).
	pub(super) static FUNDING: RefCell<BTreeMap<MarketId, polkadot_sdk::sp_arithmetic::FixedI128>> = const { RefCell::new(BTreeMap::new()) };
	/// Percentage points taken off an asset's maintenance weight (its volatility band rose).
	pub(super) static WEIGHT_CUT: RefCell<BTreeMap<AssetId, u32>> = const { RefCell::new(BTreeMap::new()) };
	/// Oracle prices of collateral, by oracle key.
	pub(super) static ORACLE: RefCell<BTreeMap<OracleKey, Price>> = const { RefCell::new(BTreeMap::new()) };
	/// Mark price of each market.
	pub(super) static MARKS: RefCell<BTreeMap<MarketId, Price>> = const { RefCell::new(BTreeMap::new()) };
	/// Liquidation penalty of collateral assets (none unless a test sets one).
	pub(super) static COLLATERAL_PENALTY: RefCell<BTreeMap<AssetId, Permill>> = const { RefCell::new(BTreeMap::new()) };
	/// Volatility of collateral assets.
	pub(super) static VOLATILITY: RefCell<BTreeMap<AssetId, Permill>> = const { RefCell::new(BTreeMap::new()) };
	/// The price guard's pause clock per oracle key.
	pub(super) static INVALID_BLOCKS: RefCell<BTreeMap<OracleKey, u32>> = const { RefCell::new(BTreeMap::new()) };
	/// Accounts whose `close_fraction` fails (after closing: the storage layer must undo it).
	pub(super) static FAIL_CLOSE: RefCell<BTreeSet<u64>> = const { RefCell::new(BTreeSet::new()) };
	/// Accounts whose `deleverage` fails (after closing).
	pub(super) static FAIL_DELEVERAGE: RefCell<BTreeSet<u64>> = const { RefCell::new(BTreeSet::new()) };
	/// `bear_loss` fails (the set holds 0).
	pub(super) static FAIL_BEAR_LOSS: RefCell<BTreeSet<u64>> = const { RefCell::new(BTreeSet::new()) };
	/// Accounts whose `settle` fails, after how many more successful calls.
	pub(super) static FAIL_SETTLE: RefCell<BTreeMap<u64, u32>> = const { RefCell::new(BTreeMap::new()) };
	/// Cross accounts are margined by [`MOCK_GRID`] (off by default: linear requirements).
	pub(super) static GRID_ON: RefCell<bool> = const { RefCell::new(false) };
}

const MOCK_SHOCKS: [SpotShock; 9] = [
	SpotShock::from_percent(0),
	SpotShock::from_percent(3),
	SpotShock::from_percent(-3),
	SpotShock::from_percent(6),
	SpotShock::from_percent(-6),
	SpotShock::from_percent(10),
	SpotShock::from_percent(-10),
	SpotShock::from_percent(16),
	SpotShock::from_percent(-16),
];
const MOCK_VOLS: [polkadot_sdk::sp_arithmetic::FixedU128; 1] =
	[polkadot_sdk::sp_arithmetic::FixedU128::from_inner(1_000_000_000_000_000_000)];
const MOCK_SETS: [Correlation; 2] = [Correlation::Together, Correlation::Alone];

/// The portfolio grid of the mock's cross accounts once [`use_grid`] is called: spot ±3, ±6,
/// ±10, ±16 %, all underlyings together and each alone, a 1 % perpetual floor, maintenance
/// 80 % of the worst loss (the runtime's, without volatility shocks: the mock has no options).
pub const MOCK_GRID: Grid<'static> = Grid {
	spot_shocks: &MOCK_SHOCKS,
	vol_shocks: &MOCK_VOLS,
	sets: &MOCK_SETS,
	floor: Floor { perp: Permill::from_percent(1), short_option: Permill::from_percent(5) },
	maintenance: Permill::from_percent(80),
};

/// From now on, cross accounts are margined by [`MOCK_GRID`] and liquidated leg by leg.
pub fn use_grid() {
	GRID_ON.with(|g| *g.borrow_mut() = true);
}

/// The grid in force ([`use_grid`]), if any.
pub struct MockGrid;

impl Get<Option<Grid<'static>>> for MockGrid {
	fn get() -> Option<Grid<'static>> {
		GRID_ON.with(|g| *g.borrow()).then_some(MOCK_GRID)
	}
}

/// The underlying a market's price is: market 2 is a second BTC market (BTC priced in its own
/// units), so a position there hedges one in [`BTC_PERP`].
pub fn underlying_of(market: MarketId) -> u32 {
	match market {
		2 => BTC_PERP,
		m => m,
	}
}

/// The oracle now reports `price` (whole USDC) for collateral `asset`.
pub fn set_oracle(asset: AssetId, price: u32) {
	set_oracle_exact(asset, Price::from_u32(price));
}

/// The oracle now reports `price` for collateral `asset`.
pub fn set_oracle_exact(asset: AssetId, price: Price) {
	ORACLE.with(|o| o.borrow_mut().insert(asset, price));
}

/// `n` more blocks ended without a usable price of `key` (the guard's pause clock).
pub fn add_invalid_blocks(key: OracleKey, n: u32) {
	INVALID_BLOCKS.with(|c| *c.borrow_mut().entry(key).or_default() += n);
}

/// The oracle forgets `asset`.
pub fn remove_oracle(asset: AssetId) {
	ORACLE.with(|o| o.borrow_mut().remove(&asset));
}

/// `market`'s mark price is now `price` whole USDC.
pub fn set_price(market: MarketId, price: u32) {
	set_price_exact(market, Price::from_u32(price));
}

/// `market`'s mark price is now `price`.
pub fn set_price_exact(market: MarketId, price: Price) {
	MARKS.with(|m| m.borrow_mut().insert(market, price));
}

/// `market` has no price.
pub fn remove_price(market: MarketId) {
	MARKS.with(|m| m.borrow_mut().remove(&market));
}

/// `market`'s funding index is now `index` quote smallest units per whole token.
pub fn set_funding(market: MarketId, index: i128) {
	FUNDING.with(|f| {
		f.borrow_mut()
			.insert(market, <polkadot_sdk::sp_arithmetic::FixedI128 as polkadot_sdk::sp_arithmetic::FixedPointNumber>::saturating_from_integer(index))
	});
}

/// `market`'s funding index.
pub fn funding_of(market: MarketId) -> polkadot_sdk::sp_arithmetic::FixedI128 {
	FUNDING.with(|f| f.borrow().get(&market).copied().unwrap_or_default())
}

/// `asset`'s maintenance weight falls by `points` percentage points (its volatility band rose).
pub fn set_weight_cut(asset: AssetId, points: u32) {
	WEIGHT_CUT.with(|w| w.borrow_mut().insert(asset, points));
}

/// `market`'s mark price.
pub fn market_price(market: MarketId) -> Option<Price> {
	MARKS.with(|m| m.borrow().get(&market).copied())
}

/// Volatility of `asset`.
/// The collateral registry charges `penalty` on debt repaid by seizing `asset`.
pub fn set_collateral_penalty(asset: AssetId, penalty: Permill) {
	COLLATERAL_PENALTY.with(|v| v.borrow_mut().insert(asset, penalty));
}

pub fn set_volatility(asset: AssetId, vol: Permill) {
	VOLATILITY.with(|v| v.borrow_mut().insert(asset, vol));
}

/// `close_fraction` of `who`'s accounts closes, then fails.
pub fn fail_close(who: u64) {
	FAIL_CLOSE.with(|f| f.borrow_mut().insert(who));
}

/// `deleverage` of `who`'s positions closes, then fails.
pub fn fail_deleverage(who: u64) {
	FAIL_DELEVERAGE.with(|f| f.borrow_mut().insert(who));
}

/// `settle` on `who`'s accounts fails.
pub fn fail_settle(who: u64) {
	fail_settle_after(who, 0);
}

/// `settle` on `who`'s accounts succeeds `n` more times, then fails.
pub fn fail_settle_after(who: u64, n: u32) {
	FAIL_SETTLE.with(|f| f.borrow_mut().insert(who, n));
}

/// The loss bearer refuses every loss.
pub fn fail_bear_loss() {
	FAIL_BEAR_LOSS.with(|f| f.borrow_mut().insert(0));
}

/// Every call works again.
pub fn clear_failures() {
	GRID_ON.with(|g| *g.borrow_mut() = false);
	FAIL_BEAR_LOSS.with(|f| f.borrow_mut().clear());
	FAIL_CLOSE.with(|f| f.borrow_mut().clear());
	FAIL_DELEVERAGE.with(|f| f.borrow_mut().clear());
	FAIL_SETTLE.with(|f| f.borrow_mut().clear());
}

/// The mock's own errors: module errors of a pallet index no real pallet has, so that they keep
/// their identity through events (a `DispatchError::Other` loses its text when encoded).
pub fn mock_error(code: u8) -> DispatchError {
	DispatchError::Module(ModuleError { index: 99, error: [code, 0, 0, 0], message: None })
}

/// What a failing `close_fraction` returns.
pub fn close_failed() -> DispatchError {
	mock_error(1)
}

/// What a failing `settle` returns.
pub fn settle_failed() -> DispatchError {
	mock_error(2)
}

/// What a failing `deleverage` returns.
pub fn deleverage_failed() -> DispatchError {
	mock_error(3)
}

/// What a failing `bear_loss` returns.
pub fn bear_loss_failed() -> DispatchError {
	mock_error(4)
}

pub(super) fn fails(set: &'static std::thread::LocalKey<RefCell<BTreeSet<u64>>>, who: u64) -> bool {
	set.with(|f| f.borrow().contains(&who))
}

/// Price guard stand-in: prices from the thread-local table, always fresh; the collateral keys
/// (BTC, ETH) guarded between 1 and 10,000,000, at most a minute old.
pub struct MockPrices;

impl PriceProvider for MockPrices {
	fn price(asset: OracleKey) -> Option<TimestampedPrice> {
		ORACLE
			.with(|o| o.borrow().get(&asset).map(|p| TimestampedPrice { price: *p, timestamp: 0 }))
	}

	fn now() -> Moment {
		0
	}

	fn bounds(key: OracleKey) -> Option<PriceBounds> {
		matches!(key, BTC | ETH).then(|| PriceBounds {
			min_price: Price::from_u32(1),
			max_price: Price::from_u32(10_000_000),
			max_age: 60_000,
			trade_age: 60_000,
			max_jump: polkadot_sdk::sp_arithmetic::Permill::from_percent(50),
		})
	}

	fn invalid_blocks(key: OracleKey) -> u32 {
		INVALID_BLOCKS.with(|c| c.borrow().get(&key).copied().unwrap_or(0))
	}
}

/// Collateral registry stand-in: BTC (8 decimals, 90 % maintenance weight) and ETH (18
/// decimals, 80 %), with no liquidation penalty unless a test sets one.
pub struct MockCollateral;

impl CollateralRisk for MockCollateral {
	fn terms(asset: AssetId, _holding: Balance) -> Option<CollateralTerms> {
		let (decimals, weight) = match asset {
			BTC => (8, 90),
			ETH => (18, 80),
			_ => return None,
		};
		let weight = weight - WEIGHT_CUT.with(|w| w.borrow().get(&asset).copied().unwrap_or(0));
		Some(CollateralTerms {
			status: AssetStatus::Active,
			decimals,
			oracle_key: asset,
			haircut: Permill::from_percent(100 - weight),
			maintenance_weight: Permill::from_percent(weight),
			liquidation_penalty: COLLATERAL_PENALTY
				.with(|v| v.borrow().get(&asset).copied().unwrap_or_default()),
			supply_cap: Balance::MAX,
			account_cap: Balance::MAX,
		})
	}

	fn volatility(asset: AssetId) -> Permill {
		VOLATILITY.with(|v| v.borrow().get(&asset).copied().unwrap_or_default())
	}
}
