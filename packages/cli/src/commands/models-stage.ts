/**
 * `computeplane models stage <model-ref>`: pre-stage a model's files on a compute peer ahead of traffic (a
 * Hugging Face repo id or a platform model id), answered with the staging job, or followed with --wait.
 */
import type { Command } from 'commander';
import { stageModel, type StageRequest } from '@computeplane/sdk/compute';
import { action } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { collect } from '../core/input.js';
import { followJob } from '../core/job-wait.js';
import { showJob } from './compute/workers.js';

export function registerModelsStage(models: Command): void {
  withExamples(
    models
      .command('stage')
      .description("download a model's files onto a compute peer ahead of traffic (a staging job)")
      .argument('<model-ref>', 'a Hugging Face repo id (owner/name) or a model id of this platform (model_…)')
      .option(
        '--peer <peer-id>',
        "the peer to stage on (default: the tenant's first healthy peer with a realtime endpoint)",
      )
      .option('--revision <rev>', 'Hub branch, tag or commit (default main)')
      .option('--dest-dir <dir>', "directory under the peer's staging directory (default: the repo id, / as --)")
      .option('--filter <glob>', 'stage only files matching a glob (repeatable: *.onnx, onnx/**)', collect)
      .option('--wait', 'follow the staging until every file is on the peer')
      .action(
        action<[string], StageFlags>(async (ctx, ref, flags) => {
          const body: StageRequest = { repo_id: ref };
          if (flags.peer !== undefined) body.peer_id = flags.peer;
          if (flags.revision !== undefined) body.revision = flags.revision;
          if (flags.destDir !== undefined) body.dest_dir = flags.destDir;
          if (flags.filter !== undefined) body.name_filters = flags.filter;
          const accepted = await ctx.call(stageModel(ctx.client, { body }, { signal: ctx.signal }));
          if (!flags.wait) {
            ctx.out.result(accepted, () => {
              ctx.out.fields([
                ['job_id', accepted.job_id],
                ['dest_dir', accepted.dest_dir],
              ]);
              ctx.out.note(`Follow it: computeplane compute workers get ${accepted.job_id} --wait`);
            });
            return;
          }
          // The API has no way to stop a staging job: Ctrl-C only stops waiting.
          ctx.onInterrupt(
            null,
            `staging job ${accepted.job_id} keeps running; follow it: computeplane compute workers get ${accepted.job_id} --wait`,
          );
          const job = await followJob(ctx, accepted.job_id, `Staging ${ref}`);
          showJob(ctx, job);
        }),
      ),
    [
      'computeplane models stage acme/tiny-mlp --peer peer_k3v9x2m4q7r8 --filter "*.onnx" --wait',
      'computeplane models stage model_k3v9x2m4q7r8 --json',
    ],
  );
}

interface StageFlags {
  peer?: string;
  revision?: string;
  destDir?: string;
  filter?: string[];
  wait?: boolean;
}
