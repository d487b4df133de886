/**
 * How a server process shares its training devices among the jobs it runs (docs/training.md, "Allocation"),
 * as a pure function of the jobs (in order: running ones by claim, then candidates by age) and devices.
 *
 * 1. Admission: in order, each job gets one device it may use (its tenant's, meeting its resource_config),
 *    if one is still free; a job that gets none has no share (it stays, or goes back to, queued).
 * 2. The rest go one by one, D'Hondt style, to the admitted job with the largest `weight / (held + 1)`
 *    (weight = total_samples * epochs; ties to the earlier job) that may use a free device and is below
 *    its max_devices: shares come out proportional to weight.
 *
 * A job is given a device it holds now before any other (so a rebalance moves as few devices as it can),
 * else the free device the fewest jobs may use (so versatile ones stay for jobs that need them).
 */
export interface AllocationJob {
  id: string;
  weight: number;
  maxDevices: number;
  /** The devices this job may use. */
  eligible: string[];
  /** The devices it holds now. */
  held: string[];
}

export function allocateDevices(jobs: AllocationJob[], devices: string[]): Map<string, string[]> {
  const free = new Set(devices);
  const shares = new Map(jobs.map((job) => [job.id, [] as string[]]));
  const users = new Map(devices.map((d) => [d, jobs.filter((job) => job.eligible.includes(d)).length]));
  const pick = (job: AllocationJob): string | undefined => {
    const usable = devices.filter((d) => free.has(d) && job.eligible.includes(d));
    return usable.find((d) => job.held.includes(d)) ?? usable.sort((a, b) => users.get(a)! - users.get(b)!)[0];
  };
  const give = (job: AllocationJob, device: string) => {
    free.delete(device);
    shares.get(job.id)!.push(device);
  };
  const admitted: AllocationJob[] = [];
  for (const job of jobs) {
    const device = job.maxDevices >= 1 ? pick(job) : undefined;
    if (device === undefined) continue;
    give(job, device);
    admitted.push(job);
  }
  for (;;) {
    let best: { job: AllocationJob; device: string; quotient: number } | undefined;
    for (const job of admitted) {
      const held = shares.get(job.id)!.length;
      if (held >= job.maxDevices) continue;
      const quotient = job.weight / (held + 1);
      if (best && quotient <= best.quotient) continue;
      const device = pick(job);
      if (device !== undefined) best = { job, device, quotient };
    }
    if (!best) return shares;
    give(best.job, best.device);
  }
}
