/**
 * The template catalog: every provider's launch templates (`GpuProvider.listTemplates`), cached. The
 * first read waits for the first load; later reads answer from the cache and refresh it in the
 * background once it is older than `maxAgeMs` (a provider whose last refresh failed is tried again after
 * `retryMs`). A provider that fails keeps its last templates and does not hide the others.
 *
 * Compatibility: a template runs only on offers of its own provider that satisfy its `extra_filters`
 * (see extra-filters.ts). `launchSpec` gives the session broker what to create an instance with.
 */
import type { GpuProvider, ProviderName, ProviderOffer, ProviderTemplate } from '../../providers/provider.js';
import { dockerEnv } from './docker-env.js';
import { parseExtraFilters, satisfies, type Condition } from './extra-filters.js';

export interface TemplateCatalogOptions {
  providers: GpuProvider[];
  clock?: () => Date;
  /** Age after which a provider's templates are refreshed on the next read (default 15 minutes). */
  maxAgeMs?: number;
  /** Wait before trying a failed provider again (default 60 s). */
  retryMs?: number;
}

export interface TemplateFilter {
  /** Part of the name, ignoring case. */
  name?: string;
}

export interface ProviderTemplatesState {
  provider: ProviderName;
  templates: number;
  refreshedAt: Date | null;
  error: string | null;
}

/** What an instance is created with from a template (the session broker's `SessionTemplate`). */
export interface TemplateLaunchSpec {
  provider: ProviderName;
  /** `image:tag` */
  image: string;
  /** The `-e` variables of the template's options. */
  env: Record<string, string>;
  onStart: string | null;
}

interface Entry {
  templates: ProviderTemplate[];
  refreshedAt: Date | null;
  attemptedAt: Date;
  error: string | null;
}

const byName = (a: ProviderTemplate, b: ProviderTemplate) =>
  a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) ||
  a.provider.localeCompare(b.provider) ||
  a.hashId.localeCompare(b.hashId);

export function launchSpec(template: ProviderTemplate): TemplateLaunchSpec {
  const tagged = template.tag && !/:[^/]*$/.test(template.image) ? `${template.image}:${template.tag}` : template.image;
  return { provider: template.provider, image: tagged, env: dockerEnv(template.env), onStart: template.onstart };
}

export function createTemplateCatalog(options: TemplateCatalogOptions) {
  const clock = options.clock ?? (() => new Date());
  const maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
  const retryMs = options.retryMs ?? 60_000;
  const sources = options.providers.filter((provider) => provider.listTemplates !== undefined);
  const cache = new Map<ProviderName, Entry>();
  const refreshing = new Map<ProviderName, Promise<void>>();
  const conditions = new WeakMap<ProviderTemplate, Condition[] | 'invalid'>();

  function refreshProvider(provider: GpuProvider): Promise<void> {
    const running = refreshing.get(provider.name);
    if (running) return running;
    const attempt = (async () => {
      const attemptedAt = clock();
      try {
        const templates = await provider.listTemplates!();
        cache.set(provider.name, {
          templates: templates.filter((t) => t.provider === provider.name),
          refreshedAt: attemptedAt,
          attemptedAt,
          error: null,
        });
      } catch (error) {
        const previous = cache.get(provider.name);
        cache.set(provider.name, {
          templates: previous?.templates ?? [],
          refreshedAt: previous?.refreshedAt ?? null,
          attemptedAt,
          error: (error as Error).message,
        });
      }
    })().finally(() => refreshing.delete(provider.name));
    refreshing.set(provider.name, attempt);
    return attempt;
  }

  /** Waits for providers never loaded; starts background refreshes of the ones that are due. */
  async function current(): Promise<ProviderTemplate[]> {
    const now = clock().getTime();
    const firstLoads: Promise<void>[] = [];
    for (const provider of sources) {
      const entry = cache.get(provider.name);
      if (!entry) firstLoads.push(refreshProvider(provider));
      else if (now - entry.attemptedAt.getTime() >= (entry.error ? retryMs : maxAgeMs)) void refreshProvider(provider);
    }
    await Promise.all(firstLoads);
    return sources.flatMap((provider) => cache.get(provider.name)?.templates ?? []);
  }

  const compatible = (template: ProviderTemplate, offer: ProviderOffer) => {
    if (template.provider !== offer.provider) return false;
    let parsed = conditions.get(template);
    if (parsed === undefined) conditions.set(template, (parsed = parseExtraFilters(template.extraFilters)));
    return satisfies(parsed, offer);
  };

  async function get(hashId: string): Promise<ProviderTemplate | undefined> {
    return (await current()).find((template) => template.hashId === hashId);
  }

  return {
    /** Refreshes every provider now; resolves when all have answered or failed. */
    refresh: () => Promise.all(sources.map(refreshProvider)).then(() => undefined),

    async list(filter: TemplateFilter = {}): Promise<ProviderTemplate[]> {
      const needle = filter.name?.toLowerCase();
      return (await current())
        .filter((template) => needle === undefined || template.name.toLowerCase().includes(needle))
        .sort(byName);
    },

    get,

    /** Templates of the offer's provider whose `extra_filters` the offer satisfies, by name. */
    async compatibleWith(offer: ProviderOffer): Promise<ProviderTemplate[]> {
      return (await current()).filter((template) => compatible(template, offer)).sort(byName);
    },

    /** Whether the template can run on the offer (same provider, `extra_filters` satisfied). */
    isCompatible: compatible,

    /** Image, variables and start command to create an instance with; undefined for an unknown hash. */
    async launchSpec(hashId: string): Promise<TemplateLaunchSpec | undefined> {
      const template = await get(hashId);
      return template && launchSpec(template);
    },

    status(): ProviderTemplatesState[] {
      return sources.map((provider) => {
        const entry = cache.get(provider.name);
        return {
          provider: provider.name,
          templates: entry?.templates.length ?? 0,
          refreshedAt: entry?.refreshedAt ?? null,
          error: entry?.error ?? null,
        };
      });
    },
  };
}

export type TemplateCatalog = ReturnType<typeof createTemplateCatalog>;
