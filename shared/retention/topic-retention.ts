import type { RetentionPolicy } from './retention-settings.js';

const HOUR_MS = 3_600_000;

/** Topic configs for an events topic (the live one or a republished one): time-based retention, deleted not compacted. */
export function eventsTopicConfig(policy: RetentionPolicy): { name: string; value: string }[] {
  return [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(policy.eventsTopicHours * HOUR_MS) },
  ];
}

/** Topic configs for a dead-letter topic. */
export function deadLetterTopicConfig(policy: RetentionPolicy): { name: string; value: string }[] {
  return [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(policy.dlqTopicDays * 24 * HOUR_MS) },
  ];
}
