/**
 * The command tree: global flags on the root, then one register function per area (commands/<area>.ts).
 * Usage mistakes end with exit code 2; `--help` and `--version` with 0.
 */
import { Command, Option } from 'commander';
import { CLI_VERSION } from './core/context.js';
import { registerAdmin } from './commands/admin.js';
import { registerCompletion } from './commands/completion.js';
import { registerBenchmark } from './commands/benchmark.js';
import { registerCompute } from './commands/compute.js';
import { registerConfig } from './commands/config.js';
import { registerCosts } from './commands/costs.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerDatasets } from './commands/datasets.js';
import { registerDevices } from './commands/devices.js';
import { registerEfficiency } from './commands/efficiency.js';
import { registerHealth } from './commands/health.js';
import { registerImages } from './commands/images.js';
import { registerInference } from './commands/inference.js';
import { registerInstances } from './commands/instances.js';
import { registerLabs } from './commands/labs.js';
import { registerModels } from './commands/models.js';
import { registerOffers } from './commands/offers.js';
import { registerPods } from './commands/pods.js';
import { registerProjects } from './commands/projects.js';
import { registerSessions } from './commands/sessions.js';
import { registerTemplates } from './commands/templates.js';
import { registerTrain } from './commands/train.js';
import { registerUsage } from './commands/usage.js';
import { registerVolumes } from './commands/volumes.js';

export function buildProgram(): Command {
  const program = new Command('computeplane')
    .description(
      'Computeplane on the command line: models, inference, training, devices, GPUs, pods, peers and instances.',
    )
    .version(CLI_VERSION, '-V, --version')
    .option(
      '--base-url <url>',
      'server root (env COMPUTEPLANE_BASE_URL, then the profile; default http://localhost:8080)',
    )
    .option('--api-key <key>', 'tenant API key (env COMPUTEPLANE_API_KEY, then the profile)')
    .option('--admin-key <key>', 'operator key for `admin` commands (env COMPUTEPLANE_ADMIN_KEY; never saved)')
    .option('--profile <name>', 'profile of ~/.config/computeplane/config.json to use (env COMPUTEPLANE_PROFILE)')
    .option('--json', "print the API's response exactly, as JSON (for scripts)")
    .option('--timeout <duration>', 'per-request timeout: 30, 30s, 1500ms, 2m (env COMPUTEPLANE_TIMEOUT; default 60s)')
    .addOption(
      new Option('--cancel-on-interrupt', 'on Ctrl-C, also cancel the job, training or instance this command started'),
    )
    .showHelpAfterError('(add --help for usage)')
    // Commander's usage errors start `error: `; ours all start with the program's name, so theirs do too.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'computeplane: ')) })
    .exitOverride()
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true });
  registerConfig(program);
  registerModels(program);
  registerInference(program);
  registerDatasets(program);
  registerTrain(program);
  registerEfficiency(program);
  registerDevices(program);
  registerDashboard(program);
  registerBenchmark(program);
  registerOffers(program);
  registerTemplates(program);
  registerSessions(program);
  registerCosts(program);
  registerPods(program);
  registerLabs(program);
  registerCompute(program);
  registerProjects(program);
  registerUsage(program);
  registerInstances(program);
  registerVolumes(program);
  registerImages(program);
  registerHealth(program);
  registerAdmin(program);
  registerCompletion(program);
  return program;
}
