//! The offchain worker: fetch, check, combine, rate-limit, submit. See the crate docs for the
//! rules; every failure here is a log line and a skipped value, never a panic.

use crate::{
	json, stats,
	types::{parse_override, FeedParams, Source},
	Config, Pallet, Params, Sources, LOG_TARGET,
};
use alloc::{format, string::String, vec::Vec};
use ballast_primitives::{
	traits::{PriceBounds, PriceProvider},
	AssetId, Moment, Price,
};
use polkadot_sdk::{
	frame_support::{traits::SortedMembers, BoundedVec},
	frame_system::{
		offchain::{AppCrypto, SendSignedTransaction, Signer},
		pallet_prelude::BlockNumberFor,
	},
	pallet_oracle,
	sp_arithmetic::{FixedPointNumber, Permill},
	sp_core::Get,
	sp_runtime::{
		offchain::{
			http,
			storage::StorageValueRef,
			storage_lock::{StorageLock, Time},
			Duration, StorageKind,
		},
		traits::{IdentifyAccount, SaturatedConversion},
		RuntimeAppPublic,
	},
};

/// Offchain storage lock held for a whole run (`PERSISTENT` kind).
pub const LOCK_KEY: &[u8] = b"price-feed::lock";
/// Prefix of an operator's source override for an asset: `price-feed::sources::<id>`.
pub const SOURCES_KEY_PREFIX: &str = "price-feed::sources::";
/// Prefix of the last submission `(Price, u32 block)` (SCALE) for an asset:
/// `price-feed::last::<id>`.
pub const LAST_KEY_PREFIX: &str = "price-feed::last::";
/// Largest response body read; a longer one is skipped.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Lock expiry on top of twice the HTTP timeout, for the non-HTTP part of a run.
const LOCK_MARGIN_MS: u64 = 10_000;

/// Offchain storage key of the operator's source override for `asset`.
pub fn sources_key(asset: AssetId) -> Vec<u8> {
	format!("{SOURCES_KEY_PREFIX}{asset}").into_bytes()
}

/// Offchain storage key of the last submission for `asset`.
pub fn last_key(asset: AssetId) -> Vec<u8> {
	format!("{LAST_KEY_PREFIX}{asset}").into_bytes()
}

/// Why one source gave no value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FetchError {
	/// The URL is not UTF-8 or the request could not start.
	Request,
	/// The deadline passed before the answer.
	Timeout,
	/// The transport failed.
	Http(http::Error),
	/// A status other than 200.
	Status(u16),
	/// The body could not be read completely.
	Body,
	/// The body exceeds [`MAX_BODY_BYTES`].
	TooLarge,
	/// The body is not one complete JSON document.
	Json(json::JsonError),
	/// The path leads nowhere.
	Path,
	/// The value there is no positive decimal number.
	Number(json::NumberError),
	/// Outside the band the price guard holds for the asset's key.
	OutOfBounds(Price),
}

impl FetchError {
	/// The failure's [`stats::reason`] code, as counted per source.
	pub fn code(&self) -> u8 {
		use stats::reason;
		match self {
			FetchError::Request => reason::REQUEST,
			FetchError::Timeout => reason::TIMEOUT,
			FetchError::Http(_) => reason::HTTP,
			FetchError::Status(_) => reason::STATUS,
			FetchError::Body => reason::BODY,
			FetchError::TooLarge => reason::TOO_LARGE,
			FetchError::Json(_) => reason::JSON,
			FetchError::Path => reason::PATH,
			FetchError::Number(_) => reason::NUMBER,
			FetchError::OutOfBounds(_) => reason::OUT_OF_BOUNDS,
		}
	}
}

/// `price` as a decimal (`60000.5`), for logs: `FixedU128`'s `Debug` is empty in wasm.
pub fn show(price: Price) -> String {
	let inner = price.into_inner();
	let one = Price::DIV;
	let int = inner.checked_div(one).unwrap_or(0);
	let frac = inner.checked_rem(one).unwrap_or(0);
	let frac = format!("{frac:018}");
	let frac = frac.trim_end_matches('0');
	if frac.is_empty() {
		format!("{int}")
	} else {
		format!("{int}.{frac}")
	}
}

impl core::fmt::Display for FetchError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			FetchError::Request => write!(f, "the request could not start"),
			FetchError::Timeout => write!(f, "no answer before the deadline"),
			FetchError::Http(e) => write!(f, "transport error ({e:?})"),
			FetchError::Status(code) => write!(f, "HTTP status {code}"),
			FetchError::Body => write!(f, "the body could not be read completely"),
			FetchError::TooLarge => write!(f, "body over {MAX_BODY_BYTES} bytes"),
			FetchError::Json(e) => write!(f, "not one complete JSON document ({e:?})"),
			FetchError::Path => write!(f, "nothing at the JSON path"),
			FetchError::Number(e) => write!(f, "not a positive decimal number ({e:?})"),
			FetchError::OutOfBounds(p) => {
				write!(f, "{} is outside the price guard's bounds", show(*p))
			},
		}
	}
}

/// The median of `values` (the mean of the two middle ones for an even count).
pub fn median(values: &mut [Price]) -> Option<Price> {
	values.sort();
	let n = values.len();
	let mid = n.checked_div(2)?;
	let upper = *values.get(mid)?;
	if n % 2 == 1 {
		return Some(upper);
	}
	let lower = *values.get(mid.checked_sub(1)?)?;
	let half_gap = upper.into_inner().saturating_sub(lower.into_inner()).checked_div(2)?;
	Some(Price::from_inner(lower.into_inner().saturating_add(half_gap)))
}

/// `|a − b| / b`, saturating at 100%; 100% if `b` is zero.
pub fn deviation(a: Price, b: Price) -> Permill {
	let (a, b) = (a.into_inner(), b.into_inner());
	if b == 0 {
		return Permill::one();
	}
	Permill::from_rational(a.abs_diff(b), b)
}

/// What one asset's run decided.
struct AssetPlan {
	asset: AssetId,
	params: FeedParams,
	/// The price guard's bounds and maximum age for the asset's key.
	bounds: PriceBounds,
	sources: Vec<Source>,
	values: Vec<Price>,
}

impl<T: Config> Pallet<T> {
	/// One run of the worker for block `n`.
	pub fn run_offchain_worker(n: BlockNumberFor<T>) {
		let block: u32 = n.saturated_into();
		let feeders = Self::feeders();
		if feeders.is_empty() {
			log::debug!(target: LOG_TARGET, "no feed key of an oracle operator in the keystore");
			return;
		}
		let expiry = T::HttpTimeout::get().saturating_mul(2).saturating_add(LOCK_MARGIN_MS);
		let mut lock = StorageLock::<Time>::with_deadline(LOCK_KEY, Duration::from_millis(expiry));
		let Ok(_guard) = lock.try_lock() else {
			log::info!(target: LOG_TARGET, "#{block}: another run holds the feed lock; skipping");
			return;
		};
		let feed = Self::collect(block);
		if feed.is_empty() {
			return;
		}
		Self::submit(feeders, block, feed);
	}

	/// The public keys of the feed keys in the keystore whose accounts are oracle operators
	/// (one on an operator's node; the dev chain's single node holds three).
	pub fn feeders() -> Vec<T::Public> {
		<T::AuthorityId as AppCrypto<T::Public, T::Signature>>::RuntimeAppPublic::all()
			.into_iter()
			.filter_map(|key| {
				let generic: <T::AuthorityId as AppCrypto<T::Public, T::Signature>>::GenericPublic =
					key.into();
				let public: T::Public = generic.into();
				let account = public.clone().into_account();
				<T as pallet_oracle::Config>::Members::contains(&account).then_some(public)
			})
			.collect()
	}

	/// The sources this node uses for `asset`: the operator's override if there is a valid
	/// one, else the on-chain list.
	pub fn sources_for(asset: AssetId) -> Vec<Source> {
		let on_chain = || Sources::<T>::get(asset).into_inner();
		let Some(raw) = polkadot_sdk::sp_io::offchain::local_storage_get(
			StorageKind::PERSISTENT,
			&sources_key(asset),
		) else {
			return on_chain();
		};
		match parse_override(&raw) {
			Ok(mut sources) => {
				let max = T::MaxSources::get() as usize;
				if sources.len() > max {
					log::warn!(
						target: LOG_TARGET,
						"asset {asset}: source override lists {} sources; using the first {max}",
						sources.len()
					);
					sources.truncate(max);
				}
				sources
			},
			Err(e) => {
				log::warn!(
					target: LOG_TARGET,
					"asset {asset}: ignoring invalid source override ({e}); using on-chain sources"
				);
				on_chain()
			},
		}
	}

	/// Fetch every source of every fed asset whose key is guarded and decide what to submit.
	fn collect(block: u32) -> Vec<(AssetId, Price)> {
		let mut plans: Vec<AssetPlan> = Params::<T>::iter()
			.filter_map(|(asset, params)| {
				let Some(bounds) = T::Prices::bounds(asset) else {
					log::warn!(
						target: LOG_TARGET,
						"asset {asset}: its oracle key has no price guard (no band, no maximum \
						 age); not fed"
					);
					return None;
				};
				Some(AssetPlan {
					asset,
					params,
					bounds,
					sources: Self::sources_for(asset),
					values: Vec::new(),
				})
			})
			.collect();
		plans.sort_by_key(|p| p.asset);
		// Counters of sources no longer in a list go (see `stats`).
		for plan in &plans {
			stats::clear(plan.asset, plan.sources.len(), T::MaxSources::get());
		}

		let timeout = Duration::from_millis(T::HttpTimeout::get());
		let deadline = polkadot_sdk::sp_io::offchain::timestamp().add(timeout);

		// Start every request, then wait for all of them with one deadline.
		let mut started: Vec<(usize, usize, http::PendingRequest)> = Vec::new();
		for (pi, plan) in plans.iter().enumerate() {
			for (si, source) in plan.sources.iter().enumerate() {
				match Self::start(source, deadline) {
					Ok(req) => started.push((pi, si, req)),
					Err(e) => Self::skip(plan, si, &e),
				}
			}
		}
		let (index, requests): (Vec<(usize, usize)>, Vec<http::PendingRequest>) =
			started.into_iter().map(|(pi, si, r)| ((pi, si), r)).unzip();
		let answers = http::PendingRequest::try_wait_all(requests, deadline);

		for ((pi, si), answer) in index.into_iter().zip(answers) {
			let Some(plan) = plans.get_mut(pi) else { continue };
			let result = match answer {
				Err(_still_pending) => Err(FetchError::Timeout),
				Ok(Err(e)) => Err(FetchError::Http(e)),
				Ok(Ok(response)) => plan
					.sources
					.get(si)
					.ok_or(FetchError::Request)
					.and_then(|s| Self::read(response, s, &plan.bounds, deadline)),
			};
			match result {
				Ok(price) => {
					if let Some(source) = plan.sources.get(si) {
						stats::record(plan.asset, si, &source.url, Ok(()));
					}
					plan.values.push(price)
				},
				Err(e) => Self::skip(plan, si, &e),
			}
		}

		let now = T::Prices::now();
		plans
			.into_iter()
			.filter_map(|plan| {
				let asset = plan.asset;
				Self::decide(plan, block, now).map(|p| (asset, p))
			})
			.collect()
	}

	/// Log and count a source that gave no value.
	fn skip(plan: &AssetPlan, si: usize, e: &FetchError) {
		if let Some(source) = plan.sources.get(si) {
			stats::record(plan.asset, si, &source.url, Err(e.code()));
		}
		let url =
			plan.sources.get(si).and_then(|s| s.url_str()).map(String::from).unwrap_or_default();
		log::warn!(target: LOG_TARGET, "asset {}: skipping source {url}: {e}", plan.asset);
	}

	fn start(
		source: &Source,
		deadline: polkadot_sdk::sp_core::offchain::Timestamp,
	) -> Result<http::PendingRequest, FetchError> {
		let url = source.url_str().ok_or(FetchError::Request)?;
		http::Request::get(url)
			.add_header("Accept", "application/json")
			.deadline(deadline)
			.send()
			.map_err(|_| FetchError::Request)
	}

	/// Read and check one answer (against the guard's band, inclusive).
	fn read(
		response: http::Response,
		source: &Source,
		bounds: &PriceBounds,
		deadline: polkadot_sdk::sp_core::offchain::Timestamp,
	) -> Result<Price, FetchError> {
		if response.code != 200 {
			return Err(FetchError::Status(response.code));
		}
		let mut body = response.body();
		body.deadline(deadline);
		let bytes: Vec<u8> = body.by_ref().take(MAX_BODY_BYTES.saturating_add(1)).collect();
		if body.error().is_some() {
			return Err(FetchError::Body);
		}
		if bytes.len() > MAX_BODY_BYTES {
			return Err(FetchError::TooLarge);
		}
		let doc = json::parse(&bytes).map_err(FetchError::Json)?;
		let path = source.path_str().ok_or(FetchError::Path)?;
		let value = json::select(&doc, path).ok_or(FetchError::Path)?;
		let price = json::to_price(value, source.decimals).map_err(FetchError::Number)?;
		if !bounds.contains(price) {
			return Err(FetchError::OutOfBounds(price));
		}
		Ok(price)
	}

	/// The median to submit for one asset, if any (see the crate docs, step 6).
	fn decide(mut plan: AssetPlan, block: u32, now: Moment) -> Option<Price> {
		let AssetPlan { asset, params, ref sources, ref mut values, .. } = plan;
		if sources.is_empty() {
			return None;
		}
		if (values.len() as u32) < params.min_sources {
			log::warn!(
				target: LOG_TARGET,
				"asset {asset}: {} of {} sources answered sanely, {} needed; nothing submitted",
				values.len(),
				sources.len(),
				params.min_sources
			);
			return None;
		}
		let median = median(values)?;
		if let Some(on_chain) = T::Prices::price(asset) {
			if !on_chain.is_stale(now, params.heartbeat) {
				let d = deviation(median, on_chain.price);
				if d > params.max_deviation {
					log::warn!(
						target: LOG_TARGET,
						"asset {asset}: median {} is {} ppm from the on-chain {} (max {} ppm); \
						 nothing submitted",
						show(median),
						d.deconstruct(),
						show(on_chain.price),
						params.max_deviation.deconstruct()
					);
					return None;
				}
			}
		}
		if let Ok(Some((last_price, last_block))) =
			StorageValueRef::persistent(&last_key(asset)).get::<(Price, u32)>()
		{
			let recent = block.saturating_sub(last_block) < params.min_interval;
			if recent && deviation(median, last_price) <= params.move_threshold {
				log::debug!(
					target: LOG_TARGET,
					"asset {asset}: submitted at #{last_block}, moved too little; waiting"
				);
				return None;
			}
		}
		Some(median)
	}

	/// Submit `feed` in one signed `oracle.feedValues` from each feeder's account.
	fn submit(feeders: Vec<T::Public>, block: u32, mut feed: Vec<(AssetId, Price)>) {
		let max = <T as pallet_oracle::Config>::MaxFeedValues::get() as usize;
		if feed.len() > max {
			log::warn!(target: LOG_TARGET, "{} prices, {max} fit in one feed", feed.len());
			feed.truncate(max);
		}
		let values: BoundedVec<(AssetId, Price), <T as pallet_oracle::Config>::MaxFeedValues> =
			BoundedVec::truncate_from(feed.clone());
		let signer = Signer::<T, T::AuthorityId>::all_accounts().with_filter(feeders);
		let results = signer.send_signed_transaction(|_account| {
			pallet_oracle::Call::<T>::feed_values { values: values.clone() }
		});
		let mut sent = false;
		for (_account, result) in results {
			if result.is_ok() {
				sent = true;
			} else {
				log::warn!(target: LOG_TARGET, "#{block}: the pool refused the feed transaction");
			}
		}
		if !sent {
			return;
		}
		for (asset, price) in feed {
			StorageValueRef::persistent(&last_key(asset)).set(&(price, block));
		}
		let shown: Vec<String> =
			values.iter().map(|(asset, price)| format!("{asset}: {}", show(*price))).collect();
		log::info!(target: LOG_TARGET, "#{block}: fed {}", shown.join(", "));
	}
}
