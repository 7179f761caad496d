/**
 * The files a teacher means by a drop or a pick: dropped folders are walked through the entries
 * API (`webkitGetAsEntry`), picked folders carry `webkitRelativePath`. Each file keeps its path
 * inside what was dropped ("Period 3/Ana/essay.docx"), never a path on the disk, which the
 * renderer does not know and must not send. Sorted the way a file manager lists them.
 */

export interface DroppedFile {
  file: File;
  /** Inside the dropped folder, with `/`; the bare name for a loose file. */
  path: string;
}

/** The walk stops here: more than a batch takes, and a drop of a whole disk must not hang the window. */
const MAX_FILES = 2000;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function sortDropped(files: DroppedFile[]): DroppedFile[] {
  return [...files].sort((a, b) => collator.compare(a.path, b.path));
}

const pathOf = (entry: FileSystemEntry): string => entry.fullPath.replace(/^\/+/, '') || entry.name;

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Every entry of a folder: `readEntries` hands them out in pages until an empty one. */
async function childrenOf(entry: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = entry.createReader();
  const all: FileSystemEntry[] = [];
  for (let page = 0; page < MAX_FILES; page++) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    all.push(...batch);
    if (all.length >= MAX_FILES) break;
  }
  return all;
}

const isDirectory = (entry: FileSystemEntry): entry is FileSystemDirectoryEntry => entry.isDirectory;
const isFile = (entry: FileSystemEntry): entry is FileSystemFileEntry => entry.isFile;

async function walk(entries: FileSystemEntry[], out: DroppedFile[]): Promise<void> {
  for (const entry of entries) {
    if (out.length >= MAX_FILES) return;
    if (isFile(entry)) out.push({ file: await fileOf(entry), path: pathOf(entry) });
    else if (isDirectory(entry)) await walk(await childrenOf(entry), out);
  }
}

/**
 * The files of a drop. Call it inside the `drop` handler: the entries must be taken before the
 * handler returns (the browser empties the DataTransfer after the event); the walk that follows
 * may take its time.
 */
export function filesFromDrop(data: DataTransfer): Promise<DroppedFile[]> {
  const entries: FileSystemEntry[] = [];
  const loose: DroppedFile[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push({ file, path: file.webkitRelativePath || file.name });
    }
  }
  if (entries.length === 0 && loose.length === 0) {
    for (const file of Array.from(data.files)) loose.push({ file, path: file.webkitRelativePath || file.name });
  }
  return (async () => {
    const out = [...loose];
    await walk(entries, out);
    return sortDropped(out);
  })();
}

/** The files of a file or folder picker; a folder's come with their path inside it. */
export function filesFromInput(list: ArrayLike<File> | null): DroppedFile[] {
  const out = Array.from(list ?? [], (file) => ({ file, path: file.webkitRelativePath || file.name }));
  return sortDropped(out.slice(0, MAX_FILES));
}

/** A drag that carries files (not text or a link from the page itself). */
export function carriesFiles(data: DataTransfer | null): boolean {
  return data !== null && Array.from(data.types).includes('Files');
}
