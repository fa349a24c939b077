/** The placeholders of an `IN (…)` list, one bound parameter per value. */
export function inList(ids: readonly (string | number)[]): string {
  return ids.map(() => '?').join(', ');
}
