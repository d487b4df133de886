/**
 * `npm start -w examples/batch-scoring -- <model id> <features.csv> [scores.csv]`: scores every row of the
 * CSV file with a model stored on a running server (COMPUTEPLANE_BASE_URL, COMPUTEPLANE_API_KEY; defaults
 * http://localhost:8080 and test-api-key) and writes the scores to the output file, or prints them.
 * npm runs workspace scripts in the workspace's folder: file paths are relative to examples/batch-scoring.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createClient } from '@computeplane/sdk';
import { readFeatures, scoreFeatures } from './scoring.js';

const [modelId, input, output] = process.argv.slice(2);
if (!modelId || !input) {
  console.error('usage: npm start -w examples/batch-scoring -- <model id> <features.csv> [scores.csv]');
  process.exit(2);
}
const client = createClient({ apiKey: process.env.COMPUTEPLANE_API_KEY ?? 'test-api-key' });
const features = readFeatures(await readFile(input, 'utf8'));
const scores = await scoreFeatures(client, modelId, features, { timeoutMs: 10 * 60_000 });
if (output) {
  await writeFile(output, scores);
  console.log(`scored ${features.rows} rows into ${output}`);
} else {
  process.stdout.write(scores);
}
