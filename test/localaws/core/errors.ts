/**
 * One error type for every stand-in. Each protocol encodes it the way its service does (JSON `__type`,
 * S3 `<Error>`, query `<ErrorResponse>`), so handlers never think about wire formats.
 */
export class AwsError extends Error {
  override name = 'AwsError';
  constructor(
    /** The error code the SDK turns into the exception name (e.g. `ResourceNotFoundException`, `NoSuchKey`). */
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra members/elements the real service sends with this error (e.g. S3 `Key`, `BucketName`). */
    readonly fields: Record<string, string | number | boolean> = {},
  ) {
    super(message);
  }
}

/** The kinds of failure the fault injector can force; each service maps them to its own error code. */
export type FaultKind = 'Throttling' | 'ServiceUnavailable' | 'InternalError' | 'ConnectionReset';
