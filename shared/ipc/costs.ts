/**
 * Routes and events of the costs area.
 */
export const costsRoutes = {} as const;

export const costsEvents = {} as const;
