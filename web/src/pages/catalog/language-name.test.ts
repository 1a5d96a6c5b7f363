import { describe, expect, it } from 'vitest';
import { languageName } from './language-name.ts';

describe('language names on catalog pages', () => {
  it('names the MARC codes member libraries use, in Indonesian and English', () => {
    expect(languageName('ind', 'id')).toBe('Indonesia');
    expect(languageName('ind', 'en')).toBe('Indonesian');
    expect(languageName('min', 'id')).toBe('Minangkabau');
    expect(languageName('dut', 'id')).toBe('Belanda');
    expect(languageName('ger', 'en')).toBe('German');
    expect(languageName('eng', 'id')).toBe('Inggris');
  });

  it('says what the special codes mean and leaves unknown values as they are', () => {
    expect(languageName('und', 'id')).toBe('Tidak ditentukan');
    expect(languageName('mul', 'en')).toBe('Multiple languages');
    expect(languageName('xqz', 'id')).toBe('xqz');
    expect(languageName('Bahasa daerah', 'id')).toBe('Bahasa daerah');
  });
});
