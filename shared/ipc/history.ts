/**
 * Routes and events of the history area.
 */
export const historyRoutes = {} as const;

export const historyEvents = {} as const;
