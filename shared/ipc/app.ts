import { z } from 'zod';
import { ErrorDataSchema, LIMITS, EmptyInput } from './common.ts';

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
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const appRoutes = {
  getAppInfo: { input: EmptyInput, output: AppInfoSchema },
} as const;
