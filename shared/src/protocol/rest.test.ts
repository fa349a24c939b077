import { describe, expect, it } from 'vitest';
import { CONSOLE_PAGES, isConsolePage } from './rest.js';

describe('console pages', () => {
  it('are the pages and what is below them', () => {
    for (const page of CONSOLE_PAGES) expect(isConsolePage(page), page).toBe(true);
    expect(isConsolePage('/pressure')).toBe(true);
    expect(isConsolePage('/reviews/42')).toBe(true);
    expect(isConsolePage('/inspections/7/report')).toBe(true);
  });

  it('are not other paths that merely start alike, nor the API', () => {
    expect(isConsolePage('/pressures')).toBe(false);
    expect(isConsolePage('/adminx')).toBe(false);
    expect(isConsolePage('/api/v1/overview')).toBe(false);
    expect(isConsolePage('/favicon.ico')).toBe(false);
    expect(isConsolePage('')).toBe(false);
  });
});
