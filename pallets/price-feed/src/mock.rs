//! Test runtime: `frame_system`, `pallet_oracle` and the price feed, a price guard stand-in
//! (bounds and maximum age per oracle key, from a thread-local table), accounts that are sr25519
//! keys, a keystore with Alice's feed key, and an offchain environment whose HTTP answers each
//! test scripts per URL (including timeouts, transport errors and cut-off bodies).

use crate::{self as pallet_price_feed, FeedParams, Source};
use ballast_primitives::{
	traits::{PriceBounds, PriceProvider, TimestampedPrice},
	AssetId, Moment, OracleKey, Price,
};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{ConstU32, ConstU64, SortedMembers, Time},
		PalletId,
	},
	frame_system::{
		self,
		offchain::{AppCrypto, CreateSignedTransaction, CreateTransactionBase, SigningTypes},
		EnsureRoot,
	},
	pallet_oracle,
	sp_arithmetic::Permill,
	sp_core::{
		offchain::{
			testing::TestOffchainExt, DbExternalities, Externalities, HttpError, HttpRequestId,
			HttpRequestStatus, OffchainDbExt, OffchainWorkerExt, OpaqueNetworkState, StorageKind,
			Timestamp, TransactionPool, TransactionPoolExt,
		},
		sr25519, OpaquePeerId,
	},
	sp_io,
	sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	sp_runtime::{
		generic,
		traits::{IdentityLookup, Verify},
		BuildStorage,
	},
};
use std::{
	cell::RefCell,
	collections::BTreeMap,
	sync::{Arc, Mutex},
};

type Block = frame_system::mocking::MockBlock<Test>;
/// Accounts are sr25519 public keys, so a feed key's account is the key itself.
pub type AccountId = sr25519::Public;
/// What the worker submits: a signed call, the signature over `(call, nonce)`.
pub type Extrinsic = generic::UncheckedExtrinsic<AccountId, RuntimeCall, sr25519::Signature, ()>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Oracle = pallet_oracle;

	#[runtime::pallet_index(2)]
	pub type PriceFeed = pallet_price_feed;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
}

thread_local! {
	static NOW: RefCell<Moment> = const { RefCell::new(1_000_000) };
	static MEMBERS: RefCell<Vec<AccountId>> = const { RefCell::new(Vec::new()) };
	static BOUNDS: RefCell<BTreeMap<OracleKey, PriceBounds>> =
		const { RefCell::new(BTreeMap::new()) };
}

/// The block time, as `pallet_oracle` and the feed see it.
pub struct MockTime;

impl MockTime {
	pub fn set(now: Moment) {
		NOW.with(|n| *n.borrow_mut() = now);
	}
}

impl Time for MockTime {
	type Moment = Moment;
	fn now() -> Moment {
		NOW.with(|n| *n.borrow())
	}
}

/// The oracle operators.
pub struct Members;

impl Members {
	pub fn set(mut members: Vec<AccountId>) {
		members.sort();
		MEMBERS.with(|m| *m.borrow_mut() = members);
	}
}

impl SortedMembers<AccountId> for Members {
	fn sorted_members() -> Vec<AccountId> {
		MEMBERS.with(|m| m.borrow().clone())
	}
}

parameter_types! {
	pub const OraclePalletId: PalletId = PalletId(*b"tst/orcl");
}

impl pallet_oracle::Config for Test {
	type OnNewData = ();
	type CombineData = pallet_oracle::DefaultCombineData<Test, ConstU32<1>, ConstU64<600_000>>;
	type Time = MockTime;
	type OracleKey = AssetId;
	type OracleValue = Price;
	type PalletId = OraclePalletId;
	type Members = Members;
	type WeightInfo = ();
	type MaxHasDispatchedSize = ConstU32<8>;
	type MaxFeedValues = ConstU32<8>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// The price guard stand-in: the oracle's combined values on the mock clock, and the guards
/// the test put in the thread-local table (at the start of every test, BTC's and ETH's).
pub struct OraclePrices;

impl OraclePrices {
	/// From now on `key` is guarded by `bounds`.
	pub fn set_bounds(key: OracleKey, bounds: PriceBounds) {
		BOUNDS.with(|b| b.borrow_mut().insert(key, bounds));
	}

	/// From now on `key` has no guard.
	pub fn remove_bounds(key: OracleKey) {
		BOUNDS.with(|b| b.borrow_mut().remove(&key));
	}

	fn reset() {
		BOUNDS.with(|b| b.borrow_mut().clear());
		Self::set_bounds(BTC, btc_bounds());
		Self::set_bounds(ETH, eth_bounds());
	}
}

impl PriceProvider for OraclePrices {
	fn price(key: OracleKey) -> Option<TimestampedPrice> {
		pallet_oracle::Pallet::<Test>::get(&key)
			.map(|v| TimestampedPrice { price: v.value, timestamp: v.timestamp })
	}
	fn now() -> Moment {
		MockTime::now()
	}
	fn bounds(key: OracleKey) -> Option<PriceBounds> {
		BOUNDS.with(|b| b.borrow().get(&key).copied())
	}
}

/// Guards oracle keys for the benchmark tests.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockBenchmarkHelper {
	fn guard(key: OracleKey) {
		OraclePrices::set_bounds(key, btc_bounds());
	}
}

impl SigningTypes for Test {
	type Public = <sr25519::Signature as Verify>::Signer;
	type Signature = sr25519::Signature;
}

impl<C> CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> CreateSignedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_signed_transaction<S: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: Self::Public,
		account: AccountId,
		nonce: <Test as frame_system::Config>::Nonce,
	) -> Option<Extrinsic> {
		let nonce: u64 = nonce.into();
		let signature = S::sign(&(&call, nonce).encode(), public)?;
		Some(Extrinsic::new_signed(call, account, signature, ()))
	}
}

impl pallet_price_feed::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type AuthorityId = crate::crypto::FeedAuthId;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Prices = OraclePrices;
	type MaxAssets = ConstU32<4>;
	type MaxSources = ConstU32<4>;
	type HttpTimeout = ConstU64<2_000>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

// ---- scripted HTTP ----

/// How the mock network answers a URL.
#[derive(Clone, Debug)]
pub enum Reply {
	/// A status and a body.
	Ok(u16, Vec<u8>),
	/// No answer before the deadline.
	Timeout,
	/// The transport fails.
	IoError,
	/// Status 200, then the connection drops after these bytes.
	CutBody(Vec<u8>),
}

/// A 200 answer with `body`.
pub fn ok(body: &str) -> Reply {
	Reply::Ok(200, body.as_bytes().to_vec())
}

#[derive(Default)]
struct HttpState {
	replies: BTreeMap<String, Reply>,
	open: BTreeMap<u16, (String, usize)>,
	next_id: u16,
	requested: Vec<String>,
}

/// The offchain environment: storage and time from `TestOffchainExt`, HTTP scripted per URL.
#[derive(Clone)]
pub struct MockOffchain {
	inner: TestOffchainExt,
	http: Arc<Mutex<HttpState>>,
}

impl MockOffchain {
	fn reply(&self, id: HttpRequestId) -> Option<Reply> {
		let http = self.http.lock().unwrap();
		let (url, _) = http.open.get(&id.0)?;
		http.replies.get(url).cloned()
	}
}

impl Externalities for MockOffchain {
	fn is_validator(&self) -> bool {
		true
	}
	fn network_state(&self) -> Result<OpaqueNetworkState, ()> {
		self.inner.network_state()
	}
	fn timestamp(&mut self) -> Timestamp {
		self.inner.timestamp()
	}
	fn sleep_until(&mut self, deadline: Timestamp) {
		self.inner.sleep_until(deadline)
	}
	fn random_seed(&mut self) -> [u8; 32] {
		self.inner.random_seed()
	}
	fn http_request_start(
		&mut self,
		method: &str,
		uri: &str,
		_meta: &[u8],
	) -> Result<HttpRequestId, ()> {
		assert_eq!(method, "GET");
		let mut http = self.http.lock().unwrap();
		let id = http.next_id;
		http.next_id += 1;
		http.open.insert(id, (uri.to_string(), 0));
		http.requested.push(uri.to_string());
		Ok(HttpRequestId(id))
	}
	fn http_request_add_header(
		&mut self,
		_id: HttpRequestId,
		_name: &str,
		_value: &str,
	) -> Result<(), ()> {
		Ok(())
	}
	fn http_request_write_body(
		&mut self,
		_id: HttpRequestId,
		_chunk: &[u8],
		_deadline: Option<Timestamp>,
	) -> Result<(), HttpError> {
		Ok(())
	}
	fn http_response_wait(
		&mut self,
		ids: &[HttpRequestId],
		_deadline: Option<Timestamp>,
	) -> Vec<HttpRequestStatus> {
		ids.iter()
			.map(|id| match self.reply(*id) {
				Some(Reply::Ok(code, _)) => HttpRequestStatus::Finished(code),
				Some(Reply::CutBody(_)) => HttpRequestStatus::Finished(200),
				Some(Reply::Timeout) => HttpRequestStatus::DeadlineReached,
				// Unknown hosts fail like a refused connection.
				Some(Reply::IoError) | None => HttpRequestStatus::IoError,
			})
			.collect()
	}
	fn http_response_headers(&mut self, _id: HttpRequestId) -> Vec<(Vec<u8>, Vec<u8>)> {
		Vec::new()
	}
	fn http_response_read_body(
		&mut self,
		id: HttpRequestId,
		buffer: &mut [u8],
		_deadline: Option<Timestamp>,
	) -> Result<usize, HttpError> {
		let reply = self.reply(id);
		let mut http = self.http.lock().unwrap();
		let Some((_, read)) = http.open.get_mut(&id.0) else { return Err(HttpError::Invalid) };
		let (body, cut) = match reply {
			Some(Reply::Ok(_, b)) => (b, false),
			Some(Reply::CutBody(b)) => (b, true),
			_ => return Err(HttpError::IoError),
		};
		if *read >= body.len() {
			return if cut { Err(HttpError::IoError) } else { Ok(0) };
		}
		let n = buffer.len().min(body.len() - *read);
		buffer[..n].copy_from_slice(&body[*read..*read + n]);
		*read += n;
		Ok(n)
	}
	fn set_authorized_nodes(&mut self, _nodes: Vec<OpaquePeerId>, _authorized_only: bool) {}
}

impl DbExternalities for MockOffchain {
	fn local_storage_set(&mut self, kind: StorageKind, key: &[u8], value: &[u8]) {
		self.inner.local_storage_set(kind, key, value)
	}
	fn local_storage_clear(&mut self, kind: StorageKind, key: &[u8]) {
		self.inner.local_storage_clear(kind, key)
	}
	fn local_storage_compare_and_set(
		&mut self,
		kind: StorageKind,
		key: &[u8],
		old_value: Option<&[u8]>,
		new_value: &[u8],
	) -> bool {
		self.inner.local_storage_compare_and_set(kind, key, old_value, new_value)
	}
	fn local_storage_get(&mut self, kind: StorageKind, key: &[u8]) -> Option<Vec<u8>> {
		self.inner.local_storage_get(kind, key)
	}
}

/// The transaction pool: records what the worker submits; can be told to refuse.
#[derive(Clone, Default)]
pub struct MockPool {
	txs: Arc<Mutex<Vec<Vec<u8>>>>,
	refuse: Arc<Mutex<bool>>,
}

impl TransactionPool for MockPool {
	fn submit_transaction(&mut self, extrinsic: Vec<u8>) -> Result<(), ()> {
		if *self.refuse.lock().unwrap() {
			return Err(());
		}
		self.txs.lock().unwrap().push(extrinsic);
		Ok(())
	}
}

// ---- test environment ----

pub const BTC: AssetId = 1;
pub const ETH: AssetId = 2;

/// The three BTC sources of the tests, one per ticker shape.
pub const BINANCE: &str = "http://prices.test/binance/api/v3/ticker/price?symbol=BTCUSDT";
pub const COINBASE: &str = "http://prices.test/coinbase/v2/prices/BTC-USD/spot";
pub const KRAKEN: &str = "http://prices.test/kraken/0/public/Ticker?pair=XBTUSD";
pub const ETH_URL: &str = "http://prices.test/binance/api/v3/ticker/price?symbol=ETHUSDT";

/// BTC's guard: band 1,000..=10,000,000, stale after a minute.
pub fn btc_bounds() -> PriceBounds {
	PriceBounds {
		min_price: Price::from_u32(1_000),
		max_price: Price::from_u32(10_000_000),
		max_age: 60_000,
		trade_age: 60_000,
		max_jump: polkadot_sdk::sp_arithmetic::Permill::from_percent(50),
	}
}

/// ETH's guard: band 50..=1,000,000, stale after a minute.
pub fn eth_bounds() -> PriceBounds {
	PriceBounds {
		min_price: Price::from_u32(50),
		max_price: Price::from_u32(1_000_000),
		..btc_bounds()
	}
}

/// BTC: 2 sources needed, 10% max deviation, every 3 blocks unless it moved 0.5%.
pub fn btc_params() -> FeedParams {
	FeedParams {
		min_sources: 2,
		max_deviation: Permill::from_percent(10),
		min_interval: 3,
		move_threshold: Permill::from_parts(5_000),
		heartbeat: 60_000,
	}
}

pub fn btc_sources() -> Vec<Source> {
	vec![
		Source::new(BINANCE, "price", 0).unwrap(),
		Source::new(COINBASE, "data.amount", 0).unwrap(),
		Source::new(KRAKEN, "result.XXBTZUSD.c.0", 0).unwrap(),
	]
}

/// A Binance `ticker/price` answer.
pub fn binance(symbol: &str, price: &str) -> Reply {
	ok(&format!(r#"{{"symbol":"{symbol}","price":"{price}"}}"#))
}

/// A Coinbase `prices/<pair>/spot` answer.
pub fn coinbase(base: &str, amount: &str) -> Reply {
	ok(&format!(r#"{{"data":{{"amount":"{amount}","base":"{base}","currency":"USD"}}}}"#))
}

/// A Kraken `Ticker` answer (the last trade `c` is `[price, volume]`).
pub fn kraken(pair: &str, last: &str) -> Reply {
	ok(&format!(
		r#"{{"error":[],"result":{{"{pair}":{{"a":["{last}","1","1.000"],"b":["{last}","1","1.000"],"c":["{last}","0.00100000"],"v":["100.0","200.0"],"p":["{last}","{last}"],"t":[10,20],"l":["{last}","{last}"],"h":["{last}","{last}"],"o":"{last}"}}}}}}"#
	))
}

/// The test environment: externalities, the scripted network, the pool, and Alice's key.
pub struct Env {
	pub ext: sp_io::TestExternalities,
	http: Arc<Mutex<HttpState>>,
	pool: MockPool,
	pub alice: AccountId,
}

impl Env {
	/// BTC fed from [`btc_sources`] with [`btc_params`]; Alice holds a feed key and is an
	/// operator; block 1.
	pub fn new() -> Self {
		Self::with_genesis(vec![(BTC, btc_params(), btc_sources())])
	}

	/// `assets` fed from genesis; the guards reset to BTC's and ETH's first.
	pub fn with_genesis(assets: Vec<(AssetId, FeedParams, Vec<Source>)>) -> Self {
		OraclePrices::reset();
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			price_feed: crate::GenesisConfig { assets, _config: Default::default() },
		}
		.build_storage()
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);

		let (inner, _state) = TestOffchainExt::new();
		let http = Arc::new(Mutex::new(HttpState::default()));
		let offchain = MockOffchain { inner, http: http.clone() };
		ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
		ext.register_extension(OffchainDbExt::new(offchain));
		let pool = MockPool::default();
		ext.register_extension(TransactionPoolExt::new(pool.clone()));
		let keystore = MemoryKeystore::new();
		let alice = keystore.sr25519_generate_new(crate::KEY_TYPE, Some("//Alice")).unwrap();
		ext.register_extension(KeystoreExt::new(keystore));

		Members::set(vec![alice]);
		MockTime::set(1_000_000);
		ext.execute_with(|| System::set_block_number(1));
		Self { ext, http, pool, alice }
	}

	/// From now on `url` answers `reply`.
	pub fn serve(&self, url: &str, reply: Reply) {
		self.http.lock().unwrap().replies.insert(url.to_string(), reply);
	}

	/// URLs requested so far, in order.
	pub fn requested(&self) -> Vec<String> {
		self.http.lock().unwrap().requested.clone()
	}

	/// Run the worker at block `n` (the chain is at block `n` too).
	pub fn run_worker(&mut self, n: u64) {
		self.ext.execute_with(|| {
			System::set_block_number(n);
			<PriceFeed as frame_support::traits::Hooks<u64>>::offchain_worker(n);
		});
	}

	/// The transactions submitted so far (and drains the pool).
	pub fn take_transactions(&self) -> Vec<Extrinsic> {
		use codec::Decode;
		let txs = core::mem::take(&mut *self.pool.txs.lock().unwrap());
		txs.into_iter().map(|tx| Extrinsic::decode(&mut &*tx).unwrap()).collect()
	}

	/// Make the pool refuse (or accept again) transactions.
	pub fn refuse_transactions(&self, refuse: bool) {
		*self.pool.refuse.lock().unwrap() = refuse;
	}

	/// Feed `price` for `asset` into the oracle as Alice at the current block (on chain).
	pub fn feed_on_chain(&mut self, asset: AssetId, price: Price) {
		let alice = self.alice;
		self.ext.execute_with(|| {
			<Oracle as frame_support::traits::Hooks<u64>>::on_finalize(System::block_number());
			Oracle::feed_values(
				RuntimeOrigin::signed(alice),
				frame_support::BoundedVec::truncate_from(vec![(asset, price)]),
			)
			.unwrap();
		});
	}
}

/// Plain externalities for the benchmark tests: block 1, no fed assets.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut ext = Env::with_genesis(Vec::new()).ext;
	ext.execute_with(|| System::set_block_number(1));
	ext
}
