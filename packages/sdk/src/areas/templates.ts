/**
 * `@computeplane/sdk/templates`: the templates GPU sessions can be launched with (image, options, start
 * command, machine requirements), from every configured provider. Which templates run on an offer:
 * `listCompatibleTemplates` and the `template_hash_id` filter of `listOffers` in `@computeplane/sdk/offers`.
 */
export * from '../generated/templates.operations.js';
