/**
 * JWT HS256 verification in the style of golang-jwt/jwt v5.
 * The first part of this file (hashing, errors, types) is provided: do not edit it.
 * Write your code below the "YOUR CODE BELOW" line.
 */

// ===========================================================================
// PROVIDED, DO NOT EDIT: SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104).
// The grader has no WebCrypto, so the hashing is done here in plain TypeScript.
// ===========================================================================

const SHA256_K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/** SHA-256 digest of data (32 bytes). Provided. */
export function sha256(data: Uint8Array): Uint8Array {
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  // Padding: 0x80, zeros, then the message length in bits as a 64-bit big-endian number.
  const padded = new Uint8Array((((data.length + 8) >> 6) + 1) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = data.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(padded.length - 4, bits >>> 0);

  const w = new Uint32Array(64);
  for (let block = 0; block < padded.length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(block + t * 4);
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
      const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!;
    for (let t = 0; t < 64; t++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[t]! + w[t]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
    h[5] = h[5]! + f;
    h[6] = h[6]! + g;
    h[7] = h[7]! + k;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]!);
  return out;
}

/** HMAC-SHA256(key, data) (32 bytes). Provided. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha256(key) : key);
  const inner = new Uint8Array(64 + data.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i]! ^ 0x36;
    outer[i] = block[i]! ^ 0x5c;
  }
  inner.set(data, 64);
  outer.set(sha256(inner), 64);
  return sha256(outer);
}

// ===========================================================================
// PROVIDED, DO NOT EDIT: errors, named after golang-jwt/jwt v5 errors.go.
// ===========================================================================

export type JwtErrorCode =
  | 'ErrTokenMalformed'
  | 'ErrTokenUnverifiable'
  | 'ErrTokenSignatureInvalid'
  | 'ErrTokenInvalidClaims'
  | 'ErrTokenRequiredClaimMissing'
  | 'ErrTokenExpired'
  | 'ErrTokenNotValidYet'
  | 'ErrTokenUsedBeforeIssued'
  | 'ErrTokenInvalidAudience'
  | 'ErrTokenInvalidIssuer'
  | 'ErrInvalidType';

/** The text of each error, as in golang-jwt. */
export const ERROR_TEXT: Readonly<Record<JwtErrorCode, string>> = {
  ErrTokenMalformed: 'token is malformed',
  ErrTokenUnverifiable: 'token is unverifiable',
  ErrTokenSignatureInvalid: 'token signature is invalid',
  ErrTokenInvalidClaims: 'token has invalid claims',
  ErrTokenRequiredClaimMissing: 'token is missing required claim',
  ErrTokenExpired: 'token is expired',
  ErrTokenNotValidYet: 'token is not valid yet',
  ErrTokenUsedBeforeIssued: 'token used before issued',
  ErrTokenInvalidAudience: 'token has invalid audience',
  ErrTokenInvalidIssuer: 'token has invalid issuer',
  ErrInvalidType: 'invalid type for claim',
};

/**
 * Every error the verifier throws. `codes` plays the part of Go's wrapped errors:
 * `err.is('ErrTokenExpired')` is `errors.Is(err, jwt.ErrTokenExpired)`.
 * The message is the text of the first code, then ": " and the detail, if any.
 */
export class JwtError extends Error {
  readonly codes: readonly JwtErrorCode[];

  constructor(codes: readonly JwtErrorCode[], detail = '') {
    const first = codes[0];
    const head = first === undefined ? 'jwt error' : ERROR_TEXT[first];
    super(detail ? `${head}: ${detail}` : head);
    this.name = 'JwtError';
    this.codes = [...codes];
  }

  is(code: JwtErrorCode): boolean {
    return this.codes.includes(code);
  }
}

/** The "alg" values golang-jwt has a signing method for. Anything else is unavailable. */
export const KNOWN_ALGORITHMS: readonly string[] = [
  'none',
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
];

/** Options of verifyHS256 and validateClaims. Times are Unix seconds. */
export interface VerifyOptions {
  /** The current time, seconds since the epoch (jwt.WithTimeFunc). */
  now: number;
  /** Allowed clock skew in seconds, default 0 (jwt.WithLeeway). */
  leeway?: number;
  /** Reject tokens without exp (jwt.WithExpirationRequired). */
  requireExp?: boolean;
  /** Check that iat is not in the future (jwt.WithIssuedAt). */
  verifyIat?: boolean;
  /** Accept only tokens whose aud contains one of these (jwt.WithAudience). */
  audience?: string | string[];
  /** Accept only tokens whose iss is exactly this (jwt.WithIssuer). */
  issuer?: string;
}

/** A token split and decoded, signature not yet checked. */
export interface ParsedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The first two segments joined by "." exactly as received: what the signature covers. */
  signingInput: string;
  signature: Uint8Array;
}

// ===========================================================================
// YOUR CODE BELOW
// ===========================================================================

// Task 1: base64url without padding

/** RFC 4648 §5 base64url without "=" padding (alphabet A–Z a–z 0–9 - _). */
export function base64UrlEncode(bytes: Uint8Array): string {
  throw new Error('not implemented');
}

/**
 * Strict inverse of base64UrlEncode. Throws an Error whose message starts with
 * "illegal base64 data" for any character outside the alphabet (including "=", "+", "/" and
 * whitespace) and for a length that is 1 more than a multiple of 4.
 */
export function base64UrlDecode(segment: string): Uint8Array {
  throw new Error('not implemented');
}

// Task 2: split and decode

/**
 * Splits a compact JWS "header.claims.signature" and decodes it without checking the signature.
 * Throws JwtError: ErrTokenMalformed for a wrong segment count, bad base64 or JSON that is not an
 * object; ErrTokenUnverifiable when "alg" is missing, not a string, or not in KNOWN_ALGORITHMS.
 */
export function parseUnverified(token: string): ParsedToken {
  throw new Error('not implemented');
}

// Task 3: pin the algorithm, check the signature

/** Like Go's hmac.Equal: same length and same bytes, without returning early. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  throw new Error('not implemented');
}

/**
 * Verifies an HS256 token and returns its claims. Order: parseUnverified; alg must be exactly
 * "HS256" (else ErrTokenSignatureInvalid "signing method <alg> is invalid"); HMAC-SHA256 over
 * signingInput compared in constant time (else ErrTokenSignatureInvalid "signature is invalid");
 * then validateClaims(claims, options).
 */
export function verifyHS256(token: string, key: Uint8Array, options: VerifyOptions): Record<string, unknown> {
  throw new Error('not implemented');
}

// Tasks 4 and 5: the claims

/**
 * Checks exp, nbf, iat (only with verifyIat), aud (only with audience) and iss (only with issuer).
 * Collects every failure and throws one JwtError whose codes are ErrTokenInvalidClaims followed by
 * one code per failure. Starter behaviour: accepts everything.
 */
export function validateClaims(claims: Record<string, unknown>, options: VerifyOptions): void {
  // not implemented yet: every token passes
}
