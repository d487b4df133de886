/**
 * `@computeplane/sdk/admin`: operator calls (X-Admin-Key) that create tenants and issue or revoke their
 * API keys. Create the client with `createClient({ adminKey })`.
 */
export * from '../generated/admin.operations.js';
