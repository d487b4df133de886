/** A running session on the `local` provider (the built server's own machine), and its one-time SSH key. */
import { unwrap, type Computeplane } from '@computeplane/sdk';
import { listOffers } from '@computeplane/sdk/offers';
import { createSession, waitForSessionRunning } from '@computeplane/sdk/sessions';

export async function startLocalSession(client: Computeplane, consumer: string, onStartCmd: string) {
  const offer = (await unwrap(listOffers(client, { params: { query: { provider: 'local' } } }))).offers[0]!;
  const created = await unwrap(
    createSession(client, {
      body: {
        consumer_id: consumer,
        offer_id: offer.id,
        workload_type: 'batch',
        reservation_hours: 1,
        on_start_cmd: onStartCmd,
      },
    }),
  );
  const session = await waitForSessionRunning(client, created.session.id, { intervalMs: 50, timeoutMs: 20_000 });
  return { session, key: created.ssh_private_key };
}
