/**
 * The body customers receive, in the Standard Webhooks payload shape:
 *   {"type": "authlog.authentication", "timestamp": "<when the event happened>", "data": <AuthEvent>}
 * Built by concatenation around the event JSON as it came from Kafka, so the event is neither
 * re-parsed nor re-serialised on the hot path (the caller has validated it is JSON).
 */
export const TEST_WEBHOOK_TYPE = 'authlog.test';

export function webhookType(eventType: string): string {
  return `authlog.${eventType}`;
}

export function webhookBody(type: string, timestamp: string, dataJson: string): string {
  return `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(timestamp)},"data":${dataJson}}`;
}

/** What "send test event" delivers: recognisable, and never mistaken for a real authentication. */
export function testWebhookBody(accountId: string, endpointId: string, at: Date): string {
  const data = { account_id: accountId, endpoint_id: endpointId, message: 'Test event from Authlog webhooks' };
  return webhookBody(TEST_WEBHOOK_TYPE, at.toISOString(), JSON.stringify(data));
}
