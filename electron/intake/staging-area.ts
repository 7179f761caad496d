/**
 * The student work staged for the next batch, and its class list: what the intake routes
 * change and what a batch takes (`select`). Lives in the main process for as long as the app
 * runs; the files live in the staging folder under the data folder.
 *
 * Every change recomputes the list (a few hundred items: cheap) and announces only the items
 * whose view changed, so a roster import re-matches everyone and a removed original turns its
 * copy back into a plain item without anyone tracking who depends on whom.
 */
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { AppError } from '../../shared/errors.ts';
import type { EventListener } from '../../shared/ipc/contract.ts';
import { MAX_STAGED_ITEMS, type RosterView, type StagedItem } from '../../shared/ipc/intake.ts';
import { DEFAULT_LIMITS } from '../grading/documents/index.ts';
import { kindFromName } from '../grading/documents/detect.ts';
import { documentErrors } from '../grading/documents/messages.ts';
import { readClassList, rosterView, type ClassList } from './class-list.ts';
import type { DroppedName } from './dropped-path.ts';
import { readStaged, type ReadOutcome } from './read-staged.ts';
import type { IntakeSession, StagedSelection } from './selection.ts';
import { viewsOf, type StagedEntry } from './staged-view.ts';
import { detectStudent, type DetectedStudent } from './student-match.ts';
import { IN_BATCH_MARKER } from './staging-folder.ts';
import { Uploads } from './uploads.ts';

/** Files read at once: extraction has its own worker pool; this keeps the window's thread free for photos. */
const READ_CONCURRENCY = 2;

export interface StagingAreaOptions {
  stagingDir: string;
  emit: EventListener;
  /** Per file; the documents pipeline's limit by default. */
  maxFileBytes?: number;
}

export class StagingArea implements IntakeSession {
  readonly uploads: Uploads;
  private readonly entries = new Map<string, StagedEntry>();
  private readonly reading = new Map<string, { controller: AbortController; done: Promise<void> }>();
  /** Staged files a batch took: their folders stay when they leave the list (resume reads them). */
  private readonly inBatch = new Set<string>();
  private readonly readLimit = pLimit(READ_CONCURRENCY);
  private lastViews = new Map<string, string>();
  /** Each entry's detected student for the current roster; emptied when the roster changes. */
  private readonly detected = new Map<string, DetectedStudent>();
  private classList: ClassList | null = null;
  private readonly maxFileBytes: number;

  constructor(private readonly options: StagingAreaOptions) {
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes;
    this.uploads = new Uploads(options.stagingDir, this.maxFileBytes);
  }

  list(): StagedItem[] {
    const roster = this.classList?.entries ?? null;
    return viewsOf(this.entries.values(), roster, (entry) => {
      let detected = this.detected.get(entry.id);
      if (!detected) {
        detected = detectStudent(entry.file, this.classList?.index ?? null);
        this.detected.set(entry.id, detected);
      }
      return detected;
    });
  }

  /** Room for one more item, counting uploads under way. */
  checkRoom(): void {
    if (this.entries.size >= MAX_STAGED_ITEMS) {
      throw new AppError('TOO_MANY_FILES', `The list already holds ${MAX_STAGED_ITEMS} pieces of work, more than one batch takes. Grade these first, or remove some.`);
    }
  }

  /** A file refused before upload stays in the list with its problem, so the teacher sees why it is missing. */
  addRefused(name: DroppedName, sizeBytes: number, error: AppError): void {
    const sequence = this.uploads.nextSequence();
    const id = `s_refused_${sequence}`;
    const read: ReadOutcome = { kind: kindFromName(name.file) ?? 'unknown', pages: null, problems: [error.toData()], warnings: [] };
    this.entries.set(id, { id, file: name.file, path: null, folder: null, sizeBytes, sha256: null, sequence, read, teacherName: null });
    this.publish();
  }

  /** Finishes an upload: the item is listed as `reading`, and read in the background. */
  async finishUpload(uploadId: string): Promise<StagedItem> {
    const done = await this.uploads.finish(uploadId);
    const entry: StagedEntry = { ...done, file: done.name.file, read: null, teacherName: null };
    this.entries.set(entry.id, entry);
    this.startReading(entry);
    this.publish();
    return this.viewOfId(entry.id);
  }

  async remove(id: string): Promise<void> {
    const entry = this.get(id);
    this.entries.delete(id);
    this.detected.delete(id);
    this.publish();
    await this.discard(entry);
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    this.detected.clear();
    this.publish();
    await Promise.all(all.map((entry) => this.discard(entry)));
  }

  setStudent(id: string, name: string | null): StagedItem {
    const entry = this.get(id);
    const trimmed = name?.replace(/\s+/g, ' ').trim() ?? '';
    entry.teacherName = trimmed === '' ? null : trimmed;
    this.publish();
    return this.viewOfId(id);
  }

  importRoster(fileName: string, bytes: Uint8Array): RosterView {
    this.classList = readClassList(fileName, bytes);
    this.detected.clear();
    const view = rosterView(this.classList);
    this.options.emit('rosterChanged', { roster: view });
    this.publish();
    return view;
  }

  roster(): RosterView | null {
    return this.classList ? rosterView(this.classList) : null;
  }

  clearRoster(): void {
    this.classList = null;
    this.detected.clear();
    this.options.emit('rosterChanged', { roster: null });
    this.publish();
  }

  select(ids: readonly string[]): StagedSelection {
    const views = new Map(this.list().map((view) => [view.id, view]));
    const chosen = [...new Set(ids)].map((id) => {
      const entry = this.entries.get(id);
      const view = views.get(id);
      if (!entry || !view) throw new AppError('STAGED_NOT_FOUND', `A piece of student work chosen for the batch (${id}) is no longer in the list. Check the list and start again.`);
      if (view.status !== 'ready' || entry.path === null) {
        const why = view.status === 'reading' ? 'is still being read' : `cannot be graded: ${view.problems[0]?.message ?? 'it has a problem'}`;
        throw new AppError('STAGED_NOT_FOUND', `"${view.file}" ${why}. Wait for it, or remove it from the batch.`);
      }
      return { entry, view, path: entry.path };
    });
    chosen.sort((a, b) => a.entry.sequence - b.entry.sequence);
    const students: Record<string, string> = {};
    const files: Record<string, string> = {};
    for (const { view, path } of chosen) {
      if (view.student !== null) students[path] = view.student;
      files[path] = view.file;
    }
    for (const { entry } of chosen) this.keepForBatch(entry);
    return { paths: chosen.map((c) => c.path), roster: this.classList ? [...this.classList.entries] : null, students, files };
  }

  async close(): Promise<void> {
    this.readLimit.clearQueue();
    for (const { controller } of this.reading.values()) controller.abort();
    await Promise.all([...this.reading.values()].map((r) => r.done));
    await this.uploads.close();
  }

  /** FILE_TOO_LARGE for a size over the limit, before anything is written. */
  refuseIfTooLarge(name: DroppedName, sizeBytes: number): void {
    if (sizeBytes > this.maxFileBytes) {
      const error = documentErrors.fileTooLarge(name.file, sizeBytes, this.maxFileBytes);
      this.addRefused(name, sizeBytes, error);
      throw error;
    }
  }

  private startReading(entry: StagedEntry): void {
    const controller = new AbortController();
    const path = entry.path;
    if (path === null) return;
    const done = this.readLimit(async () => {
      if (controller.signal.aborted) return;
      const outcome = await readStaged(path, entry.file, controller.signal);
      if (controller.signal.aborted || this.entries.get(entry.id) !== entry) return;
      entry.read = outcome;
      this.publish();
    })
      .catch(() => undefined)
      .finally(() => this.reading.delete(entry.id));
    this.reading.set(entry.id, { controller, done });
  }

  private async discard(entry: StagedEntry): Promise<void> {
    const reading = this.reading.get(entry.id);
    reading?.controller.abort();
    await reading?.done;
    if (entry.folder !== null && !this.inBatch.has(entry.id)) await rm(entry.folder, { recursive: true, force: true });
  }

  private keepForBatch(entry: StagedEntry): void {
    if (entry.folder === null || this.inBatch.has(entry.id)) return;
    this.inBatch.add(entry.id);
    // The marker tells the next start's clean-up that a batch may still read this file.
    writeFileSync(join(entry.folder, IN_BATCH_MARKER), new Date().toISOString());
  }

  private get(id: string): StagedEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new AppError('STAGED_NOT_FOUND', 'This piece of student work is no longer in the list.');
    return entry;
  }

  private viewOfId(id: string): StagedItem {
    const view = this.list().find((v) => v.id === id);
    if (!view) throw new AppError('STAGED_NOT_FOUND', 'This piece of student work is no longer in the list.');
    return view;
  }

  /** Announces the items whose view changed and those that left. */
  private publish(): void {
    const views = this.list();
    const next = new Map(views.map((view) => [view.id, JSON.stringify(view)]));
    const items = views.filter((view) => this.lastViews.get(view.id) !== next.get(view.id));
    const removed = [...this.lastViews.keys()].filter((id) => !next.has(id));
    this.lastViews = next;
    if (items.length > 0 || removed.length > 0) this.options.emit('stagedChanged', { items, removed });
  }
}
