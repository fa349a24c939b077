/**
 * Pairs the rows a batch insert returned with the batch's items. The rows are inserted in the
 * batch's order, so `order` (the id or sequence number they were given) rises with it, and an item
 * not inserted (a conflict) leaves no row. Walking both in order, the next row is an item's when
 * their keys agree; an item without one gets `undefined`.
 *
 * Right as long as an item is never inserted after one with its key was skipped: of two items with
 * one key, the second is skipped whenever the first is.
 */
export function matchInOrder<I, R>(
  items: readonly I[],
  rows: readonly R[],
  keys: { order: (row: R) => number; item: (item: I) => string; row: (row: R) => string },
): (R | undefined)[] {
  const returned = [...rows].sort((a, b) => keys.order(a) - keys.order(b));
  let next = 0;
  return items.map((item) => {
    const row = returned[next];
    if (row === undefined || keys.row(row) !== keys.item(item)) return undefined;
    next += 1;
    return row;
  });
}
