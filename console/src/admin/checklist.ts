import { ChecklistItemSchema, type ChecklistItem } from '@counterwatch/shared';

/** An item id from its text: "Chào hỏi, thái độ" → "chao-hoi-thai-do" (≤ 40 characters, as the schema wants). */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** `id` or, when taken, `id-2`, `id-3`… */
export function uniqueId(base: string, taken: readonly string[]): string {
  const root = base || 'muc';
  if (!taken.includes(root)) return root;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${root.slice(0, 40 - suffix.length)}${suffix}`;
    if (!taken.includes(candidate)) return candidate;
  }
}

export function moveItem<T>(items: readonly T[], index: number, by: -1 | 1): T[] {
  const target = index + by;
  if (index < 0 || index >= items.length || target < 0 || target >= items.length) return [...items];
  const next = [...items];
  const [moved] = next.splice(index, 1);
  if (moved !== undefined) next.splice(target, 0, moved);
  return next;
}

export type ChecklistProblem = 'id' | 'duplicate' | 'vi' | 'en';

/** Problems per row (by index), by the shared schema plus unique ids; empty when the list can be saved. */
export function checklistProblems(items: readonly ChecklistItem[]): Map<number, ChecklistProblem[]> {
  const problems = new Map<number, ChecklistProblem[]>();
  const add = (index: number, problem: ChecklistProblem): void => {
    problems.set(index, [...(problems.get(index) ?? []), problem]);
  };
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const parsed = ChecklistItemSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === 'id' || field === 'vi' || field === 'en') add(index, field);
      }
    }
    if (seen.has(item.id)) add(index, 'duplicate');
    else seen.set(item.id, index);
  });
  return problems;
}

/** The schema's bounds on the list's length. */
export const CHECKLIST_MIN = 1;
export const CHECKLIST_MAX = 40;
