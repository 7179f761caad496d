/**
 * A list read a page at a time through the router: the first page on `reload`, the next when
 * the list is scrolled near its end (`more`). An answer to an older request (the filters
 * changed meanwhile) is dropped, so the list never mixes two searches.
 */
import type { AppErrorData } from '../../../../shared/errors.ts';
import type { IpcResult } from '../../../../shared/ipc/contract.ts';
import { errorFromThrown } from '../../lib/checks.ts';

export const PAGE_SIZE = 50;

export type Page<T> = { rows: T[]; hasMore: boolean; textTooShort?: boolean };
export type PageFetcher<T> = (offset: number, limit: number) => Promise<IpcResult<Page<T>>>;

export class PagedList<T> {
  rows = $state.raw<T[]>([]);
  hasMore = $state(false);
  loading = $state(false);
  /** The first page has answered (rows may be empty). */
  loaded = $state(false);
  textTooShort = $state(false);
  error = $state.raw<AppErrorData | null>(null);
  private generation = 0;
  private fetcher: PageFetcher<T> | null = null;

  /** Starts over with a new query. */
  reload(fetcher: PageFetcher<T>): Promise<void> {
    this.fetcher = fetcher;
    this.generation += 1;
    this.rows = [];
    this.hasMore = false;
    this.loaded = false;
    this.loading = false;
    return this.fetch();
  }

  /** The next page, unless one is being read or there is none. */
  more(): Promise<void> {
    if (this.loading || !this.hasMore || this.error) return Promise.resolve();
    return this.fetch();
  }

  retry(): Promise<void> {
    this.error = null;
    return this.fetch();
  }

  private async fetch(): Promise<void> {
    const fetcher = this.fetcher;
    if (!fetcher) return;
    const generation = this.generation;
    this.loading = true;
    let result: IpcResult<Page<T>>;
    try {
      result = await fetcher(this.rows.length, PAGE_SIZE);
    } catch (thrown) {
      result = { ok: false, error: errorFromThrown(thrown) };
    }
    if (generation !== this.generation) return;
    this.loading = false;
    this.loaded = true;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.error = null;
    this.rows = [...this.rows, ...result.data.rows];
    this.hasMore = result.data.hasMore;
    this.textTooShort = result.data.textTooShort === true;
  }
}

/** Whether a scrolled list is within about a screen of its end: time to read the next page. */
export function nearEnd(list: { getScrollOffset(): number; getViewportSize(): number; getScrollSize(): number } | null | undefined): boolean {
  if (!list) return false;
  return list.getScrollOffset() + list.getViewportSize() * 2 >= list.getScrollSize();
}
