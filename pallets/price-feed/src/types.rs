//! Types of the price feed: price sources, per-asset feed parameters, and the status report of
//! the runtime API.

use alloc::{string::String, vec::Vec};
use ballast_primitives::{traits::TimestampedPrice, AssetId, Moment};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{traits::ConstU32, BoundedVec},
	sp_arithmetic::{PerThing, Permill},
};
use scale_info::TypeInfo;

/// Longest source URL, in bytes.
pub const MAX_URL_LEN: u32 = 256;
/// Longest JSON path, in bytes.
pub const MAX_PATH_LEN: u32 = 64;
/// Most decimals a source may declare (its numbers are divided by `10^decimals`).
pub const MAX_SOURCE_DECIMALS: u8 = 36;

/// A source URL (`http://` or `https://`), as bytes.
pub type Url = BoundedVec<u8, ConstU32<MAX_URL_LEN>>;
/// A dot-separated path into a source's JSON answer.
pub type JsonPath = BoundedVec<u8, ConstU32<MAX_PATH_LEN>>;

/// One place a price of an asset can be read from.
///
/// The worker sends `GET url`, parses the whole answer as JSON, takes the value at `path`
/// (a JSON number or a string holding a decimal number) and divides it by `10^decimals`.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Source {
	/// Where to fetch, e.g. `https://api.binance.com/api/v3/ticker/price?symbol=BTCUSDT`.
	pub url: Url,
	/// Where the price is in the answer, e.g. `price`, `data.amount`, `result.XXBTZUSD.c.0`.
	pub path: JsonPath,
	/// The source's number is the price times `10^decimals` (0 for most tickers).
	pub decimals: u8,
}

impl Source {
	/// A source from string parts; `None` if a part is too long.
	pub fn new(url: &str, path: &str, decimals: u8) -> Option<Self> {
		Some(Self {
			url: BoundedVec::try_from(url.as_bytes().to_vec()).ok()?,
			path: BoundedVec::try_from(path.as_bytes().to_vec()).ok()?,
			decimals,
		})
	}

	/// The URL as text, if it is UTF-8.
	pub fn url_str(&self) -> Option<&str> {
		core::str::from_utf8(&self.url).ok()
	}

	/// The path as text, if it is UTF-8.
	pub fn path_str(&self) -> Option<&str> {
		core::str::from_utf8(&self.path).ok()
	}

	/// Checks a source: an `http://` or `https://` URL in UTF-8, a UTF-8 path, sane decimals.
	pub fn validate(&self) -> Result<(), SourceError> {
		let url = self.url_str().ok_or(SourceError::InvalidUrl)?;
		if !(url.starts_with("http://") || url.starts_with("https://"))
			|| url.len() <= "https://".len()
		{
			return Err(SourceError::InvalidUrl);
		}
		self.path_str().ok_or(SourceError::InvalidPath)?;
		if self.decimals > MAX_SOURCE_DECIMALS {
			return Err(SourceError::DecimalsTooLarge);
		}
		Ok(())
	}
}

/// Why a source is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SourceError {
	/// Not an `http(s)://` URL in UTF-8.
	InvalidUrl,
	/// The path is not UTF-8.
	InvalidPath,
	/// `decimals` exceeds [`MAX_SOURCE_DECIMALS`].
	DecimalsTooLarge,
}

/// How one asset is fed: how many sources make a median, how far it may move, and the
/// submission rate. The believable price band and the maximum age are not here: they are the
/// price guard's for the asset's oracle key (the asset id), shared with every other user of the
/// key.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct FeedParams {
	/// Fewest sane source values that make a median; fewer and nothing is submitted.
	pub min_sources: u32,
	/// Largest distance of the median from the current on-chain price (when that price is
	/// fresh by the guard's maximum age), relative to the on-chain price. Further, nothing is
	/// submitted.
	pub max_deviation: Permill,
	/// An operator submits this asset at most once per this many blocks...
	pub min_interval: u32,
	/// ...unless the median moved more than this from the operator's last submission.
	pub move_threshold: Permill,
	/// The feed's heartbeat (ms): an on-chain price younger than this anchors the deviation
	/// check, and an older one means the feed is late (`PriceStatus::late`); a late feed
	/// accepts any median, so it recovers after an outage or a jump. Not a validity rule: whether
	/// a price may be used is the guard's `max_age` (longer). Positive.
	pub heartbeat: Moment,
}

/// Why feed parameters are refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamsError {
	/// `min_sources` is zero.
	ZeroMinSources,
	/// `min_interval` is zero.
	ZeroInterval,
	/// `heartbeat` is zero.
	ZeroHeartbeat,
	/// A percentage above 100% (only reachable from JSON).
	PermillOutOfRange,
}

impl FeedParams {
	/// Checks the parameters.
	pub fn validate(&self) -> Result<(), ParamsError> {
		if self.max_deviation.deconstruct() > Permill::ACCURACY
			|| self.move_threshold.deconstruct() > Permill::ACCURACY
		{
			return Err(ParamsError::PermillOutOfRange);
		}
		if self.min_sources == 0 {
			return Err(ParamsError::ZeroMinSources);
		}
		if self.min_interval == 0 {
			return Err(ParamsError::ZeroInterval);
		}
		if self.heartbeat == 0 {
			return Err(ParamsError::ZeroHeartbeat);
		}
		Ok(())
	}
}

/// The feed status of one asset, as `PriceFeedApi` reports it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PriceStatus {
	/// The asset (also its oracle key).
	pub asset: AssetId,
	/// The oracle's combined price with the time it was fed, if it has one.
	pub latest: Option<TimestampedPrice>,
	/// Age of that price now (ms), if there is one.
	pub age: Option<Moment>,
	/// The maximum age the price guard holds for the asset's key (0 if the key is not
	/// guarded).
	pub max_age: Moment,
	/// No price, one older than `max_age`, or the key is not guarded.
	pub stale: bool,
	/// The feed's heartbeat ([`FeedParams::heartbeat`]).
	pub heartbeat: Moment,
	/// No price, or one older than the heartbeat: the feed has not updated in time (the price
	/// may still be valid for `max_age`).
	pub late: bool,
	/// Number of on-chain sources.
	pub sources: u32,
}

/// A source list as operators write it in offchain local storage (see the crate docs): a JSON
/// array of `{"url": "...", "path": "...", "decimals": 0}` objects (`decimals` optional).
pub fn parse_override(bytes: &[u8]) -> Result<Vec<Source>, &'static str> {
	use crate::json::{parse, Value};
	let doc = parse(bytes).map_err(|_| "not JSON")?;
	let Value::Array(items) = doc else { return Err("not a JSON array") };
	let mut out = Vec::new();
	for item in &items {
		let Value::Object(members) = item else { return Err("an item is not an object") };
		let field = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| v);
		let text = |name: &str| -> Result<String, &'static str> {
			match field(name) {
				Some(Value::String(s)) => Ok(s.clone()),
				_ => Err("`url` and `path` must be strings"),
			}
		};
		let decimals = match field("decimals") {
			None => 0,
			Some(Value::Number(n)) => n.parse::<u8>().map_err(|_| "bad `decimals`")?,
			Some(_) => return Err("bad `decimals`"),
		};
		let source = Source::new(&text("url")?, &text("path")?, decimals)
			.ok_or("`url` or `path` too long")?;
		source.validate().map_err(|_| "invalid source")?;
		out.push(source);
	}
	Ok(out)
}
