import { envInt } from '../config/env-types.js';

/**
 * The one retention policy of every sink, read by whatever creates or prunes data (the relay and
 * consumers creating topics, republish, services/lifecycle). Same variables everywhere, so one
 * setting changes every place that applies it.
 */
export const retentionSettings = {
  /** Authlog (MySQL) and the Elasticsearch monthly indices: Duo's Admin API keeps 180 days. */
  RETENTION_AUTHLOG_DAYS: envInt(180, { min: 1, max: 3_650 }),
  /** Webhook attempts and messages (MySQL). */
  RETENTION_WEBHOOK_DAYS: envInt(30, { min: 1, max: 3_650 }),
  /** The events topic (and republished topics): long enough to rebuild a consumer after a week's outage. */
  RETENTION_EVENTS_TOPIC_HOURS: envInt(168, { min: 1, max: 87_600 }),
  /** Dead-letter topics: kept longer than events, an operator has to look at them. */
  RETENTION_DLQ_TOPIC_DAYS: envInt(30, { min: 1, max: 3_650 }),
  /** The audit log of changes made through the customer APIs (MySQL). */
  RETENTION_AUDIT_DAYS: envInt(365, { min: 1, max: 3_650 }),
} as const;

export interface RetentionPolicy {
  readonly authlogDays: number;
  readonly webhookDays: number;
  readonly eventsTopicHours: number;
  readonly dlqTopicDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = Object.freeze({ authlogDays: 180, webhookDays: 30, eventsTopicHours: 168, dlqTopicDays: 30 });

export function retentionPolicyOf(settings: {
  readonly RETENTION_AUTHLOG_DAYS: number;
  readonly RETENTION_WEBHOOK_DAYS: number;
  readonly RETENTION_EVENTS_TOPIC_HOURS: number;
  readonly RETENTION_DLQ_TOPIC_DAYS: number;
}): RetentionPolicy {
  return Object.freeze({
    authlogDays: settings.RETENTION_AUTHLOG_DAYS,
    webhookDays: settings.RETENTION_WEBHOOK_DAYS,
    eventsTopicHours: settings.RETENTION_EVENTS_TOPIC_HOURS,
    dlqTopicDays: settings.RETENTION_DLQ_TOPIC_DAYS,
  });
}
