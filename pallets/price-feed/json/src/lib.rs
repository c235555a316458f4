//! A small, strict JSON reader: enough to pick one value out of an exchange's answer, exactly.
//!
//! * [`parse`] reads a whole document (RFC 8259 grammar, nesting at most [`MAX_DEPTH`] deep) or
//!   fails: a truncated or malformed answer is never half-used.
//! * [`select`] walks a dot-separated path into it: object keys by name, array elements by
//!   decimal index (`"price"`, `"data.amount"`, `"result.XXBTZUSD.c.0"`; the empty path is the
//!   whole document).
//! * [`to_price`] turns the selected value — a JSON number or a string holding a decimal number,
//!   as most exchanges send prices — into a [`Price`] (`FixedU128`) with integer arithmetic
//!   only: digits beyond the 18th decimal are truncated, nothing is ever rounded through a float.
//!
//! Numbers are kept as their source text ([`Value::Number`]) so no precision is lost before
//! [`to_price`] converts them.

#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(
	test,
	allow(
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing,
		clippy::arithmetic_side_effects,
		clippy::panic
	)
)]

extern crate alloc;

use alloc::{string::String, vec::Vec};

/// A price: quote per whole unit, 18 decimals (`ballast_primitives::Price`).
pub type Price = polkadot_sdk::sp_arithmetic::FixedU128;

/// Deepest nesting of arrays and objects accepted (exchange tickers need 4).
pub const MAX_DEPTH: u32 = 32;

/// A parsed JSON value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Value {
	/// `null`.
	Null,
	/// `true` or `false`.
	Bool(bool),
	/// A number, as written in the document (already checked against the JSON grammar).
	Number(String),
	/// A string, unescaped.
	String(String),
	/// An array.
	Array(Vec<Value>),
	/// An object's members, in document order.
	Object(Vec<(String, Value)>),
}

/// Why a document was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum JsonError {
	/// The document ended in the middle of a value.
	Truncated,
	/// Something that is not JSON.
	Malformed,
	/// Nesting deeper than [`MAX_DEPTH`].
	TooDeep,
	/// More than whitespace after the value.
	TrailingData,
}

/// Parse a whole JSON document.
pub fn parse(input: &[u8]) -> Result<Value, JsonError> {
	let mut p = Parser { s: input, pos: 0 };
	p.skip_ws();
	let v = p.value(0)?;
	p.skip_ws();
	if p.peek().is_some() {
		return Err(JsonError::TrailingData);
	}
	Ok(v)
}

struct Parser<'a> {
	s: &'a [u8],
	pos: usize,
}

impl Parser<'_> {
	fn peek(&self) -> Option<u8> {
		self.s.get(self.pos).copied()
	}

	fn bump(&mut self) {
		self.pos = self.pos.saturating_add(1);
	}

	fn next(&mut self) -> Result<u8, JsonError> {
		let c = self.peek().ok_or(JsonError::Truncated)?;
		self.bump();
		Ok(c)
	}

	fn skip_ws(&mut self) {
		while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
			self.bump();
		}
	}

	fn expect_word(&mut self, word: &[u8]) -> Result<(), JsonError> {
		for expected in word {
			if self.next()? != *expected {
				return Err(JsonError::Malformed);
			}
		}
		Ok(())
	}

	fn value(&mut self, depth: u32) -> Result<Value, JsonError> {
		match self.peek().ok_or(JsonError::Truncated)? {
			b'{' => self.object(depth),
			b'[' => self.array(depth),
			b'"' => self.string().map(Value::String),
			b't' => self.expect_word(b"true").map(|()| Value::Bool(true)),
			b'f' => self.expect_word(b"false").map(|()| Value::Bool(false)),
			b'n' => self.expect_word(b"null").map(|()| Value::Null),
			b'-' | b'0'..=b'9' => self.number().map(Value::Number),
			_ => Err(JsonError::Malformed),
		}
	}

	fn nested(depth: u32) -> Result<u32, JsonError> {
		let d = depth.saturating_add(1);
		if d > MAX_DEPTH {
			Err(JsonError::TooDeep)
		} else {
			Ok(d)
		}
	}

	fn object(&mut self, depth: u32) -> Result<Value, JsonError> {
		let depth = Self::nested(depth)?;
		self.bump(); // '{'
		let mut members = Vec::new();
		self.skip_ws();
		if self.peek() == Some(b'}') {
			self.bump();
			return Ok(Value::Object(members));
		}
		loop {
			self.skip_ws();
			if self.peek().ok_or(JsonError::Truncated)? != b'"' {
				return Err(JsonError::Malformed);
			}
			let key = self.string()?;
			self.skip_ws();
			if self.next()? != b':' {
				return Err(JsonError::Malformed);
			}
			self.skip_ws();
			let v = self.value(depth)?;
			members.push((key, v));
			self.skip_ws();
			match self.next()? {
				b',' => continue,
				b'}' => return Ok(Value::Object(members)),
				_ => return Err(JsonError::Malformed),
			}
		}
	}

	fn array(&mut self, depth: u32) -> Result<Value, JsonError> {
		let depth = Self::nested(depth)?;
		self.bump(); // '['
		let mut items = Vec::new();
		self.skip_ws();
		if self.peek() == Some(b']') {
			self.bump();
			return Ok(Value::Array(items));
		}
		loop {
			self.skip_ws();
			items.push(self.value(depth)?);
			self.skip_ws();
			match self.next()? {
				b',' => continue,
				b']' => return Ok(Value::Array(items)),
				_ => return Err(JsonError::Malformed),
			}
		}
	}

	fn hex4(&mut self) -> Result<u32, JsonError> {
		let mut v: u32 = 0;
		for _ in 0..4 {
			let c = self.next()?;
			let d = char::from(c).to_digit(16).ok_or(JsonError::Malformed)?;
			v = v.checked_mul(16).and_then(|v| v.checked_add(d)).ok_or(JsonError::Malformed)?;
		}
		Ok(v)
	}

	fn string(&mut self) -> Result<String, JsonError> {
		self.bump(); // '"'
		let mut out: Vec<u8> = Vec::new();
		loop {
			match self.next()? {
				b'"' => break,
				b'\\' => {
					let c = match self.next()? {
						b'"' => '"',
						b'\\' => '\\',
						b'/' => '/',
						b'b' => '\u{8}',
						b'f' => '\u{c}',
						b'n' => '\n',
						b'r' => '\r',
						b't' => '\t',
						b'u' => self.unicode_escape()?,
						_ => return Err(JsonError::Malformed),
					};
					let mut buf = [0u8; 4];
					out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
				},
				c if c < 0x20 => return Err(JsonError::Malformed),
				c => out.push(c),
			}
		}
		String::from_utf8(out).map_err(|_| JsonError::Malformed)
	}

	fn unicode_escape(&mut self) -> Result<char, JsonError> {
		let hi = self.hex4()?;
		let code = if (0xD800..0xDC00).contains(&hi) {
			// A surrogate pair: `\uD83D\uDE00`.
			self.expect_word(b"\\u")?;
			let lo = self.hex4()?;
			if !(0xDC00..0xE000).contains(&lo) {
				return Err(JsonError::Malformed);
			}
			hi.checked_sub(0xD800)
				.and_then(|h| h.checked_mul(0x400))
				.and_then(|h| h.checked_add(lo.checked_sub(0xDC00)?))
				.and_then(|c| c.checked_add(0x10000))
				.ok_or(JsonError::Malformed)?
		} else {
			hi
		};
		char::from_u32(code).ok_or(JsonError::Malformed)
	}

	fn digits(&mut self) -> Result<usize, JsonError> {
		let mut n: usize = 0;
		while matches!(self.peek(), Some(b'0'..=b'9')) {
			self.bump();
			n = n.saturating_add(1);
		}
		if n == 0 {
			// A number that stops where a digit must come: at the end of input it was cut.
			return Err(if self.peek().is_none() {
				JsonError::Truncated
			} else {
				JsonError::Malformed
			});
		}
		Ok(n)
	}

	fn number(&mut self) -> Result<String, JsonError> {
		let start = self.pos;
		if self.peek() == Some(b'-') {
			self.bump();
		}
		if self.peek() == Some(b'0') {
			self.bump();
		} else {
			self.digits()?;
		}
		if self.peek() == Some(b'.') {
			self.bump();
			self.digits()?;
		}
		if matches!(self.peek(), Some(b'e' | b'E')) {
			self.bump();
			if matches!(self.peek(), Some(b'+' | b'-')) {
				self.bump();
			}
			self.digits()?;
		}
		let raw = self.s.get(start..self.pos).ok_or(JsonError::Malformed)?;
		String::from_utf8(raw.to_vec()).map_err(|_| JsonError::Malformed)
	}
}

/// The value at `path` (dot-separated object keys and array indices) inside `root`.
pub fn select<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
	if path.is_empty() {
		return Some(root);
	}
	path.split('.').try_fold(root, |v, segment| match v {
		Value::Object(members) => members.iter().find(|(k, _)| k == segment).map(|(_, v)| v),
		Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
		_ => None,
	})
}

/// Why a value is not a usable price.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NumberError {
	/// Neither a number nor a string holding a decimal number.
	NotANumber,
	/// Zero or negative.
	NotPositive,
	/// Too large for a `FixedU128`, or an absurd exponent.
	Overflow,
}

/// The price a selected value stands for, divided by `10^decimals` (for sources that quote in
/// smaller units, e.g. cents: `decimals = 2`).
pub fn to_price(v: &Value, decimals: u8) -> Result<Price, NumberError> {
	match v {
		Value::Number(s) => parse_decimal(s, decimals),
		Value::String(s) => parse_decimal(s.trim(), decimals),
		_ => Err(NumberError::NotANumber),
	}
}

/// Largest exponent magnitude accepted; anything beyond is no price.
const MAX_EXPONENT: i32 = 100;

/// Parse a decimal number (`-?digits[.digits][(e|E)[+-]digits]`) exactly into a `FixedU128`,
/// scaled down by `10^decimals`. Digits beyond 35 significant ones (`u128` precision, integer
/// or fraction: a relative error below 10^-34) and digits below `10^-18` are truncated.
pub fn parse_decimal(s: &str, decimals: u8) -> Result<Price, NumberError> {
	let bytes = s.as_bytes();
	let mut i = 0usize;
	let at = |i: usize| bytes.get(i).copied();
	let negative = at(i) == Some(b'-');
	if negative {
		i = i.saturating_add(1);
	}
	let mut mantissa: u128 = 0;
	let mut int_digits = 0u32;
	let mut frac_digits: i32 = 0;
	// Integer digits beyond `u128` precision, truncated: each one is a factor of ten.
	let mut dropped: i32 = 0;
	let mut any_nonzero = false;
	while let Some(c @ b'0'..=b'9') = at(i) {
		let d = u128::from(c.saturating_sub(b'0'));
		any_nonzero |= d != 0;
		int_digits = int_digits.saturating_add(1);
		i = i.saturating_add(1);
		if dropped > 0 {
			dropped = dropped.saturating_add(1);
			continue;
		}
		match mantissa.checked_mul(10).and_then(|m| m.checked_add(d)) {
			// The same safety margin as the fraction's, below.
			Some(m) if m < u128::MAX / 1_000 => mantissa = m,
			_ => dropped = 1,
		}
	}
	let mut frac_seen = 0u32;
	if at(i) == Some(b'.') {
		i = i.saturating_add(1);
		// With integer digits dropped, no fraction digit can matter.
		let mut truncated = dropped > 0;
		while let Some(c @ b'0'..=b'9') = at(i) {
			let d = u128::from(c.saturating_sub(b'0'));
			frac_seen = frac_seen.saturating_add(1);
			i = i.saturating_add(1);
			if truncated {
				continue;
			}
			match mantissa.checked_mul(10).and_then(|m| m.checked_add(d)) {
				// Keep a safety margin below u128::MAX for the scaling that follows.
				Some(m) if m < u128::MAX / 1_000 => {
					mantissa = m;
					frac_digits = frac_digits.saturating_add(1);
					any_nonzero |= d != 0;
				},
				_ => truncated = true,
			}
		}
		if frac_seen == 0 {
			return Err(NumberError::NotANumber);
		}
	}
	if int_digits == 0 {
		return Err(NumberError::NotANumber);
	}
	let mut exponent: i32 = 0;
	if matches!(at(i), Some(b'e' | b'E')) {
		i = i.saturating_add(1);
		let exp_negative = at(i) == Some(b'-');
		if matches!(at(i), Some(b'+' | b'-')) {
			i = i.saturating_add(1);
		}
		let mut n = 0u32;
		while let Some(c @ b'0'..=b'9') = at(i) {
			exponent = exponent
				.checked_mul(10)
				.and_then(|e| e.checked_add(i32::from(c.saturating_sub(b'0'))))
				.ok_or(NumberError::Overflow)?;
			if exponent > MAX_EXPONENT.saturating_mul(10) {
				return Err(NumberError::Overflow);
			}
			n = n.saturating_add(1);
			i = i.saturating_add(1);
		}
		if n == 0 {
			return Err(NumberError::NotANumber);
		}
		if exp_negative {
			exponent = exponent.saturating_neg();
		}
	}
	if i != bytes.len() {
		return Err(NumberError::NotANumber);
	}
	if negative && any_nonzero {
		return Err(NumberError::NotPositive);
	}
	if !any_nonzero {
		return Err(NumberError::NotPositive);
	}
	// value = mantissa × 10^(exponent − frac_digits − decimals); inner = value × 10^18.
	let shift = exponent
		.saturating_add(dropped)
		.saturating_sub(frac_digits)
		.saturating_sub(i32::from(decimals))
		.saturating_add(18);
	if shift > MAX_EXPONENT || shift < MAX_EXPONENT.saturating_neg() {
		return Err(if shift > 0 { NumberError::Overflow } else { NumberError::NotPositive });
	}
	let inner = if shift >= 0 {
		10u128
			.checked_pow(shift.unsigned_abs())
			.and_then(|p| mantissa.checked_mul(p))
			.ok_or(NumberError::Overflow)?
	} else {
		match 10u128.checked_pow(shift.unsigned_abs()) {
			Some(p) => mantissa.checked_div(p).unwrap_or(0),
			None => 0,
		}
	};
	if inner == 0 {
		// Below 10^-18: not a usable price.
		return Err(NumberError::NotPositive);
	}
	Ok(Price::from_inner(inner))
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::string::ToString;

	fn price(s: &str) -> Price {
		Price::from_inner(s.parse::<u128>().unwrap())
	}

	#[test]
	fn decimals_parse_exactly() {
		assert_eq!(parse_decimal("60000.00", 0), Ok(Price::from_u32(60_000)));
		assert_eq!(parse_decimal("0.1", 0), Ok(price("100000000000000000")));
		assert_eq!(
			parse_decimal("3012.345678901234567891", 0),
			Ok(price("3012345678901234567891"))
		);
		// Beyond 18 decimals: truncated, not rounded.
		assert_eq!(parse_decimal("1.0000000000000000019", 0), Ok(price("1000000000000000001")));
		assert_eq!(parse_decimal("6e4", 0), Ok(Price::from_u32(60_000)));
		assert_eq!(parse_decimal("6.5E+1", 0), Ok(Price::from_u32(65)));
		assert_eq!(parse_decimal("650e-1", 0), Ok(Price::from_u32(65)));
		// Scaled sources: cents, and 8-decimal integers.
		assert_eq!(parse_decimal("6000000", 2), Ok(Price::from_u32(60_000)));
		assert_eq!(parse_decimal("6000000000000", 8), Ok(Price::from_u32(60_000)));
		// A long tail of fraction digits does not overflow.
		assert_eq!(
			parse_decimal("1.00000000000000000000000000000000000000000000009", 0),
			Ok(Price::from_u32(1))
		);
	}

	#[test]
	fn long_integer_parts_with_negative_exponents_are_read() {
		// Found by the differential fuzz target: 41 integer digits scaled down by e-30 is
		// 16,666,666,666.67, not an overflow.
		let p = parse_decimal("16666666666666666666666666666666666666166.5E-30", 0).unwrap();
		assert_eq!(p.into_inner() / 1_000_000_000, 16_666_666_666_666_666_666);
		// Digits beyond precision are truncated, never rounded up, whatever their number.
		let long = alloc::format!("1{}e-{}", "9".repeat(200), 200);
		assert_eq!(parse_decimal(&long, 0), Ok(price("1999999999999999999")));
		// Still an overflow when the value itself is too large.
		assert_eq!(parse_decimal(&"9".repeat(60), 0), Err(NumberError::Overflow));
	}

	#[test]
	fn non_prices_are_refused() {
		assert_eq!(parse_decimal("0", 0), Err(NumberError::NotPositive));
		assert_eq!(parse_decimal("0.000", 0), Err(NumberError::NotPositive));
		assert_eq!(parse_decimal("-1.5", 0), Err(NumberError::NotPositive));
		assert_eq!(parse_decimal("-0", 0), Err(NumberError::NotPositive));
		assert_eq!(parse_decimal("1e-19", 0), Err(NumberError::NotPositive));
		assert_eq!(parse_decimal("", 0), Err(NumberError::NotANumber));
		assert_eq!(parse_decimal("abc", 0), Err(NumberError::NotANumber));
		assert_eq!(parse_decimal("1.", 0), Err(NumberError::NotANumber));
		assert_eq!(parse_decimal(".5", 0), Err(NumberError::NotANumber));
		assert_eq!(parse_decimal("1e", 0), Err(NumberError::NotANumber));
		assert_eq!(parse_decimal("1,5", 0), Err(NumberError::NotANumber));
		assert_eq!(parse_decimal("NaN", 0), Err(NumberError::NotANumber));
		assert_eq!(parse_decimal("1e999999999999", 0), Err(NumberError::Overflow));
		assert_eq!(parse_decimal("1e30", 0), Err(NumberError::Overflow));
		assert_eq!(
			parse_decimal("1000000000000000000000000000000000000000000", 0),
			Err(NumberError::Overflow)
		);
	}

	#[test]
	fn documents_parse_and_paths_select() {
		let doc = br#" { "a": [1, {"b": "x\u00e9\"y"}], "c": null, "d": true, "e": -1.5e3 } "#;
		let v = parse(doc).unwrap();
		assert_eq!(select(&v, "a.0"), Some(&Value::Number("1".to_string())));
		assert_eq!(select(&v, "a.1.b"), Some(&Value::String("xé\"y".to_string())));
		assert_eq!(select(&v, "c"), Some(&Value::Null));
		assert_eq!(select(&v, "d"), Some(&Value::Bool(true)));
		assert_eq!(select(&v, "e"), Some(&Value::Number("-1.5e3".to_string())));
		assert_eq!(select(&v, "a.2"), None);
		assert_eq!(select(&v, "a.x"), None);
		assert_eq!(select(&v, "zz"), None);
		assert_eq!(select(&v, ""), Some(&v));
		assert_eq!(parse(br#""\ud83d\ude00""#), Ok(Value::String("😀".to_string())));
	}

	#[test]
	fn broken_documents_are_refused() {
		let full = br#"{"symbol":"BTCUSDT","price":"60000.00"}"#;
		assert!(parse(full).is_ok());
		// Every strict prefix is refused (a truncated body is never half-used).
		for cut in 0..full.len() {
			assert!(parse(&full[..cut]).is_err(), "prefix of {cut} bytes accepted");
		}
		assert_eq!(parse(br#"{"price":"1"} x"#), Err(JsonError::TrailingData));
		assert_eq!(parse(br#"{"price":01}"#), Err(JsonError::Malformed));
		assert_eq!(parse(br#"{'price':1}"#), Err(JsonError::Malformed));
		assert_eq!(parse(br#"{"price":1,}"#), Err(JsonError::Malformed));
		assert_eq!(parse(b"<html>502 Bad Gateway</html>"), Err(JsonError::Malformed));
		assert_eq!(parse(b"{\"a\":\"\x01\"}"), Err(JsonError::Malformed));
		assert_eq!(parse(b"\"\xff\""), Err(JsonError::Malformed));
		let deep = "[".repeat(40) + &"]".repeat(40);
		assert_eq!(parse(deep.as_bytes()), Err(JsonError::TooDeep));
	}

	#[test]
	fn selected_values_convert() {
		assert_eq!(to_price(&Value::String(" 12.5 ".into()), 0), Ok(price("12500000000000000000")));
		assert_eq!(to_price(&Value::Number("12.5".into()), 0), Ok(price("12500000000000000000")));
		assert_eq!(to_price(&Value::Null, 0), Err(NumberError::NotANumber));
		assert_eq!(to_price(&Value::Array(Vec::new()), 0), Err(NumberError::NotANumber));
	}
}
