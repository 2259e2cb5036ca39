import { authEventSchema } from '../../event/auth-event-schema.js';
import { describeAs } from './json-schema-of.js';

// The model accepts a Date or a string and always writes the canonical UTC string: say the latter.
describeAs(authEventSchema.shape.timestamp, { type: 'string', format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' });

/** An authentication event in an answer (the auth log, a webhook example): the event model's own schema. */
export const authEventAnswerSchema = authEventSchema;
