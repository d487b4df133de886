/**
 * `@computeplane/test-support`: the repository's shared test helpers in one place. Prefer the subpath
 * of the one you need (`@computeplane/test-support/databases`, `/fixtures`, `/server-process`,
 * `/spec-validator`, `/ssh-exec`, `/test-server`): this index loads all of them, and with them
 * PostgreSQL, ssh2, Ajv and the spec bundler.
 */
export { adminUrl, createPostgresDatabase, testDrivers, type TestDatabase, type TestDriver } from './databases.js';
export { fixtureBytes, fixturePath, fixturesDir } from './fixtures.js';
export { mainScript, startServerProcess, type ServerProcess } from './server-process.js';
export { loadSpecValidator, type OpenApiDocument, type SpecOperation, type SpecValidator } from './spec-validator.js';
export { sshExec } from './ssh-exec.js';
export { ADMIN_KEY, INTERNAL_TOKEN, startTestServer, type TestServer } from './test-server.js';
