/**
 * Routes and events of the setup area (filled in by that area's work).
 */
export const setupRoutes = {} as const;

export const setupEvents = {} as const;
