export const interactionPath = (id: number): string => `/api/v1/interactions/${id}`;
