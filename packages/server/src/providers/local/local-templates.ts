/**
 * The local provider's built-in templates: ones that really run on this machine, where an instance is a
 * container of the host's system directories with an SSH endpoint and an optional start command run by
 * `/bin/sh` in its `/workspace` (the image is a name only). Their hash ids are the first 32 hex digits of the sha256 of their content, so they are
 * stable across restarts and replicas and change when a template does.
 */
import { createHash } from 'node:crypto';
import type { ProviderTemplate } from '../provider.js';

type Definition = Pick<ProviderTemplate, 'name' | 'image' | 'env' | 'onstart' | 'extraFilters'>;

const DEFINITIONS: Definition[] = [
  {
    name: 'Shell',
    image: 'computeplane/local-shell',
    env: '',
    onstart: null,
    extraFilters: null,
  },
  {
    // Started in the background (in braces, so a session's own start command can follow with `&&`);
    // the instance's container, and everything in it, ends with the instance.
    name: 'Python HTTP server',
    image: 'computeplane/local-http-server',
    env: '-e HTTP_PORT=8000',
    onstart: '{ python3 -u -m http.server "$HTTP_PORT" --bind 127.0.0.1 > http-server.log 2>&1 & }',
    extraFilters: null,
  },
  {
    name: 'NVIDIA GPU check',
    image: 'computeplane/local-nvidia-smi',
    env: '',
    onstart: 'nvidia-smi > nvidia-smi.txt 2>&1',
    extraFilters: '{"num_gpus": {"gte": 1}}',
  },
];

export function localTemplate(definition: Definition): ProviderTemplate {
  const content = JSON.stringify([
    definition.name,
    definition.image,
    definition.env,
    definition.onstart,
    definition.extraFilters,
  ]);
  const hashId = createHash('sha256').update(content).digest('hex').slice(0, 32);
  return {
    provider: 'local',
    id: Number.parseInt(hashId.slice(0, 8), 16),
    hashId,
    name: definition.name,
    image: definition.image,
    tag: null,
    env: definition.env,
    onstart: definition.onstart,
    runtype: 'ssh',
    useSsh: true,
    sshDirect: true,
    recommended: true,
    recommendedDiskSpace: null,
    extraFilters: definition.extraFilters,
    creatorId: null,
    createdAt: null,
    countCreated: null,
  };
}

export const LOCAL_TEMPLATES: readonly ProviderTemplate[] = DEFINITIONS.map(localTemplate);
