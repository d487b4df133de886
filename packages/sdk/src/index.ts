/**
 * `@computeplane/sdk`: the client core (createClient, unwrap, errors, pagination, polling). Import each
 * API area from its own entry point, e.g. `@computeplane/sdk/models`, so bundles carry only what they use.
 */
export * from './core/index.js';
