import type { EventIndexNames } from '../../../../shared/elasticsearch/event-index.js';
import { AuthlogError } from '../../../../shared/errors/authlog-error.js';
import type { AuthEvent } from '../../../../shared/event/auth-event.js';
import { parseAuthEvent } from '../../../../shared/event/parse-auth-event.js';
import { toBulkItem, type BulkItem } from '../bulk-item.js';
import type { AuthlogRow } from './authlog-page-reader.js';
import type { RejectedRow } from './checkpoint-store.js';

export interface RowOrigin {
  readonly authlogId: number;
  readonly txid: string;
}

/**
 * An Authlog row as the live indexer would index its event: same document, _id, routing and
 * monthly index, so the backfill and the indexer may write the same event in any order. Rows whose
 * payload is not a valid event are returned as rejections (recorded, never silently skipped).
 */
export function decodeAuthlogRow(row: AuthlogRow, names: EventIndexNames, maxDocumentBytes: number): { item: BulkItem<RowOrigin> } | { rejection: RejectedRow } {
  const reject = (reason: string, error: string) => ({ rejection: { authlogId: row.id, txid: row.txid, reason, error } });
  let json: unknown;
  try {
    json = JSON.parse(row.payload);
  } catch (error) {
    return reject('INVALID_JSON', `payload is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  let event: AuthEvent;
  try {
    event = parseAuthEvent(json);
  } catch (error) {
    return reject(error instanceof AuthlogError ? error.code : 'DECODE_FAILED', error instanceof Error ? error.message : String(error));
  }
  if (event.txid !== row.txid) return reject('ID_MISMATCH', `column txid ${row.txid} differs from the payload's txid ${event.txid}`);
  const item = toBulkItem(names, event, { authlogId: row.id, txid: row.txid });
  if (item.bytes > maxDocumentBytes) return reject('DOCUMENT_TOO_LARGE', `document is ${item.bytes} bytes, more than INDEXER_MAX_DOCUMENT_BYTES=${maxDocumentBytes}`);
  return { item };
}
