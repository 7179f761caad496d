/**
 * The staged items and the class list as this window knows them: loaded once, then kept up to
 * date by `stagedChanged` and `rosterChanged` (from this window's own actions and any other's).
 * Both panels use one; each keeps its own.
 */
import type { AppErrorData } from '../../../../shared/errors.ts';
import type { GradeDeskApi } from '../../../../shared/ipc/contract.ts';
import type { RosterView, StagedItem } from '../../../../shared/ipc/intake.ts';
import { errorFromThrown } from '../../lib/checks.ts';
import { applyChange } from './staged-list.ts';

export class StagedStore {
  items = $state.raw<StagedItem[]>([]);
  roster = $state.raw<RosterView | null>(null);
  loaded = $state(false);
  loadError = $state.raw<AppErrorData | null>(null);

  /** `api` is read on each use: a component passes its prop as a getter. */
  constructor(private readonly apiOf: () => GradeDeskApi) {}

  private get api(): GradeDeskApi {
    return this.apiOf();
  }

  /** Loads both lists and follows their events; the returned function stops following. */
  start(): () => void {
    const offStaged = this.api.on('stagedChanged', (change) => {
      this.items = applyChange(this.items, change);
    });
    const offRoster = this.api.on('rosterChanged', ({ roster }) => {
      this.roster = roster;
    });
    void this.load();
    return () => {
      offStaged();
      offRoster();
    };
  }

  async load(): Promise<void> {
    try {
      const [items, roster] = await Promise.all([this.api.listStaged({}), this.api.getRoster({})]);
      if (!items.ok) this.loadError = items.error;
      else this.items = items.data;
      if (roster.ok) this.roster = roster.data;
      if (items.ok) this.loadError = null;
    } catch (thrown) {
      this.loadError = errorFromThrown(thrown);
    } finally {
      this.loaded = true;
    }
  }

  /** An item the main process answered directly (finishUpload, setStagedStudent). */
  upsert(item: StagedItem): void {
    this.items = applyChange(this.items, { items: [item], removed: [] });
  }

  forget(id: string): void {
    this.items = applyChange(this.items, { items: [], removed: [id] });
  }
}
