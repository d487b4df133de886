/** drizzle-kit configuration: `npx drizzle-kit generate` writes SQL migrations from src/platform/db/schema.ts. */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/platform/db/schema.ts',
  out: './drizzle',
});
