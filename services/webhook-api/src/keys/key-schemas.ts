import { z } from 'zod';
import { SCOPES } from '../../../../shared/auth/scopes.js';

/** Requests and answers of key management and the audit log (key-routes.ts, key-operations.ts). */
const scope = z.enum(SCOPES, { message: `one of ${SCOPES.join(', ')}` });
const limit = z.coerce.number({ message: 'a number' }).int({ message: 'a whole number' }).min(1, { message: 'at least 1' }).max(250, { message: 'at most 250' }).default(50);
const instant = z.iso.datetime({ offset: true });

export const keyRequests = {
  createKey: z
    .object({
      name: z.string({ message: 'a name for people, e.g. "SIEM reader"' }).trim().min(1, { message: 'at least 1 character' }).max(128, { message: 'at most 128 characters' }),
      scopes: z
        .array(scope, { message: `a list of scopes, e.g. ["logs:read"] (${SCOPES.join(', ')})` })
        .min(1, { message: 'at least one scope' })
        .max(SCOPES.length, { message: `at most ${SCOPES.length} scopes` })
        .refine((given) => new Set(given).size === given.length, { message: 'each scope once' }),
    })
    .strict(),
  listKeys: z.object({ limit, after: z.string().regex(/^[A-Za-z0-9]{16}$/, { message: 'a key id' }).optional() }).strict(),
  listAudit: z.object({ limit, before: z.string().regex(/^\d{1,20}$/, { message: 'an audit entry id' }).optional() }).strict(),
  empty: z.object({}).strict(),
};

export const apiKeySchema = z
  .object({
    id: z.string().describe('the key id: the 16 characters after alk_ in the token'),
    name: z.string(),
    scopes: z.array(scope),
    created_at: instant,
    revoked_at: instant.nullable(),
  })
  .strict();
export type ApiKeyView = z.output<typeof apiKeySchema>;

export const createdApiKeySchema = apiKeySchema.extend({ token: z.string().describe('alk_<id>_<secret>: shown in this answer only, stored as a SHA-256 digest') }).strict();

export const apiKeyListSchema = z.object({ data: z.array(apiKeySchema), next_after: z.string().nullable().describe('pass as after for the next page; null on the last') }).strict();

export const auditEntrySchema = z
  .object({
    id: z.string(),
    occurred_at: instant,
    key_id: z.string().describe('the API key that made the call'),
    action: z.string().describe('endpoint.create, endpoint.update, endpoint.disable and endpoint.enable (a PATCH of disabled, or POST .../enable), endpoint.delete, endpoint.secret.rotate, api_key.create, api_key.revoke'),
    method: z.string(),
    route: z.string().describe('the route pattern, e.g. /v1/endpoints/:endpointId'),
    target_id: z.string().nullable().describe('the endpoint or key changed (for a create, the new id once answered)'),
    fields: z.array(z.string()).describe('names of the fields sent, one level down into objects (headers.Authorization); never values'),
    status: z.number().int().nullable().describe('the answer\'s status; null: the outcome is unknown (the instance stopped mid-request)'),
    error_code: z.string().nullable(),
  })
  .strict();
export type AuditEntryView = z.output<typeof auditEntrySchema>;

export const auditLogSchema = z.object({ data: z.array(auditEntrySchema), next_before: z.string().nullable().describe('pass as before for the next page; null on the last') }).strict();
