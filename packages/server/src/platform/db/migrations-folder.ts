/** Where the committed SQL migrations live: packages/server/drizzle, found from this file (src/ or dist/). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');
