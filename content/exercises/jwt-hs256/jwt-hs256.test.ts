// Cases follow golang-jwt/jwt v5: parser.go (segment count, base64/JSON errors, alg lookup, the
// WithValidMethods check before the signature, the signature before the claims), validator.go
// (exp strict "now < exp + leeway", nbf/iat ">= - leeway", exp optional unless
// WithExpirationRequired, aud/iss only when expected, every failure joined under
// ErrTokenInvalidClaims) and parser_test.go / hmac_test.go (alg none, wrong key, tampered claims).
// The sample token is jwt.io's HS256 example, signed with "your-256-bit-secret".
import { describe, it, expect } from 'vitest';
import {
  JwtError,
  base64UrlDecode,
  base64UrlEncode,
  constantTimeEqual,
  hmacSha256,
  parseUnverified,
  validateClaims,
  verifyHS256,
  type JwtErrorCode,
} from './jwt-hs256';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The test's own base64url, built on btoa, so token building does not depend on your code. */
const b64url = (b: Uint8Array): string =>
  btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const seg = (value: unknown): string => b64url(enc.encode(JSON.stringify(value)));

const KEY = enc.encode('a-32-byte-secret-for-hs256-tests');
const HS256 = { alg: 'HS256', typ: 'JWT' };

/** header.claims.signature, HMAC-SHA256 with key (whatever the header claims the algorithm is). */
function sign(header: unknown, claims: unknown, key: Uint8Array = KEY): string {
  const input = `${seg(header)}.${seg(claims)}`;
  return `${input}.${b64url(hmacSha256(key, enc.encode(input)))}`;
}

/** Runs fn, expects a JwtError and returns it. */
function errorOf(fn: () => unknown): JwtError {
  try {
    fn();
  } catch (e) {
    if (e instanceof JwtError) return e;
    throw e;
  }
  throw new Error('expected a JwtError, but nothing was thrown');
}

function expectCodes(err: JwtError, ...codes: JwtErrorCode[]): void {
  for (const c of codes) expect(err.is(c), `expected code ${c}, got [${err.codes.join(', ')}]`).toBe(true);
}

const JWT_IO =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9' +
  '.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ' +
  '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const JWT_IO_KEY = enc.encode('your-256-bit-secret');
const NOW = 1_700_000_000;

describe('Task 1: base64url without padding', () => {
  it('encodes with - and _ instead of + and /, and without = padding', () => {
    expect(base64UrlEncode(new Uint8Array(0))).toBe('');
    expect(base64UrlEncode(enc.encode('f'))).toBe('Zg');
    expect(base64UrlEncode(enc.encode('fo'))).toBe('Zm8');
    expect(base64UrlEncode(enc.encode('foo'))).toBe('Zm9v');
    expect(base64UrlEncode(enc.encode('foob'))).toBe('Zm9vYg');
    expect(base64UrlEncode(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
    expect(base64UrlEncode(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('decodes unpadded segments and round-trips every byte value', () => {
    expect(dec.decode(base64UrlDecode('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'))).toBe('{"alg":"HS256","typ":"JWT"}');
    expect(Array.from(base64UrlDecode('-_8'))).toEqual([0xfb, 0xff]);
    expect(base64UrlDecode('').length).toBe(0);
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 256; n += 37) {
      const part = all.subarray(0, n);
      expect(Array.from(base64UrlDecode(base64UrlEncode(part)))).toEqual(Array.from(part));
    }
  });

  it('rejects padding, the standard alphabet, whitespace and impossible lengths', () => {
    for (const bad of ['Zg==', 'Zm8=', 'a+b/', 'Zm9v Yg', 'Zm9v\nYg', 'Zm9vY', 'Zm9v.', 'é']) {
      expect(() => base64UrlDecode(bad), JSON.stringify(bad)).toThrow(/illegal base64 data/);
    }
  });
});

describe('Task 2: Split and decode the token', () => {
  it('splits the jwt.io sample into header, claims, signing input and a 32-byte signature', () => {
    const t = parseUnverified(JWT_IO);
    expect(t.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(t.claims).toEqual({ sub: '1234567890', name: 'John Doe', iat: 1516239022 });
    expect(t.signingInput).toBe(JWT_IO.slice(0, JWT_IO.lastIndexOf('.')));
    expect(t.signature.length).toBe(32);
    expect(t.signature[0]).toBe(0x49);
  });

  it('rejects anything but exactly three segments as ErrTokenMalformed', () => {
    for (const bad of ['', 'abc', 'a.b', `${JWT_IO}.x`, `Bearer ${JWT_IO}.`]) {
      const err = errorOf(() => parseUnverified(bad));
      expectCodes(err, 'ErrTokenMalformed');
      expect(err.message).toContain('token contains an invalid number of segments');
    }
  });

  it('rejects bad base64 or non-object JSON in any segment as ErrTokenMalformed', () => {
    const [h, c, s] = JWT_IO.split('.') as [string, string, string];
    const cases: [string, string][] = [
      [`${h}=.${c}.${s}`, 'could not base64 decode header'],
      [`${seg('not an object')}.${c}.${s}`, 'could not JSON decode header'],
      [`${b64url(enc.encode('{"alg":'))}.${c}.${s}`, 'could not JSON decode header'],
      [`${h}.${c.replace('J', '+')}.${s}`, 'could not base64 decode claim'],
      [`${h}.${seg([1, 2])}.${s}`, 'could not JSON decode claim'],
      [`${h}.${c}.${s}=`, 'could not base64 decode signature'],
    ];
    for (const [token, message] of cases) {
      const err = errorOf(() => parseUnverified(token));
      expectCodes(err, 'ErrTokenMalformed');
      expect(err.message).toContain(message);
    }
  });

  it('rejects a missing or unknown alg as ErrTokenUnverifiable', () => {
    const c = seg({ sub: 'x' });
    const noAlg = errorOf(() => parseUnverified(`${seg({ typ: 'JWT' })}.${c}.`));
    expectCodes(noAlg, 'ErrTokenUnverifiable');
    expect(noAlg.message).toBe('token is unverifiable: signing method (alg) is unspecified');
    expectCodes(errorOf(() => parseUnverified(`${seg({ alg: 256 })}.${c}.`)), 'ErrTokenUnverifiable');
    const unknown = errorOf(() => parseUnverified(`${seg({ alg: 'HS257' })}.${c}.`));
    expect(unknown.message).toBe('token is unverifiable: signing method (alg) is unavailable');
    // "none" is a known method: it parses, and is refused later by the method check.
    expect(parseUnverified(`${seg({ alg: 'none' })}.${c}.`).signature.length).toBe(0);
  });
});

describe('Task 3: Pin the algorithm and check the signature', () => {
  it('compares byte arrays like hmac.Equal', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([9, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
  });

  it('accepts the jwt.io sample with its secret and returns the claims', () => {
    expect(verifyHS256(JWT_IO, JWT_IO_KEY, { now: NOW })).toEqual({
      sub: '1234567890',
      name: 'John Doe',
      iat: 1516239022,
    });
    const own = sign(HS256, { sub: 'user-42', exp: NOW + 60 });
    expect(verifyHS256(own, KEY, { now: NOW })).toEqual({ sub: 'user-42', exp: NOW + 60 });
  });

  it('refuses alg "none", RS256 and HS512 before looking at the signature', () => {
    const claims = { sub: 'admin' };
    const none = `${seg({ alg: 'none', typ: 'JWT' })}.${seg(claims)}.`;
    const noneErr = errorOf(() => verifyHS256(none, KEY, { now: NOW }));
    expectCodes(noneErr, 'ErrTokenSignatureInvalid');
    expect(noneErr.message).toBe('token signature is invalid: signing method none is invalid');
    // Algorithm confusion: an "RS256" token whose HMAC was made with a key the verifier holds.
    for (const alg of ['RS256', 'HS512']) {
      const err = errorOf(() => verifyHS256(sign({ alg, typ: 'JWT' }, claims), KEY, { now: NOW }));
      expectCodes(err, 'ErrTokenSignatureInvalid');
      expect(err.message).toContain(`signing method ${alg} is invalid`);
    }
  });

  it('rejects a wrong key, edited claims and a cut signature as ErrTokenSignatureInvalid', () => {
    const wrongKey = errorOf(() => verifyHS256(JWT_IO, enc.encode('your-256-bit-secreT'), { now: NOW }));
    expectCodes(wrongKey, 'ErrTokenSignatureInvalid');
    expect(wrongKey.message).toBe('token signature is invalid: signature is invalid');

    const [h, , s] = JWT_IO.split('.') as [string, string, string];
    const forged = `${h}.${seg({ sub: '1234567890', name: 'John Doe', admin: true, iat: 1516239022 })}.${s}`;
    expectCodes(errorOf(() => verifyHS256(forged, JWT_IO_KEY, { now: NOW })), 'ErrTokenSignatureInvalid');

    const cut = JWT_IO.slice(0, -3); // 40 characters: valid base64url, 30 bytes
    expectCodes(errorOf(() => verifyHS256(cut, JWT_IO_KEY, { now: NOW })), 'ErrTokenSignatureInvalid');
  });

  it('checks the signature before the claims', () => {
    const expiredAndForged = sign(HS256, { exp: NOW - 10 }, enc.encode('attacker key'));
    const err = errorOf(() => verifyHS256(expiredAndForged, KEY, { now: NOW }));
    expectCodes(err, 'ErrTokenSignatureInvalid');
    expect(err.is('ErrTokenExpired')).toBe(false);
  });
});

describe('Task 4: Time claims', () => {
  it('treats exp as "valid while now < exp" and reports ErrTokenExpired inside ErrTokenInvalidClaims', () => {
    expect(() => validateClaims({ exp: NOW + 1 }, { now: NOW })).not.toThrow();
    for (const exp of [NOW, NOW - 1]) {
      const err = errorOf(() => validateClaims({ exp }, { now: NOW }));
      expectCodes(err, 'ErrTokenInvalidClaims', 'ErrTokenExpired');
      expect(err.message).toBe('token has invalid claims: token is expired');
    }
    const viaVerify = errorOf(() => verifyHS256(sign(HS256, { exp: NOW - 5 }), KEY, { now: NOW }));
    expectCodes(viaVerify, 'ErrTokenInvalidClaims', 'ErrTokenExpired');
  });

  it('rejects a token used before nbf, accepts it from nbf on', () => {
    expect(() => validateClaims({ nbf: NOW }, { now: NOW })).not.toThrow();
    const err = errorOf(() => validateClaims({ nbf: NOW + 1 }, { now: NOW }));
    expectCodes(err, 'ErrTokenInvalidClaims', 'ErrTokenNotValidYet');
    expect(err.is('ErrTokenExpired')).toBe(false);
  });

  it('applies the leeway to exp, nbf and iat', () => {
    const opts = { now: NOW, leeway: 30, verifyIat: true };
    expect(() => validateClaims({ exp: NOW - 29, nbf: NOW + 30, iat: NOW + 30 }, opts)).not.toThrow();
    expectCodes(errorOf(() => validateClaims({ exp: NOW - 30 }, opts)), 'ErrTokenExpired');
    expectCodes(errorOf(() => validateClaims({ nbf: NOW + 31 }, opts)), 'ErrTokenNotValidYet');
    expectCodes(errorOf(() => validateClaims({ iat: NOW + 31 }, opts)), 'ErrTokenUsedBeforeIssued');
  });

  it('accepts a token without exp unless requireExp is set (golang-jwt v5 default)', () => {
    expect(verifyHS256(JWT_IO, JWT_IO_KEY, { now: NOW })['sub']).toBe('1234567890');
    const err = errorOf(() => verifyHS256(JWT_IO, JWT_IO_KEY, { now: NOW, requireExp: true }));
    expectCodes(err, 'ErrTokenInvalidClaims', 'ErrTokenRequiredClaimMissing');
    expect(err.message).toBe('token has invalid claims: token is missing required claim: exp claim is required');
  });

  it('checks iat only with verifyIat, and rejects time claims that are not numbers', () => {
    expect(() => validateClaims({ iat: NOW + 3600 }, { now: NOW })).not.toThrow();
    expectCodes(errorOf(() => validateClaims({ iat: NOW + 3600 }, { now: NOW, verifyIat: true })), 'ErrTokenUsedBeforeIssued');
    const err = errorOf(() => validateClaims({ exp: String(NOW + 60) }, { now: NOW }));
    expectCodes(err, 'ErrTokenInvalidClaims', 'ErrInvalidType');
    expect(err.message).toBe('token has invalid claims: invalid type for claim: exp is invalid');
  });
});

describe('Task 5: Audience and issuer', () => {
  it('checks aud only when an audience is expected; one match is enough', () => {
    expect(() => validateClaims({ aud: 'billing-api' }, { now: NOW })).not.toThrow();
    expect(() => validateClaims({ aud: 'orders-api' }, { now: NOW, audience: 'orders-api' })).not.toThrow();
    expect(() => validateClaims({ aud: ['web', 'orders-api'] }, { now: NOW, audience: ['x', 'orders-api'] })).not.toThrow();
    expectCodes(errorOf(() => validateClaims({ aud: ['web', 'billing-api'] }, { now: NOW, audience: 'orders-api' })), 'ErrTokenInvalidAudience');
    for (const aud of [undefined, '', ['']]) {
      const err = errorOf(() => validateClaims({ aud }, { now: NOW, audience: 'orders-api' }));
      expectCodes(err, 'ErrTokenRequiredClaimMissing');
      expect(err.message).toContain('aud claim is required');
    }
    expectCodes(errorOf(() => validateClaims({ aud: [1] }, { now: NOW, audience: 'orders-api' })), 'ErrInvalidType');
  });

  it('requires an exact iss only when an issuer is expected', () => {
    const issuer = 'https://auth.example.com';
    expect(() => validateClaims({ iss: 'someone-else' }, { now: NOW })).not.toThrow();
    expect(() => validateClaims({ iss: issuer }, { now: NOW, issuer })).not.toThrow();
    expectCodes(errorOf(() => validateClaims({ iss: `${issuer}/` }, { now: NOW, issuer })), 'ErrTokenInvalidIssuer');
    const missing = errorOf(() => validateClaims({}, { now: NOW, issuer }));
    expectCodes(missing, 'ErrTokenRequiredClaimMissing');
    expect(missing.message).toContain('iss claim is required');
  });

  it('reports every failing claim in one error, in the order exp, nbf, iat, aud, iss', () => {
    const token = sign(HS256, { exp: NOW - 1, nbf: NOW + 100, aud: 'web', iss: 'evil' });
    const err = errorOf(() =>
      verifyHS256(token, KEY, { now: NOW, audience: 'orders-api', issuer: 'https://auth.example.com' }),
    );
    expect(err.codes).toEqual([
      'ErrTokenInvalidClaims',
      'ErrTokenExpired',
      'ErrTokenNotValidYet',
      'ErrTokenInvalidAudience',
      'ErrTokenInvalidIssuer',
    ]);
    expect(err.message).toBe(
      'token has invalid claims: token is expired, token is not valid yet, token has invalid audience, token has invalid issuer',
    );
  });
});
