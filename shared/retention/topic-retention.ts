const HOUR_MS = 3_600_000;

/** Topic configs for an events topic (the live one or a republished one): time-based retention (RETENTION_EVENTS_TOPIC_HOURS), deleted not compacted. */
export function eventsTopicConfig(retentionHours: number): { name: string; value: string }[] {
  return [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(retentionHours * HOUR_MS) },
  ];
}

/** Topic configs for a dead-letter topic (RETENTION_DLQ_TOPIC_DAYS). */
export function deadLetterTopicConfig(retentionDays: number): { name: string; value: string }[] {
  return [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(retentionDays * 24 * HOUR_MS) },
  ];
}
