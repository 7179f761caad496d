/**
 * Routes and events of the compare area (filled in by that area's work).
 */
export const compareRoutes = {} as const;

export const compareEvents = {} as const;
