/**
 * `computeplane offers list|get|templates`: the GPU marketplace's offers, cheapest first, with the seed's filters
 * as flags; one offer; and the templates that run on it.
 */
import type { Command } from 'commander';
import { getOffer, listCompatibleTemplates, listOffers, type Offer } from '@computeplane/sdk/offers';
import { action, type CommandContext } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { parseCount, parseNumber } from '../core/input.js';
import { notePage } from '../core/paging.js';
import { diskLabel } from './templates.js';

interface OfferFlags {
  provider?: string;
  gpuType?: string;
  location?: string;
  minVram?: number;
  maxPrice?: number;
  minGpuCount?: number;
  gpuCount?: number;
  minReliability?: number;
  minAvailabilityConfidence?: number;
  minCuda?: number;
  template?: string;
  limit?: number;
  offset?: number;
}

export function registerOffers(program: Command): void {
  const offers = program.command('offers').description('GPU offers of every configured provider');

  withExamples(
    offers
      .command('list')
      .description('list GPU offers, cheapest first (filters combine)')
      .option('--provider <name>', 'only this provider: vastai, tensordock, runpod, lambda or local')
      .option('--gpu-type <type>', 'GPU type, ignoring case, spaces and dashes (e.g. "RTX 4090", A100)')
      .option('--location <place>', 'location, matched like --gpu-type')
      .option('--min-vram <gb>', 'at least this much VRAM per GPU, in GB', parseCount('--min-vram', { min: 0 }))
      .option('--max-price <usd>', 'at most this price per hour, in USD', parseNumber('--max-price'))
      .option('--min-gpu-count <n>', 'at least this many GPUs', parseCount('--min-gpu-count', { min: 0 }))
      .option('--gpu-count <n>', 'the same as --min-gpu-count', parseCount('--gpu-count', { min: 0 }))
      .option('--min-reliability <score>', 'reliability score of at least this (0-1)', parseNumber('--min-reliability'))
      .option(
        '--min-availability-confidence <score>',
        'availability confidence of at least this (0-1)',
        parseNumber('--min-availability-confidence'),
      )
      .option('--min-cuda <version>', 'CUDA version of at least this (e.g. 12.8)', parseNumber('--min-cuda'))
      .option('--template <hash>', 'only offers this template can run on (its provider and extra filters)')
      .option('--limit <n>', 'offers per page (1-1000)', parseCount('--limit', { max: 1000 }))
      .option('--offset <n>', 'offers to skip', parseCount('--offset', { min: 0 }))
      .action(
        action<[], OfferFlags>(async (ctx, flags) => {
          const query = {
            provider: flags.provider as 'vastai' | undefined,
            gpu_type: flags.gpuType,
            location: flags.location,
            min_vram: flags.minVram,
            max_price: flags.maxPrice,
            min_gpu_count: flags.minGpuCount,
            gpu_count: flags.gpuCount,
            min_reliability: flags.minReliability,
            min_availability_confidence: flags.minAvailabilityConfidence,
            min_cuda: flags.minCuda,
            template_hash_id: flags.template,
            limit: flags.limit,
            offset: flags.offset,
          };
          const page = await ctx.call(listOffers(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(page, () => {
            ctx.out.table(
              page.offers,
              [
                { header: 'ID', value: (o) => o.id },
                { header: 'PROVIDER', value: (o) => o.provider },
                { header: 'GPU', value: (o) => o.gpu_type },
                { header: 'COUNT', value: (o) => o.gpu_count },
                { header: 'VRAM', value: (o) => `${o.vram_gb} GB` },
                { header: 'USD/H', value: (o) => o.price_per_hour.toFixed(3) },
                { header: 'LOCATION', value: (o) => o.location },
                { header: 'RELIABILITY', value: (o) => o.reliability },
                { header: 'CUDA', value: (o) => o.cuda_version },
              ],
              { empty: 'No offers match. Loosen the filters, or check the providers: computeplane offers list' },
            );
            notePage(ctx.out, flags.offset ?? 0, page.count, page.total);
          });
        }),
      ),
    [
      'computeplane offers list',
      'computeplane offers list --gpu-type "RTX 4090" --max-price 0.5 --min-reliability 0.95',
      'computeplane offers list --provider vastai --min-vram 80 --min-gpu-count 2 --json',
    ],
  );

  withExamples(
    offers
      .command('get')
      .description('show one offer: GPUs, price, location, reliability and how fresh it is')
      .argument('<id>', 'offer id, <provider>-<provider_id> (e.g. vastai-12345)')
      .action(
        action<[string], object>(async (ctx, id) => {
          const offer = await ctx.call(getOffer(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result(offer, () => printOffer(ctx, offer));
        }),
      ),
    ['computeplane offers get vastai-12345', 'computeplane offers get local-local-cpu --json'],
  );

  withExamples(
    offers
      .command('templates')
      .description('list the templates that run on an offer (its provider, requirements it meets)')
      .argument('<id>', 'offer id, <provider>-<provider_id> (e.g. vastai-12345)')
      .action(
        action<[string], object>(async (ctx, id) => {
          const list = await ctx.call(
            listCompatibleTemplates(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }),
          );
          ctx.out.result(list, () => {
            ctx.out.table(
              list.compatible_templates,
              [
                { header: 'HASH ID', value: (t) => t.hash_id },
                { header: 'NAME', value: (t) => t.name },
                { header: 'IMAGE', value: (t) => t.image },
                { header: 'DISK', value: (t) => diskLabel(t.recommended_disk_space) },
              ],
              { empty: `No template runs on ${list.offer_id}. See them all: computeplane templates list` },
            );
            if (list.count > 0)
              ctx.out.note(`Launch one: computeplane sessions create --offer ${list.offer_id} --template <hash id>`);
          });
        }),
      ),
    ['computeplane offers templates vastai-12345', 'computeplane offers templates local-local-cpu --json'],
  );
}

function printOffer(ctx: CommandContext, offer: Offer): void {
  ctx.out.fields([
    ['id', offer.id],
    ['provider', offer.provider],
    ['provider_id', offer.provider_id],
    ['gpu', gpuLabel(offer.gpu_count, offer.gpu_type)],
    ['vram', `${offer.vram_gb} GB`],
    ['price', `${offer.price_per_hour.toFixed(3)} USD/h`],
    ['location', offer.location],
    ['reliability', offer.reliability],
    ['available', offer.available ? 'yes' : 'no'],
    ['max_duration', offer.max_duration_hours === 0 ? 'no limit' : `${offer.max_duration_hours} h`],
    ['cuda', offer.cuda_version],
    ['confidence', offer.availability_confidence],
    ['fetched', offer.fetched_at],
  ]);
}

/** `2x A100`, or only the type when the machine has no GPU (the local provider's CPU offer). */
export const gpuLabel = (count: number, type: string): string => (count > 0 ? `${count}x ${type}` : type);
