import { z } from 'zod';
import type { ApiOperation } from '../../../../shared/http/openapi/api-operation.js';
import { apiKeyListSchema, auditLogSchema, createdApiKeySchema, apiKeySchema, keyRequests } from './key-schemas.js';

const keyParams = z.object({ keyId: z.string().describe('the key id (16 characters, the part after alk_)') });
const noKey = { description: 'no such key in the caller\'s account: another account\'s ids read as unknown', errors: ['NOT_FOUND'] };

/** Key management and the audit log in the webhook API's OpenAPI document (scopes: route-policies.ts). */
export function keyOperations(): ApiOperation[] {
  const tag = 'API keys';
  return [
    {
      method: 'POST', path: '/v1/api-keys', operationId: 'createApiKey', tag, auth: 'apiKey',
      summary: 'Create an API key of the caller\'s account with some of the caller\'s scopes; the token is shown once',
      body: keyRequests.createKey,
      responses: {
        201: { description: 'the key and its token (alk_...), shown in this answer only', schema: createdApiKeySchema, name: 'CreatedApiKey' },
        403: { description: 'the caller lacks keys:admin, or a scope it asks to grant (field scopes)', errors: ['INSUFFICIENT_SCOPE'] },
      },
    },
    {
      method: 'GET', path: '/v1/api-keys', operationId: 'listApiKeys', tag, auth: 'apiKey',
      summary: 'The account\'s API keys in id order, revoked ones with revoked_at; never a secret',
      query: keyRequests.listKeys,
      responses: { 200: { description: 'a page of keys', schema: apiKeyListSchema, name: 'ApiKeyList' } },
    },
    {
      method: 'POST', path: '/v1/api-keys/:keyId/revoke', operationId: 'revokeApiKey', tag, auth: 'apiKey',
      summary: 'Revoke a key at once on every instance (a revoked key again: no change)', params: keyParams,
      body: keyRequests.empty,
      responses: {
        200: { description: 'the key, revoked', schema: apiKeySchema, name: 'ApiKey' },
        404: noKey,
        409: { description: 'the key is the account\'s last live key with keys:admin: create another first', errors: ['LAST_ADMIN_KEY'] },
      },
    },
    {
      method: 'GET', path: '/v1/audit-log', operationId: 'listAuditLog', tag: 'Audit log', auth: 'apiKey',
      summary: 'Changes to the account\'s endpoints, secrets, headers and keys, newest first: who, when, what (field names, never values) and the answer',
      query: keyRequests.listAudit,
      responses: { 200: { description: 'a page of audit entries', schema: auditLogSchema, name: 'AuditLog' } },
    },
  ];
}
