import { z } from 'zod';
import { BackupSchema } from './backups.ts';
import { ErrorDataSchema, LIMITS, EmptyInput } from './common.ts';

/**
 * Whether the database opened. When it did not (damaged, or an empty file), the app still opens
 * with only the routes that can put things right, and nothing is overwritten until the teacher
 * chooses (restore a backup, or start with a fresh database).
 */
export const StorageStateSchema = z.strictObject({
  state: z.enum(['ok', 'damaged', 'empty_file']),
  message: z.string().max(LIMITS.message),
  backups: z.array(BackupSchema).max(LIMITS.listItems),
});
export type StorageState = z.infer<typeof StorageStateSchema>;

export const AppInfoSchema = z.strictObject({
  version: z.string().max(50),
  /** Which bridge serves the renderer: the Electron preload or the loopback browser mode. */
  mode: z.enum(['electron', 'browser']),
  /** The provider is the built-in simulator: the UI labels everything as simulated. */
  demo: z.boolean(),
  configPath: z.string().max(LIMITS.url).nullable(),
  /** Why the config could not be used, if it could not; the app still opens. */
  configError: ErrorDataSchema.nullable(),
  /**
   * Some model can grade now (demo counts). Optional so that an older main process (or a test
   * fixture) that does not say is read as "configured unless the config failed".
   */
  configured: z.boolean().optional(),
  /** Where keys entered on screen are kept; see shared/ipc/setup.ts. */
  keychain: z.enum(['encrypted', 'plain_text_only', 'session_only']).optional(),
  /** Absent or `ok`: the database opened. */
  storage: StorageStateSchema.optional(),
  /** The log file messages point to, when the app writes one. */
  logPath: z.string().max(LIMITS.url).nullable().optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const appRoutes = {
  getAppInfo: { input: EmptyInput, output: AppInfoSchema },
} as const;
