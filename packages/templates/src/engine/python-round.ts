/** The exact binary value of a finite double as `mantissa * 2 ** exponent`. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0
    ? { mantissa: fraction, exponent: -1074 }
    : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/**
 * Python's `round(value, digits)` for `digits >= 0`: rounds the exact binary
 * value, with ties to even (JavaScript's rounding sends ties up), then reads
 * the decimal result back as the nearest double.
 */
export function pythonRound(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  if (digits < 0) {
    const factor = 10 ** -digits;
    return pythonRound(value / factor, 0) * factor;
  }
  const { mantissa, exponent } = decompose(value);
  const scaled = mantissa * 10n ** BigInt(digits);
  let rounded: bigint;
  if (exponent >= 0) rounded = scaled << BigInt(exponent);
  else {
    const divisor = 1n << BigInt(-exponent);
    const quotient = scaled / divisor;
    const twiceRemainder = (scaled % divisor) * 2n;
    const roundUp = twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n);
    rounded = roundUp ? quotient + 1n : quotient;
  }
  const magnitude = Number(`${rounded}e-${digits}`);
  return value < 0 ? -magnitude : magnitude;
}
