/**
 * Text as a search compares it: lower case, without diacritics (đ → d), spaces
 * collapsed — so "hoan kiem", "Hoàn  Kiếm" and "HOÀN KIẾM" are the same.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The items a typed name means: those whose name or id folds to exactly the
 * text when there are any ("Quầy 1" is not "Quầy 10"), otherwise those that
 * contain it ("Hoàn Kiếm" finds "Phường Hoàn Kiếm").
 */
export function matchByName<T>(items: readonly T[], text: string, keys: (item: T) => string[]): T[] {
  const wanted = foldText(text);
  if (wanted === '') return [...items];
  const folded = items.map((item) => ({ item, keys: keys(item).map(foldText) }));
  const exact = folded.filter((f) => f.keys.includes(wanted));
  if (exact.length > 0) return exact.map((f) => f.item);
  return folded.filter((f) => f.keys.some((k) => k.includes(wanted))).map((f) => f.item);
}
