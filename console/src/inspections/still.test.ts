import { describe, expect, it } from 'vitest';
import { STILL_MAX_BYTES, dataUrlBytes, stillSize } from './still';

describe('stillSize', () => {
  it('keeps pictures up to 1280 px wide and scales wider ones with their ratio', () => {
    expect(stillSize(640, 360)).toEqual({ width: 640, height: 360 });
    expect(stillSize(1920, 1080)).toEqual({ width: 1280, height: 720 });
    expect(stillSize(2560, 1440, 1000)).toEqual({ width: 1000, height: 563 });
  });

  it('has no size without a picture', () => {
    expect(stillSize(0, 0)).toEqual({ width: 0, height: 0 });
  });
});

describe('dataUrlBytes', () => {
  it('counts decoded bytes, padding included', () => {
    const encode = (bytes: number): string => `data:image/jpeg;base64,${btoa('\0'.repeat(bytes))}`;
    expect(dataUrlBytes(encode(3))).toBe(3);
    expect(dataUrlBytes(encode(4))).toBe(4);
    expect(dataUrlBytes(encode(5))).toBe(5);
    expect(dataUrlBytes(encode(STILL_MAX_BYTES))).toBe(STILL_MAX_BYTES);
  });

  it('stays under the server limit of 600 kB with the 800 000-character cap of the schema', () => {
    const base64Length = Math.ceil(STILL_MAX_BYTES / 3) * 4 + 'data:image/jpeg;base64,'.length;
    expect(STILL_MAX_BYTES).toBeLessThan(600_000);
    expect(base64Length).toBeLessThan(800_000);
  });
});
