/** What every part of the session broker shares: storage, providers, inventory, clock, settings, metrics. */
import type { Logger } from 'pino';
import { DEFAULT_SETTINGS } from '../../platform/settings.js';
import type { Inventory } from '../marketplace/module.js';
import type { GpuProvider, ProviderOffer } from '../../providers/provider.js';
import type { SessionMetrics } from './session-metrics.js';
import type { SessionRepository } from './session-repository.js';

export interface SessionTemplate {
  provider: string;
  image: string;
  env: Record<string, string>;
  onStart: string | null;
}

/** The template catalog as the broker sees it. */
export interface SessionTemplates {
  get(hashId: string): Promise<SessionTemplate | undefined> | SessionTemplate | undefined;
  /** Whether the template's `extra_filters` accept the offer; absent means every offer of its provider. */
  accepts?(hashId: string, offer: ProviderOffer): Promise<boolean> | boolean;
}

export interface BrokerSettings {
  /** How often the lifecycle loop looks for due work. */
  tickMs: number;
  /** How often provider instance lists are compared with the database. */
  reconcileMs: number;
  /** How often a running session's instance is checked (activity, existence, expiry). */
  checkMs: number;
  /** A session whose key was never collected within this many minutes is destroyed. */
  keyGraceMinutes: number;
  /** One SSH verification attempt's timeout. */
  sshAttemptTimeoutMs: number;
  /** A `pending` session older than this was interrupted between its row and its provider call. */
  pendingTimeoutMs: number;
  /** Image for remote instances when neither docker_image nor a template names one. */
  defaultImage: string;
}

/** The operator's settings (platform/settings.ts) and the broker's internal timings. */
export const DEFAULT_BROKER_SETTINGS: BrokerSettings = {
  tickMs: DEFAULT_SETTINGS.sessions.tickMs,
  reconcileMs: DEFAULT_SETTINGS.sessions.reconcileMs,
  keyGraceMinutes: DEFAULT_SETTINGS.sessions.keyGraceMinutes,
  defaultImage: DEFAULT_SETTINGS.sessions.defaultImage,
  checkMs: 30_000,
  sshAttemptTimeoutMs: 10_000,
  pendingTimeoutMs: 2 * 60_000,
};

export interface BrokerContext {
  repo: SessionRepository;
  providers: Map<string, GpuProvider>;
  inventory: Inventory;
  clock: () => Date;
  logger: Logger;
  metrics: SessionMetrics;
  settings: BrokerSettings;
  /** Prefix of every instance label this deployment creates: `cp-<deployment id>-`. */
  labelPrefix: string;
  templates?: SessionTemplates;
  /** Whether the tenant may use the local provider (`LOCAL_PROVIDER_TENANTS`); absent: every tenant may. */
  localAllowed?: (tenantId: string) => Promise<boolean>;
}

export const HARD_MAX_HOURS = 12;
export const addMs = (date: Date, ms: number) => new Date(date.getTime() + ms);
