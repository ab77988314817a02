/**
 * gRPC status codes, as grpc-go defines them in `codes/codes.go` (grpc/grpc-go at
 * 4793ad0474669eafbd5346c8a3d098fdfa542498, v1.85.0-dev). The models speak the canonical names of
 * the gRPC spec ("UNAVAILABLE", and "CANCELLED" with two Ls), because those are what service configs
 * (`retryableStatusCodes`) and the replay contract use; `goCodeString` gives Go's `Code.String()`
 * ("Unavailable", "Canceled") for text that quotes Go output.
 */

/** Canonical name → number, in the order of `codes/codes.go`. */
export const STATUS_CODES = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type StatusCodeName = keyof typeof STATUS_CODES;
export type StatusCodeNumber = (typeof STATUS_CODES)[StatusCodeName];

/** Go's unexported `_maxCode`: codes at or above it are rejected by `Code.UnmarshalJSON`. */
const MAX_CODE = 17;

const NAMES_BY_NUMBER: readonly StatusCodeName[] = Object.keys(STATUS_CODES) as StatusCodeName[];

/** Go's `Code.String()` spellings (`codes/code_string.go`), by number. */
const GO_STRINGS: readonly string[] = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];

export function isStatusCodeName(s: string): s is StatusCodeName {
  return Object.prototype.hasOwnProperty.call(STATUS_CODES, s);
}

export function statusCodeNumber(name: StatusCodeName): StatusCodeNumber {
  return STATUS_CODES[name];
}

/** The canonical name of a code number, or `CODE(n)` as grpc-go's `canonicalString` writes unknown codes. */
export function statusCodeName(code: number): string {
  return NAMES_BY_NUMBER[code] ?? `CODE(${code})`;
}

/** Go's `Code.String()`: `Code(n)` for numbers outside the table. */
export function goCodeString(code: number): string {
  return GO_STRINGS[code] ?? `Code(${code})`;
}

/**
 * Reads a status code the way grpc-go's `Code.UnmarshalJSON` does for service configs: a canonical
 * name (exact case), or a decimal number below 17. Returns undefined where Go returns an error.
 */
export function parseStatusCode(value: string | number): StatusCodeName | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value < MAX_CODE ? NAMES_BY_NUMBER[value] : undefined;
  }
  return isStatusCodeName(value) ? value : undefined;
}
