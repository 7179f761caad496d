/**
 * The files a teacher means when dropping files and folders: folders are walked recursively,
 * the debris operating systems and Office leave behind is skipped, and the order is stable
 * (natural by name: "essay 2" before "essay 10", a copy right after its original), so a batch is
 * the same on every run.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

export interface CollectedFile {
  /** As given, or for a folder argument the folder as given joined with the path inside it (DESIGN §6). */
  file: string;
  absolutePath: string;
}

export interface CollectResult {
  files: CollectedFile[];
  /** Arguments (and unreadable subfolders) that do not exist or could not be listed. */
  missing: string[];
  /** True when `maxFiles` stopped the walk (someone dropped their whole disk). */
  truncated: boolean;
}

export interface CollectOptions {
  /** Stop after this many files. Default 10 000. */
  maxFiles?: number;
}

const SYSTEM_FILES = new Set(['thumbs.db', 'ehthumbs.db', 'ehthumbs_vista.db', 'desktop.ini', 'icon\r', '__macosx', '$recycle.bin', 'system volume information']);

/** Hidden (dot) files, OS thumbnails and settings, Office lock files (`~$essay.docx`), macOS zip debris. */
export function isSkippedName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || SYSTEM_FILES.has(name.toLowerCase());
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
const byName = (a: string, b: string): number => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The suffixes file managers and browsers add to a copy: " (copy)", " copy", " copy 2",
 * " (1)", " - Copy", " - Copy (2)". Checked on the name without its extension.
 */
const COPY_SUFFIX = / - copy(?: \(\d+\))?$| \(copy(?: \d+)?\)$| copy(?: \d+)?$| \(\d+\)$/i;

/** "essay (copy).txt" → "essay.txt"; null when the name has no copy suffix. */
export function withoutCopySuffix(name: string): string | null {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  const stripped = stem.replace(COPY_SUFFIX, '');
  return stripped === stem || stripped === '' ? null : `${stripped}${extension}`;
}

/**
 * Moves each copy to just after its original when both are in the list. Natural order puts
 * "essay (copy).txt" before "essay.txt" (a space sorts before a dot), and the first of two
 * identical files is the one graded, the later a `duplicate`: the teacher expects the original
 * graded. Everything else keeps its order; a copy without its original stays where it was.
 */
export function originalsFirst<T>(sorted: readonly T[], nameOf: (item: T) => string): T[] {
  const itemsByName = new Map(sorted.map((item) => [nameOf(item), item] as const));
  const copiesOf = new Map<T, T[]>();
  const isCopy = new Set<T>();
  for (const item of sorted) {
    // "essay (copy) (1).txt" belongs to "essay (copy).txt" if that is here, else to "essay.txt".
    for (let name = withoutCopySuffix(nameOf(item)); name !== null; name = withoutCopySuffix(name)) {
      const original = itemsByName.get(name);
      if (original === undefined) continue;
      copiesOf.set(original, [...(copiesOf.get(original) ?? []), item]);
      isCopy.add(item);
      break;
    }
  }
  if (isCopy.size === 0) return [...sorted];
  const out: T[] = [];
  const emit = (item: T): void => {
    out.push(item);
    for (const copy of copiesOf.get(item) ?? []) emit(copy);
  };
  for (const item of sorted) if (!isCopy.has(item)) emit(item);
  return out;
}

function joinAsGiven(folder: string, inside: string): string {
  const trimmed = folder.replace(/[\\/]+$/, '');
  const base = trimmed.length > 0 ? trimmed : folder;
  return base.endsWith('/') || base.endsWith('\\') ? `${base}${inside}` : `${base}${sep}${inside}`;
}

/** Expands `args` (files and folders) into the files to read; see {@link CollectResult}. */
export async function collectFiles(args: string[], options: CollectOptions = {}): Promise<CollectResult> {
  const maxFiles = options.maxFiles ?? 10_000;
  const files: CollectedFile[] = [];
  const missing: string[] = [];
  const seenFiles = new Set<string>();
  let truncated = false;

  /** Adds a file once: the same file named twice, or reached through a link, is one submission. */
  const add = async (file: string, absolutePath: string) => {
    const identity = await realpath(absolutePath).catch(() => absolutePath);
    if (seenFiles.has(identity)) return;
    if (files.length >= maxFiles) {
      truncated = true;
      return;
    }
    seenFiles.add(identity);
    files.push({ file, absolutePath });
  };

  const walk = async (folderAsGiven: string, absoluteFolder: string, visited: Set<string>): Promise<void> => {
    let real: string;
    let entries;
    try {
      real = await realpath(absoluteFolder);
      if (visited.has(real)) return; // a symlink loop
      entries = await readdir(absoluteFolder, { withFileTypes: true });
    } catch {
      missing.push(folderAsGiven);
      return;
    }
    const inner = new Set(visited).add(real);
    entries.sort((a, b) => byName(a.name, b.name));
    for (const entry of originalsFirst(entries, (e) => e.name)) {
      if (truncated) return;
      if (isSkippedName(entry.name)) continue;
      const asGiven = joinAsGiven(folderAsGiven, entry.name);
      const absolute = resolve(absoluteFolder, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await stat(absolute);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch {
          continue; // a dangling link is not a submission
        }
      }
      if (isDirectory) await walk(asGiven, absolute, inner);
      else if (isFile) await add(asGiven, absolute);
    }
  };

  for (const arg of args) {
    const absolute = resolve(arg);
    let stats;
    try {
      stats = await stat(absolute);
    } catch {
      missing.push(arg);
      continue;
    }
    if (stats.isDirectory()) await walk(arg, absolute, new Set());
    else await add(arg, absolute);
  }
  return { files, missing, truncated };
}
