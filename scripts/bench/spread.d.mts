/** See spread.mjs. */
export function spread(values: number[], digits?: number): { min: number; median: number; max: number };
