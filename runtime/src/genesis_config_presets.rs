//! Genesis presets: the named starting states that chain specs are built from.
//!
//! * `development` (`--dev`): Alice validates and is sudo; the collateral assets BTC, ETH, DOT
//!   and the quote asset USDC exist with metadata and are funded for the well-known dev
//!   accounts; Alice, Bob and Charlie are oracle operators.
//! * `local_testnet` (`--chain local`): Alice, Bob, Charlie and Dave validate and operate the
//!   oracle; Alice is sudo; same assets and funding.
//!
//! Both are development chains: Alice, Bob and Charlie form the risk council, and the referenda
//! tracks run on development periods (`origins.timing: Development`, a referendum completes in
//! about two minutes). The assets are owned, issued, administered and frozen by the keyless
//! governance account ([`governance_account`]), not by a person: Alice mints dev tokens only as
//! sudo, through `utility.dispatchAs` (the e2e tests' `mintAsGovernance`).
//!
//! **Production.** Sudo exists only in these two presets. A production chain spec differs from
//! `local_testnet` in: `sudo.key: null` (pallet-sudo with no key: no call can pass its
//! `ensure_root`-by-key check, and the pallet can be removed by a later runtime upgrade with a
//! `RemovePallet` migration), `origins.timing: Production` (the default), no endowments
//! beyond a real distribution, its own validators (session keys) and council, and its price
//! sources. From then on Root is only reachable through a `root` referendum or a call the risk
//! council whitelisted.
//!
//! Each of BTC, ETH and DOT has one price guard ([`price_guards`]): the bounds and maximum age
//! its collateral listing, its perpetual market and its feed all use.
//!
//! Both feed BTC, ETH and DOT with the price-feed worker from the embedded price server
//! (`ballast-node price-server`, [`PRICE_SERVER`]) in three ticker shapes per asset; operators
//! point their own node elsewhere with an offchain-storage override (see `pallet_price_feed`).
//!
//! The node never builds genesis itself: `ballast-node build-spec` asks the runtime for a
//! preset, so the JSON here is the single source of truth for both.

use crate::{
	configs::consensus::DEV_SESSION_LENGTH, governance::origins::Timing, AccountId, AssetsConfig,
	BalancesConfig, CollateralRegistryConfig, OracleMembershipConfig, OriginsConfig,
	PerpetualsConfig, Price, PriceFeedConfig, PriceGuardConfig, RiskCouncilConfig,
	RuntimeGenesisConfig, SessionConfig, SessionKeys, SudoConfig, ValidatorSetConfig,
};
use alloc::{vec, vec::Vec};
use ballast_primitives::AssetStatus;
use ballast_primitives::{assets, AssetId, Balance};
use pallet_collateral_registry::{
	CollateralParams, ConcentrationAddOn, HaircutSchedule, VolatilityBand,
};
use pallet_perpetuals::{MarketParams, MarketStatus, VaultRules};
use polkadot_sdk::sp_arithmetic::Permill;
use polkadot_sdk::{
	frame_support::{build_struct_json_patch, BoundedVec},
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
};
use serde_json::Value;

/// Native BLST given to each endowed account.
pub const ENDOWMENT: Balance = 1u128 << 60;

/// One genesis collateral or quote asset.
pub struct GenesisAsset {
	/// Asset id, stable across chains.
	pub id: AssetId,
	/// Human name, for wallets.
	pub name: &'static str,
	/// Ticker.
	pub symbol: &'static str,
	/// Decimals of the smallest unit.
	pub decimals: u8,
	/// Smallest balance an account may hold.
	pub min_balance: Balance,
	/// Whole tokens given to each endowed account.
	pub endowment_tokens: u128,
}

/// The assets every Ballast genesis lists. Minimum balances are about a cent's worth.
pub const GENESIS_ASSETS: [GenesisAsset; 4] = [
	GenesisAsset {
		id: assets::BTC,
		name: "Wrapped Bitcoin",
		symbol: "BTC",
		decimals: 8,
		min_balance: 10,
		endowment_tokens: 100,
	},
	GenesisAsset {
		id: assets::ETH,
		name: "Wrapped Ether",
		symbol: "ETH",
		decimals: 18,
		min_balance: 1_000_000_000_000,
		endowment_tokens: 1_000,
	},
	GenesisAsset {
		id: assets::DOT,
		name: "Wrapped DOT",
		symbol: "DOT",
		decimals: 10,
		min_balance: 10_000_000,
		endowment_tokens: 100_000,
	},
	GenesisAsset {
		id: assets::USDC,
		name: "USD Coin",
		symbol: "USDC",
		decimals: 6,
		min_balance: 10_000,
		endowment_tokens: 1_000_000,
	},
];

impl GenesisAsset {
	/// The endowment in the asset's smallest unit.
	pub fn endowment(&self) -> Balance {
		self.endowment_tokens.saturating_mul(10u128.saturating_pow(u32::from(self.decimals)))
	}
}

/// Risk parameters of one genesis collateral asset, in whole tokens and whole USD.
struct CollateralSetup {
	id: AssetId,
	decimals: u8,
	/// Haircut at low volatility, and the bands `(volatility %, haircut %)` above it. The
	/// volatility is the price guard's, **per day** (measured per unit of time, whatever the
	/// feed frequency): quiet markets read about BTC 2–4 %, ETH 3–5 %, DOT 4–6 % a day; one
	/// move `x` within ten minutes reads at once as about `0.83 · |ln(1 + x)|` (a 10 % drop
	/// ≈ 9 %, a 35 % crash ≈ 36 %).
	base_haircut: u32,
	bands: [(u32, u32); 2],
	/// Liquidation threshold, %.
	threshold: u32,
	/// Tokens at which the concentration add-on reaches its slope; caps in tokens.
	market_depth: u128,
	supply_cap: u128,
	account_cap: u128,
}

/// The collateral listings every Ballast genesis starts with. USDC is the quote asset, not
/// collateral; BLST has no oracle price yet and is not listed.
const COLLATERAL: [CollateralSetup; 3] = [
	CollateralSetup {
		id: assets::BTC,
		decimals: 8,
		base_haircut: 10,
		bands: [(5, 15), (10, 25)],
		threshold: 93,
		market_depth: 1_000,
		supply_cap: 10_000,
		account_cap: 1_000,
	},
	CollateralSetup {
		id: assets::ETH,
		decimals: 18,
		base_haircut: 15,
		bands: [(6, 20), (12, 30)],
		threshold: 90,
		market_depth: 20_000,
		supply_cap: 200_000,
		account_cap: 20_000,
	},
	CollateralSetup {
		id: assets::DOT,
		decimals: 10,
		base_haircut: 25,
		bands: [(7, 35), (14, 50)],
		threshold: 82,
		market_depth: 2_000_000,
		supply_cap: 20_000_000,
		account_cap: 2_000_000,
	},
];

/// Oldest price (ms) liquidation accepts: the oracle's value expiry.
const MAX_PRICE_AGE_MS: u64 = 10 * 60 * 1_000;
/// Oldest price (ms) a trade, a withdrawal or an LP exit accepts: a minute, five feeds of the
/// dev and local chains' workers, so no one trades against a price the next feed will move.
const TRADE_PRICE_AGE_MS: u64 = 60 * 1_000;

/// The price guard of each genesis oracle key: believable prices in whole USD per token, the
/// maximum age, and a circuit breaker (a move of more than 25% from the last valid price is used
/// only once it has persisted for a minute). The collateral listings, perpetual markets and
/// feeds refer to these keys.
pub fn price_guards() -> Vec<(AssetId, pallet_price_guard::GuardParams)> {
	[(assets::BTC, 1_000, 10_000_000), (assets::ETH, 50, 1_000_000), (assets::DOT, 1, 10_000)]
		.iter()
		.map(|(key, min, max)| {
			let guard = pallet_price_guard::GuardParams {
				min_price: Price::from_u32(*min),
				max_price: Price::from_u32(*max),
				max_age: MAX_PRICE_AGE_MS,
				trade_age: TRADE_PRICE_AGE_MS,
				max_jump: Permill::from_percent(25),
				jump_confirm: 60_000,
			};
			(*key, guard)
		})
		.collect()
}

fn tokens(amount: u128, decimals: u8) -> Balance {
	amount.saturating_mul(10u128.saturating_pow(u32::from(decimals)))
}

fn collateral_params() -> Vec<(AssetId, CollateralParams<crate::configs::derivatives::MaxBands>)> {
	COLLATERAL
		.iter()
		.map(|c| {
			let params = CollateralParams {
				decimals: c.decimals,
				oracle_key: c.id,
				haircut: HaircutSchedule {
					base: Permill::from_percent(c.base_haircut),
					bands: BoundedVec::truncate_from(
						c.bands
							.iter()
							.map(|(vol, h)| VolatilityBand {
								min_volatility: Permill::from_percent(*vol),
								haircut: Permill::from_percent(*h),
							})
							.collect::<Vec<_>>(),
					),
					concentration: ConcentrationAddOn {
						market_depth: tokens(c.market_depth, c.decimals),
						slope: Permill::from_percent(10),
						max_add_on: Permill::from_percent(20),
					},
				},
				liquidation_threshold: Permill::from_percent(c.threshold),
				liquidation_penalty: Permill::from_percent(5),
				supply_cap: tokens(c.supply_cap, c.decimals),
				account_cap: tokens(c.account_cap, c.decimals),
				status: AssetStatus::Active,
			};
			(c.id, params)
		})
		.collect()
}

/// The perpetual markets of the dev and local chains: BTC-PERP (0), ETH-PERP (1), DOT-PERP (2).
pub fn perp_markets() -> Vec<MarketParams> {
	// (underlying, decimals, IM % (the inverse of the largest leverage), MM %, OI cap and skew
	// scale in tokens)
	let specs: [(AssetId, u8, u32, u32, u128, u128); 3] = [
		(assets::BTC, 8, 10, 5, 500, 5_000),
		(assets::ETH, 18, 10, 5, 10_000, 100_000),
		(assets::DOT, 10, 20, 10, 2_000_000, 20_000_000),
	];
	specs
		.iter()
		.map(|(asset, dec, im, mm, cap, scale)| MarketParams {
			oracle_key: *asset,
			base_decimals: *dec,
			initial_margin: Permill::from_percent(*im),
			maintenance_margin: Permill::from_percent(*mm),
			max_long_oi: tokens(*cap, *dec),
			max_short_oi: tokens(*cap, *dec),
			taker_fee: Permill::from_parts(500),
			base_spread: Permill::from_parts(200),
			skew_scale: tokens(*scale, *dec),
			max_premium: Permill::from_percent(2),
			max_funding_rate: Permill::from_parts(1_000),
			status: MarketStatus::Active,
		})
		.collect()
}

/// USDC seeded into the liquidity vault at genesis, from the root account.
pub const VAULT_SEED_USDC: u128 = 500_000;

/// The vault's rules on the dev and local chains: it must survive a 10 % move of every price
/// against its skew (500,000 USDC of NAV carries 5,000,000 USDC of net skew, whatever the OI
/// caps), an LP leaves 10 blocks (one minute, the trading age of prices) after asking, and a
/// trade is worth at least 10 USDC and pays at least 0.01 USDC.
pub fn vault_rules() -> VaultRules {
	VaultRules {
		stress_move: Permill::from_percent(10),
		exit_notice: 10,
		min_trade_notional: tokens(10, 6),
		min_fee: tokens(1, 6) / 100,
	}
}

/// Where the dev and local chains' price sources are: `ballast-node price-server`'s default
/// address.
pub const PRICE_SERVER: &str = "http://127.0.0.1:8088";

/// The price-feed setup of the dev and local chains: BTC, ETH and DOT, each from the embedded
/// price server's Binance-, Coinbase- and Kraken-shaped tickers (median of at least two), inside
/// the key's price guard, at most 10% from an on-chain price younger than the one-minute
/// heartbeat, one submission per two blocks unless the price moved more than 0.2%.
pub fn price_feed_assets(
) -> Vec<(AssetId, pallet_price_feed::FeedParams, Vec<pallet_price_feed::Source>)> {
	// (asset, Binance symbol, Coinbase pair, Kraken pair, Kraken result key)
	let specs: [(AssetId, &str, &str, &str, &str); 3] = [
		(assets::BTC, "BTCUSDT", "BTC-USD", "XBTUSD", "XXBTZUSD"),
		(assets::ETH, "ETHUSDT", "ETH-USD", "ETHUSD", "XETHZUSD"),
		(assets::DOT, "DOTUSDT", "DOT-USD", "DOTUSD", "DOTUSD"),
	];
	specs
		.iter()
		.map(|(asset, binance, coinbase, kraken, kraken_key)| {
			let params = pallet_price_feed::FeedParams {
				min_sources: 2,
				max_deviation: Permill::from_percent(10),
				min_interval: 2,
				move_threshold: Permill::from_parts(2_000),
				heartbeat: 60_000,
			};
			let sources = [
				(
					alloc::format!("{PRICE_SERVER}/binance/api/v3/ticker/price?symbol={binance}"),
					alloc::string::String::from("price"),
				),
				(
					alloc::format!("{PRICE_SERVER}/coinbase/v2/prices/{coinbase}/spot"),
					"data.amount".into(),
				),
				(
					alloc::format!("{PRICE_SERVER}/kraken/0/public/Ticker?pair={kraken}"),
					alloc::format!("result.{kraken_key}.c.0"),
				),
			]
			.iter()
			.filter_map(|(url, path)| pallet_price_feed::Source::new(url, path, 0))
			.collect::<Vec<_>>();
			(*asset, params, sources)
		})
		.collect()
}

/// What the options vault starts with: 200,000 USDC from the sudo account.
pub const OPTIONS_VAULT_SEED_USDC: u128 = 200_000;

/// Expiry of the dev series: 2028-01-01T00:00:00Z (ms).
pub const DEV_OPTION_EXPIRY: u64 = 1_830_297_600_000;

/// Options pricing per underlying. The price guard's tracked volatility is per day (measured
/// per unit of time, whatever the feed frequency); ×19.105 ≈ √365 makes it annual (a quiet
/// BTC's 3 % a day ≈ 57 % a year; a crash's 36 % a day hits the 300 % cap). Implied volatility within 30–300 %, a skew of 0.1 (0.15 below spot) per unit of
/// log-moneyness, a 2 % spread; the vault's net delta capped at 50 BTC / 1,000 ETH /
/// 500,000 DOT and its vega at 500,000 USDC per 100 vol points, per underlying.
pub fn option_underlyings() -> Vec<(AssetId, pallet_options::UnderlyingParams)> {
	use polkadot_sdk::sp_arithmetic::FixedU128;
	let base = pallet_options::UnderlyingParams {
		base_decimals: 8,
		vol_multiplier: FixedU128::from_rational(19_105, 1_000),
		skew_down: FixedU128::from_rational(15, 100),
		skew_up: FixedU128::from_rational(10, 100),
		min_volatility: FixedU128::from_rational(30, 100),
		max_volatility: FixedU128::from_u32(3),
		spread: Permill::from_percent(2),
		max_delta: tokens(50, 8),
		max_vega: tokens(500_000, 6),
	};
	vec![
		(assets::BTC, base),
		(
			assets::ETH,
			pallet_options::UnderlyingParams {
				base_decimals: 18,
				max_delta: tokens(1_000, 18),
				..base
			},
		),
		(
			assets::DOT,
			pallet_options::UnderlyingParams {
				base_decimals: 10,
				max_delta: tokens(500_000, 10),
				..base
			},
		),
	]
}

/// The dev series: an at-the-money call and put per underlying (BTC 60,000, ETH 3,000, DOT 6),
/// expiring [`DEV_OPTION_EXPIRY`]. Ids from `OPTION_SERIES_BASE`: BTC call, BTC put, ETH call,
/// ETH put, DOT call, DOT put.
pub fn option_series() -> Vec<pallet_options::SeriesParams> {
	use pallet_options::{OptionKind, SeriesParams};
	[(assets::BTC, 60_000), (assets::ETH, 3_000), (assets::DOT, 6)]
		.into_iter()
		.flat_map(|(underlying, strike)| {
			[OptionKind::Call, OptionKind::Put].into_iter().map(move |kind| SeriesParams {
				underlying,
				strike: Price::from_u32(strike),
				expiry: DEV_OPTION_EXPIRY,
				kind,
			})
		})
		.collect()
}

/// The options vault's rules: it survives a 20 % move of every underlying, LPs leave after 10
/// blocks, a premium is at least 1 USDC, options count in equity at 90 % of their bid, and
/// trading stops 10 minutes before expiry.
pub fn options_vault_rules() -> pallet_options::VaultRules {
	pallet_options::VaultRules {
		stress_move: Permill::from_percent(20),
		exit_notice: 10,
		min_premium: tokens(1, 6),
		equity_haircut: Permill::from_percent(10),
		trade_cutoff: 10 * 60 * 1_000,
	}
}

/// Everything a preset varies.
struct Setup {
	/// The genesis validators: each account with its session keys.
	authorities: Vec<(AccountId, AuraId, GrandpaId)>,
	endowed: Vec<AccountId>,
	/// The sudo key, if the chain has one (dev and local chains only; a production chain has
	/// none: `key: None`). It also seeds the vault.
	root: AccountId,
	oracle_operators: Vec<AccountId>,
	/// The risk council.
	council: Vec<AccountId>,
	/// The referenda tracks' periods.
	timing: Timing,
}

/// The keyless governance account: owner, issuer, admin and freezer of every genesis asset.
/// Nobody signs for it; Root (a `root` referendum, or sudo on the dev and local chains) acts as
/// it with `utility.dispatchAs({ system: { Signed: account } }, call)`.
pub fn governance_account() -> AccountId {
	crate::Origins::governance_account()
}

fn genesis(setup: Setup) -> Value {
	let Setup { authorities, endowed, root, oracle_operators, council, timing } = setup;
	// No person owns the assets: minting, freezing and forced transfers are governance's.
	let asset_owner = governance_account();
	let vault_seeder = root.clone();
	let mut operators = oracle_operators;
	operators.sort();
	operators.dedup();

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		// Aura's and GRANDPA's authorities come from the session keys (their own genesis lists
		// stay empty); the validator set adopts these validators and sets the session length.
		session: SessionConfig {
			keys: authorities
				.iter()
				.map(|(who, aura, grandpa)| (
					who.clone(),
					who.clone(),
					SessionKeys { aura: aura.clone(), grandpa: grandpa.clone() }
				))
				.collect::<Vec<_>>(),
		},
		validator_set: ValidatorSetConfig { session_length: DEV_SESSION_LENGTH },
		sudo: SudoConfig { key: Some(root) },
		origins: OriginsConfig { timing },
		risk_council: RiskCouncilConfig { members: council },
		assets: AssetsConfig {
			// Sufficient: an account may hold collateral without holding BLST. Listing is
			// governance-only, so this opens no spam route.
			assets: GENESIS_ASSETS
				.iter()
				.map(|a| (a.id, asset_owner.clone(), true, a.min_balance))
				.collect::<Vec<_>>(),
			metadata: GENESIS_ASSETS
				.iter()
				.map(|a| (
					a.id,
					a.name.as_bytes().to_vec(),
					a.symbol.as_bytes().to_vec(),
					a.decimals
				))
				.collect::<Vec<_>>(),
			accounts: GENESIS_ASSETS
				.iter()
				.flat_map(|a| endowed.iter().map(move |who| (a.id, who.clone(), a.endowment())))
				.collect::<Vec<_>>(),
		},
		oracle_membership: OracleMembershipConfig { members: BoundedVec::truncate_from(operators) },
		price_guard: PriceGuardConfig {
			guards: price_guards(),
			// Two operators' values make a price; one further than 5 % from the others' median
			// is rejected.
			feed_rules: pallet_price_guard::FeedRules {
				min_count: 2,
				max_deviation: Permill::from_percent(5),
			},
		},
		collateral_registry: CollateralRegistryConfig { assets: collateral_params() },
		price_feed: PriceFeedConfig { assets: price_feed_assets() },
		perpetuals: PerpetualsConfig {
			markets: perp_markets(),
			vault_deposits: vec![(vault_seeder.clone(), tokens(VAULT_SEED_USDC, 6))],
			vault_rules: vault_rules(),
		},
		options: crate::OptionsConfig {
			underlyings: option_underlyings(),
			series: option_series(),
			vault_deposits: vec![(vault_seeder, tokens(OPTIONS_VAULT_SEED_USDC, 6))],
			vault_rules: options_vault_rules(),
		},
	})
}

/// A dev validator: its account and Aura (sr25519) key, and its GRANDPA (ed25519) key, from the
/// same well-known name.
fn authority(aura: Sr25519Keyring, grandpa: Ed25519Keyring) -> (AccountId, AuraId, GrandpaId) {
	(aura.to_account_id(), aura.public().into(), grandpa.public().into())
}

/// The risk council of the dev and local chains: Alice, Bob and Charlie.
fn dev_council() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.iter()
		.map(|k| k.to_account_id())
		.collect()
}

/// The `development` preset (`--dev`).
pub fn development_config_genesis() -> Value {
	genesis(Setup {
		authorities: vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		endowed: Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		root: Sr25519Keyring::Alice.to_account_id(),
		oracle_operators: [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
			.iter()
			.map(|k| k.to_account_id())
			.collect(),
		council: dev_council(),
		timing: Timing::Development,
	})
}

/// The `local_testnet` preset (`--chain local`): four validators.
pub fn local_config_genesis() -> Value {
	let validators = [
		(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	];
	genesis(Setup {
		authorities: validators.iter().map(|(s, e)| authority(*s, *e)).collect(),
		endowed: Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		root: Sr25519Keyring::Alice.to_account_id(),
		oracle_operators: validators.iter().map(|(s, _)| s.to_account_id()).collect(),
		council: dev_council(),
		timing: Timing::Development,
	})
}

/// The preset called `id`, as JSON bytes, if it exists.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(|s| s.into_bytes())
}

/// The names of all presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
