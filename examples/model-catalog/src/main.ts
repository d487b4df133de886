/**
 * `npm start -w examples/model-catalog -- <model files...>`: registers the files with a running server
 * (COMPUTEPLANE_BASE_URL, COMPUTEPLANE_API_KEY; defaults http://localhost:8080 and test-api-key) and
 * prints the catalog.
 */
import { createClient } from '@computeplane/sdk';
import { catalog, registerModel } from './catalog.js';

const client = createClient({ apiKey: process.env.COMPUTEPLANE_API_KEY ?? 'test-api-key' });
for (const path of process.argv.slice(2)) {
  const { model, created } = await registerModel(client, path);
  console.log(`${created ? 'uploaded' : 'already stored'}: ${model.name} (${model.id})`);
}
console.table(await catalog(client));
