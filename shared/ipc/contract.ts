import type { z } from 'zod';
import type { AppErrorData } from '../errors.ts';
import { appRoutes } from './app.ts';
import { settingsEvents, settingsRoutes } from './settings.ts';
import { historyEvents, historyRoutes } from './history.ts';
import { exportsEvents, exportsRoutes } from './exports.ts';
import { costsEvents, costsRoutes } from './costs.ts';
import { backupsEvents, backupsRoutes } from './backups.ts';
import { compareEvents, compareRoutes } from './compare.ts';
import { coreRoutes } from './core.ts';
import { gradingEvents, gradingRoutes } from './grading.ts';
import { intakeEvents, intakeRoutes } from './intake.ts';
import { modelEvents, modelRoutes } from './models.ts';
import { monitorEvents, monitorRoutes } from './monitor.ts';
import { reviewEvents, reviewRoutes } from './review.ts';
import { rubricsEvents, rubricsRoutes } from './rubrics.ts';
import { runsEvents, runsRoutes } from './runs.ts';
import { setupEvents, setupRoutes } from './setup.ts';

/**
 * The one IPC contract. The preload bridge, the browser-mode client, the main-process router
 * and its handler map are all derived from these two objects, so a route without a handler or
 * a renderer call with the wrong shape is a compile error, and every input is validated at
 * runtime by the same schema.
 */
export const routes = {
  ...appRoutes,
  ...backupsRoutes,
  ...costsRoutes,
  ...exportsRoutes,
  ...historyRoutes,
  ...settingsRoutes,
  ...compareRoutes,
  ...coreRoutes,
  ...gradingRoutes,
  ...intakeRoutes,
  ...modelRoutes,
  ...monitorRoutes,
  ...reviewRoutes,
  ...rubricsRoutes,
  ...runsRoutes,
  ...setupRoutes,
} as const;

export const events = {
  ...backupsEvents,
  ...costsEvents,
  ...exportsEvents,
  ...historyEvents,
  ...settingsEvents,
  ...compareEvents,
  ...gradingEvents,
  ...intakeEvents,
  ...modelEvents,
  ...monitorEvents,
  ...reviewEvents,
  ...rubricsEvents,
  ...runsEvents,
  ...setupEvents,
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
export type RouteInput<K extends RouteName> = z.input<Routes[K]['input']>;
export type RouteOutput<K extends RouteName> = z.output<Routes[K]['output']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** Handlers receive the parsed input (defaults applied), not the raw renderer value. */
export type HandlerInput<K extends RouteName> = z.output<Routes[K]['input']>;

/**
 * One handler per route: the main process's handler map. A route without a handler does not
 * compile; each domain (api, monitor, grading, …) supplies its part as a `Pick` of this.
 */
export type Handlers = {
  [K in RouteName]: (input: HandlerInput<K>) => Promise<RouteOutput<K>> | RouteOutput<K>;
};

/** How the main process announces an event to every window (Electron) or page (browser mode). */
export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export type IpcResult<T> = { ok: true; data: T } | { ok: false; error: AppErrorData };

export type Unsubscribe = () => void;

/** What the renderer sees as `window.gradedesk`: verbs and unsubscribable events, nothing else. */
export type GradeDeskApi = {
  readonly [K in RouteName]: (input: RouteInput<K>) => Promise<IpcResult<RouteOutput<K>>>;
} & {
  readonly on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => Unsubscribe;
};

export const routeNames = Object.keys(routes) as RouteName[];
export const eventNames = Object.keys(events) as EventName[];

export const INVOKE_PREFIX = 'gradedesk:invoke:';
export const EVENT_PREFIX = 'gradedesk:event:';
export const invokeChannel = (route: RouteName): string => INVOKE_PREFIX + route;
export const eventChannel = (event: EventName): string => EVENT_PREFIX + event;

export function isRouteName(value: unknown): value is RouteName {
  return typeof value === 'string' && Object.hasOwn(routes, value);
}
export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}

/** Browser mode speaks this over its loopback WebSocket. */
export type BridgeRequest = { id: number; route: string; input: unknown };
export type BridgeMessage =
  | { id: number; result: IpcResult<unknown> }
  | { event: string; payload: unknown };
