/**
 * Makes sure the project a task names exists before its records arrive: a `project_id` that no project has
 * yet becomes one (of the type of the work that named it), and tasks submitted by batch, async and
 * training jobs are added to its `submitted_tasks` in the same statement. Single upserts with
 * `col = col + n`, so concurrent submissions on any replica add up. Projects known to exist are remembered
 * (a bounded set), so sync requests naming a project cost no database round trip after the first.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { ProjectType } from '../db/schema.js';

const REMEMBERED = 10_000;

export function createProjectLedger(db: Db, clock: () => Date) {
  const known = new Set<string>();
  const remember = (key: string) => {
    if (known.size >= REMEMBERED) known.delete(known.values().next().value as string);
    known.add(key);
  };

  return {
    /** Creates the project if missing and adds `submitted` tasks to it. */
    async submit(tenantId: string, projectId: string, type: ProjectType, submitted: number): Promise<void> {
      const key = `${tenantId}\u0000${projectId}`;
      if (submitted === 0 && known.has(key)) return;
      await db.execute(sql`
        INSERT INTO projects (tenant_id, id, name, type, submitted_tasks, created_at)
        VALUES (${tenantId}, ${projectId}, ${projectId}, ${type}, ${submitted}, ${clock().toISOString()}::timestamptz)
        ON CONFLICT (tenant_id, id) DO UPDATE SET submitted_tasks = projects.submitted_tasks + excluded.submitted_tasks`);
      remember(key);
    },
    /**
     * Takes back tasks added by `submit` that will never run (a job that could not be stored, a training
     * job that reached its target early); the project completes if nothing else is left.
     */
    async withdraw(tenantId: string, projectId: string, submitted: number): Promise<void> {
      const left = sql`submitted_tasks - ${submitted}`;
      const done = sql`status = 'active' AND type <> 'realtime' AND total_tasks IS NULL AND ${left} > 0
                       AND completed_tasks + failed_tasks >= ${left}`;
      await db.execute(sql`
        UPDATE projects SET submitted_tasks = ${left},
          status = CASE WHEN ${done} THEN 'completed' ELSE status END,
          completed_at = CASE WHEN ${done} THEN ${clock().toISOString()}::timestamptz ELSE completed_at END
        WHERE tenant_id = ${tenantId} AND id = ${projectId}`);
    },
  };
}

export type ProjectLedger = ReturnType<typeof createProjectLedger>;
