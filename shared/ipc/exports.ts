/**
 * Routes and events of the exports area.
 */
export const exportsRoutes = {} as const;

export const exportsEvents = {} as const;
