/**
 * Retry or poison? The triage engine retries a batch whose store call failed with a retryable error
 * (the store or the path to it is unwell; the same batch will succeed later) and treats anything else
 * as a problem with the data or the schema, which no retry fixes.
 *
 * Errors arrive in three shapes, all duck-typed: `instanceof` is useless here, because chDB's
 * connection throws `@clickhouse/client-common`'s ClickHouseError while `@clickhouse/client` bundles
 * its own copy of that class.
 *   - a ClickHouse exception, `{ code: '252', type: 'TOO_MANY_PARTS' }` (server and chDB alike);
 *   - a Node socket error, `{ code: 'ECONNREFUSED' }`;
 *   - a client-side message: `Timeout error.` (request_timeout), or a proxy's body (`Bad Gateway`).
 */

/** ClickHouse error codes (src/Common/ErrorCodes.cpp) that describe the server's state, not the data. */
const RETRYABLE_CLICKHOUSE_CODES = new Set([
  '3', // UNEXPECTED_END_OF_FILE: connection cut mid-stream
  '159', // TIMEOUT_EXCEEDED
  '164', // READONLY: a replica in read-only mode (e.g. lost Keeper session)
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '203', // NO_FREE_CONNECTION
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '236', // ABORTED
  '241', // MEMORY_LIMIT_EXCEEDED: usually concurrent load; the triage batch is bounded
  '242', // TABLE_IS_READ_ONLY
  '252', // TOO_MANY_PARTS: merges are behind; back off
  '285', // TOO_FEW_LIVE_REPLICAS
  '319', // UNKNOWN_STATUS_OF_INSERT: retry with the same dedup token
  '394', // QUERY_WAS_CANCELLED: server shutting down
  '425', // SYSTEM_ERROR
  '439', // CANNOT_SCHEDULE_TASK
  '999', // KEEPER_EXCEPTION
  // The deployment, not the data: nothing succeeds until an operator fixes it, so every batch waits
  // (visibly, in the bus lag) instead of each of its records becoming a dead letter.
  '16', // NO_SUCH_COLUMN_IN_TABLE: schema behind the code
  '60', // UNKNOWN_TABLE
  '81', // UNKNOWN_DATABASE
  '497', // ACCESS_DENIED / NOT_ENOUGH_PRIVILEGES
  '516', // AUTHENTICATION_FAILED
]);

/** Node socket errors (the store is unreachable for now) and chDB's transient codes. */
const RETRYABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'CHDB_TIMEOUT', // chDB's own timeout; the engine is fine
  'CHDB_CLOSED', // chDB session closed under a running batch: shutdown, not bad data
]);

/**
 * Client-side messages without a code: @clickhouse/client's request timeout, a load balancer's error
 * page, and a chDB connection closed under a running batch (shutdown: do not mark the batch poison).
 */
const RETRYABLE_MESSAGE =
  /^Timeout error\.|socket hang up|Bad Gateway|Service Unavailable|Gateway Time-?out|ChdbConnection is closed/i;

/** True when the failed store call may succeed if repeated unchanged later. */
export function isRetryable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, clickhouseCode, message } = e as {
      code?: unknown;
      clickhouseCode?: unknown;
      message?: unknown;
    };
    if (
      typeof code === 'string' &&
      (RETRYABLE_CLICKHOUSE_CODES.has(code) || RETRYABLE_SOCKET_CODES.has(code))
    )
      return true;
    // chDB's own error classes (the cause of the mapped error) carry the ClickHouse code as a number.
    if (typeof clickhouseCode === 'number' && RETRYABLE_CLICKHOUSE_CODES.has(String(clickhouseCode)))
      return true;
    if (typeof message === 'string' && RETRYABLE_MESSAGE.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
