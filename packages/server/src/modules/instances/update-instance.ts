/**
 * PATCH: new values in the instance's env map. A value a credential takes as its source rotates the secret
 * live (the proxy's entry is replaced at once); other values reach the guest at its next start.
 */
import { ApiProblem } from '../../platform/http/problem.js';
import { checkCredentials } from './credential-rules.js';
import type { InstanceContext } from './instance-context.js';
import type { InstanceRow } from './instance-repository.js';

export async function updateInstanceEnv(
  ctx: InstanceContext,
  row: InstanceRow,
  env: Record<string, string>,
  onRotated: (row: InstanceRow) => void,
): Promise<InstanceRow> {
  if (row.state === 'Unknown')
    throw new ApiProblem(409, 'INVALID_STATE', `Instance '${row.name}' is Unknown; it can only be deleted`);
  const spec = { ...row.spec, env: { ...row.spec.env, ...env } };
  checkCredentials(spec.credentials, spec.env);
  const updated = (await ctx.instances.update(row.id, { spec }))!;
  onRotated(updated);
  return updated;
}
