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
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const appRoutes = {
  getAppInfo: { input: EmptyInput, output: AppInfoSchema },
} as const;
