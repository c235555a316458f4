//! The mock's margin ledger: accounts, quote balances, custody and an initial-margin test, in
//! the externalities so that a failed call rolls it back with the pallet's own storage.

use super::*;

/// The mock ledger's storage. It lives in the externalities (not in thread-locals) so that a
/// call that fails after settling is rolled back together with the pallet's own writes, and
/// `assert_noop!` sees any change to it.
pub mod ledger {
	use super::*;
	use polkadot_sdk::frame_support::{pallet_prelude::ValueQuery, Blake2_128Concat};

	/// Margin accounts that exist, with the market an isolated one is bound to.
	#[frame_support::storage_alias]
	pub type Accounts =
		StorageMap<MockLedger, Blake2_128Concat, (AccountId, SubAccount), Option<MarketId>>;

	/// Quote balances of margin accounts (negative: debt).
	#[frame_support::storage_alias]
	pub type Quote = StorageMap<
		MockLedger,
		Blake2_128Concat,
		(AccountId, SubAccount),
		SignedBalance,
		ValueQuery,
	>;

	/// Quote held in wallets.
	#[frame_support::storage_alias]
	pub type Wallet = StorageMap<MockLedger, Blake2_128Concat, AccountId, Balance, ValueQuery>;

	/// Quote held by the custody account: backs every quote balance and every pool.
	#[frame_support::storage_alias]
	pub type Custody = StorageValue<MockLedger, SignedBalance, ValueQuery>;

	/// How many collateral assets each margin account holds (the mock values none of them).
	#[frame_support::storage_alias]
	pub type CollateralAssets =
		StorageMap<MockLedger, Blake2_128Concat, (AccountId, SubAccount), u32, ValueQuery>;
}

/// The error of a missing margin account.
pub const UNKNOWN_ACCOUNT: DispatchError = DispatchError::Other("UnknownAccount");
/// The error of an isolated account trading a market it is not bound to.
pub const WRONG_MARKET: DispatchError = DispatchError::Other("WrongMarket");
/// The error of an account below its initial margin.
pub const INSUFFICIENT_MARGIN: DispatchError = DispatchError::Other("InsufficientMargin");

/// A margin engine in miniature: accounts (cross or bound to one market), quote balances, a
/// custody account, and an initial-margin test `quote + unrealized PnL ≥ initial requirement`
/// at fresh prices (or a forced failure set by the test).
pub struct MockLedger;

impl MockLedger {
	/// Open `(who, sub)`, bound to `market` if given (an isolated account).
	pub fn open(who: AccountId, sub: SubAccount, market: Option<MarketId>) {
		ledger::Accounts::insert((who, sub), market);
	}

	/// Deposit `amount` of quote into `(who, sub)` (opening it as a cross account if needed).
	pub fn deposit(who: AccountId, sub: SubAccount, amount: Balance) {
		if !ledger::Accounts::contains_key((who, sub)) {
			Self::open(who, sub, None);
		}
		let amount = SignedBalance::try_from(amount).unwrap();
		ledger::Quote::mutate((who, sub), |q| *q += amount);
		ledger::Custody::mutate(|c| *c += amount);
	}

	/// Put `amount` of quote in `who`'s wallet.
	pub fn fund_wallet(who: AccountId, amount: Balance) {
		ledger::Wallet::mutate(who, |w| *w += amount);
	}

	/// The quote balance of `(who, sub)`.
	pub fn quote(who: AccountId, sub: SubAccount) -> SignedBalance {
		ledger::Quote::get((who, sub))
	}

	/// The quote in `who`'s wallet.
	pub fn wallet(who: AccountId) -> Balance {
		ledger::Wallet::get(who)
	}

	/// Σ quote balances of all margin accounts.
	pub fn total_quote() -> SignedBalance {
		ledger::Quote::iter_values().sum()
	}

	/// The quote the custody account holds.
	pub fn custody() -> SignedBalance {
		ledger::Custody::get()
	}

	/// `(who, sub)` holds `n` collateral assets (for its class; the mock values none of them).
	pub fn set_collateral_assets(who: AccountId, sub: SubAccount, n: u32) {
		ledger::CollateralAssets::insert((who, sub), n);
	}

	/// From now on `ensure_initial_margin` fails for `(who, sub)` with `error`.
	pub fn fail_margin(who: AccountId, sub: SubAccount, error: DispatchError) {
		MARGIN_FAILS.with(|f| f.borrow_mut().insert((who, sub), error));
	}

	/// Custody backs exactly the quote balances and the pools (the vault and the fee pot).
	pub fn check_custody() -> Result<(), &'static str> {
		if Self::custody() == Self::total_quote() + Perpetuals::pooled_quote() {
			Ok(())
		} else {
			Err("custody != Σ quote balances + vault + fees")
		}
	}
}

impl MarginLedger<AccountId> for MockLedger {
	fn ensure_can_trade(who: &AccountId, sub: SubAccount, market: MarketId) -> DispatchResult {
		match ledger::Accounts::get((*who, sub)) {
			None => Err(UNKNOWN_ACCOUNT),
			Some(Some(bound)) if bound != market => Err(WRONG_MARKET),
			Some(_) => Ok(()),
		}
	}

	fn settle(who: &AccountId, sub: SubAccount, delta: SignedBalance) -> DispatchResult {
		if !ledger::Accounts::contains_key((*who, sub)) {
			return Err(UNKNOWN_ACCOUNT);
		}
		ledger::Quote::try_mutate((*who, sub), |q| -> DispatchResult {
			*q = q.checked_add(delta).ok_or(DispatchError::Arithmetic(
				polkadot_sdk::sp_runtime::ArithmeticError::Overflow,
			))?;
			Ok(())
		})
	}

	fn ensure_initial_margin(who: &AccountId, sub: SubAccount) -> DispatchResult {
		if let Some(e) = MARGIN_FAILS.with(|f| f.borrow().get(&(*who, sub)).copied()) {
			return Err(e);
		}
		if !ledger::Accounts::contains_key((*who, sub)) {
			return Err(UNKNOWN_ACCOUNT);
		}
		let e = <Perpetuals as Derivatives<AccountId>>::exposure(who, sub, PriceMode::Fresh)
			.map_err(crate::Error::<Test>::from)?;
		let equity = Self::quote(*who, sub) + e.unrealized_pnl;
		if equity >= SignedBalance::try_from(e.initial_requirement).unwrap() {
			Ok(())
		} else {
			Err(INSUFFICIENT_MARGIN)
		}
	}

	fn pool_deposit(who: &AccountId, amount: Balance) -> DispatchResult {
		ledger::Wallet::try_mutate(who, |w| -> DispatchResult {
			*w = w.checked_sub(amount).ok_or(TokenError::FundsUnavailable)?;
			Ok(())
		})?;
		ledger::Custody::mutate(|c| *c += SignedBalance::try_from(amount).unwrap());
		Ok(())
	}

	fn pool_withdraw(who: &AccountId, amount: Balance) -> DispatchResult {
		let amount_signed = SignedBalance::try_from(amount).unwrap();
		ledger::Custody::try_mutate(|c| -> DispatchResult {
			if *c < amount_signed {
				return Err(TokenError::FundsUnavailable.into());
			}
			*c -= amount_signed;
			Ok(())
		})?;
		ledger::Wallet::mutate(who, |w| *w += amount);
		Ok(())
	}
}

/// An account's class: its positions in the pallet, and the collateral assets the test gave it.
impl crate::AccountClass<AccountId> for MockLedger {
	fn class(who: &AccountId, sub: SubAccount) -> (u32, u32) {
		let positions = crate::Positions::<Test>::iter_key_prefix((*who, sub)).count() as u32;
		(positions, ledger::CollateralAssets::get((*who, sub)))
	}
}
