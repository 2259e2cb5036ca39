/** Webhook type of the "send test event" message (real events carry their ce_type). */
export const TEST_WEBHOOK_TYPE = 'authlog.test';

/**
 * The body customers receive, in the Standard Webhooks payload shape:
 *   {"type": "authlog.authentication", "timestamp": "<when the event happened>", "data": <AuthEvent>}
 * `type` is the event's CloudEvents type (ce_type) as it came from Kafka. Built by concatenation
 * around the event JSON, so the event is neither re-parsed nor re-serialised on the hot path (the
 * caller has validated it is JSON).
 */
export function webhookBody(type: string, timestamp: string, dataJson: string): string {
  return `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(timestamp)},"data":${dataJson}}`;
}

/** What "send test event" delivers: recognisable, and never mistaken for a real authentication. */
export function testWebhookBody(accountId: string, endpointId: string, at: Date): string {
  const data = { account_id: accountId, endpoint_id: endpointId, message: 'Test event from Authlog webhooks' };
  return webhookBody(TEST_WEBHOOK_TYPE, at.toISOString(), JSON.stringify(data));
}
