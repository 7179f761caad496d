import { parseCatalogListing, type CatalogListing } from '../api/routing/catalog.ts';
import type { CatalogEntry, CatalogSearchOutput } from '../../shared/ipc/setup.ts';
import { OPENROUTER_SNAPSHOT } from './openrouter-snapshot.ts';

/**
 * The OpenRouter model list for the picker: the live `/models` when it answers, else the
 * snapshot shipped with the app (openrouter-snapshot.ts, refreshed by scripts/refresh-catalog.mjs),
 * so a teacher can choose models without a network. The live list is kept for a while: a
 * search per keystroke must not become a download per keystroke.
 */

const LIVE_TIMEOUT_MS = 5_000;
const LIVE_TTL_MS = 15 * 60_000;
/** A failed live fetch is not retried for this long: the snapshot answers at once meanwhile. */
const RETRY_AFTER_MS = 60_000;
const MAX_RESULTS = 50;
const MAX_LISTING_BYTES = 32 * 1024 * 1024;

export interface CatalogListingSource {
  source: 'live' | 'snapshot';
  snapshotDate: string | null;
  models: readonly CatalogListing[];
}

export interface CatalogSourceOptions {
  /** OpenRouter's API root (`https://openrouter.ai/api/v1`). */
  baseUrl: string;
  timeoutMs?: number;
  now?: () => number;
  /** The shipped list; the real snapshot by default. */
  snapshot?: { date: string; data: unknown[] };
}

export interface CatalogSource {
  listing(): Promise<CatalogListingSource>;
  search(query: string, added: ReadonlySet<string>): Promise<CatalogSearchOutput>;
  find(id: string): Promise<CatalogListing | null>;
}

async function fetchLive(url: string, timeoutMs: number): Promise<CatalogListing[] | null> {
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const text = await res.text();
    if (text.length > MAX_LISTING_BYTES) return null;
    const models = parseCatalogListing(JSON.parse(text));
    return models.length > 0 ? models : null;
  } catch {
    return null;
  }
}

function entryOf(listing: CatalogListing, added: ReadonlySet<string>): CatalogEntry {
  const { model } = listing;
  return {
    id: model.id,
    name: listing.name,
    contextWindow: model.contextWindow,
    vision: model.vision,
    structuredOutput: model.structuredOutput,
    inputCostPerToken: model.prices.input,
    outputCostPerToken: model.prices.output,
    added: added.has(model.id),
  };
}

/** Every word of the query in the id or the name, case and accents aside. */
function matcher(query: string): (listing: CatalogListing) => boolean {
  const fold = (text: string): string => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  return (listing) => {
    const haystack = fold(`${listing.model.id} ${listing.name}`);
    return words.every((word) => haystack.includes(word));
  };
}

export function createCatalogSource(options: CatalogSourceOptions): CatalogSource {
  const now = options.now ?? Date.now;
  const snapshot = options.snapshot ?? OPENROUTER_SNAPSHOT;
  const snapshotModels = parseCatalogListing({ data: snapshot.data });
  // The snapshot's models are the ones teachers use; they lead the live list too.
  const recommended = new Map(snapshotModels.map((listing, index) => [listing.model.id, index]));
  const url = `${options.baseUrl.replace(/\/+$/, '')}/models`;
  let live: { at: number; models: CatalogListing[] } | null = null;
  let failedAt: number | null = null;
  let pending: Promise<CatalogListingSource> | null = null;

  const fromSnapshot = (): CatalogListingSource => ({ source: 'snapshot', snapshotDate: snapshot.date, models: snapshotModels });

  async function refresh(): Promise<CatalogListingSource> {
    const models = await fetchLive(url, options.timeoutMs ?? LIVE_TIMEOUT_MS);
    if (models === null) {
      failedAt = now();
      return fromSnapshot();
    }
    live = { at: now(), models };
    failedAt = null;
    return { source: 'live', snapshotDate: null, models };
  }

  async function listing(): Promise<CatalogListingSource> {
    if (live && now() - live.at < LIVE_TTL_MS) return { source: 'live', snapshotDate: null, models: live.models };
    if (failedAt !== null && now() - failedAt < RETRY_AFTER_MS) return fromSnapshot();
    pending ??= refresh().finally(() => {
      pending = null;
    });
    return pending;
  }

  const rank = (listing: CatalogListing): number => recommended.get(listing.model.id) ?? Number.MAX_SAFE_INTEGER;

  return {
    listing,
    async search(query, added) {
      const found = await listing();
      const matches = found.models.filter(matcher(query));
      matches.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
      return {
        source: found.source,
        snapshotDate: found.snapshotDate,
        total: matches.length,
        models: matches.slice(0, MAX_RESULTS).map((m) => entryOf(m, added)),
      };
    },
    async find(id) {
      const found = await listing();
      return found.models.find((m) => m.model.id === id) ?? snapshotModels.find((m) => m.model.id === id) ?? null;
    },
  };
}
