import { describe, expect, it } from 'vitest';
import { textModules } from './i18n.tsx';
import { exchangeText } from './pages/programs/exchange-text.ts';

// The UI's text modules share one flat namespace: a key reused with another text silently
// replaces the first module's words on its own pages (it happened: "Jabatan" on the import report).
const modules = { ...textModules, exchange: exchangeText };

describe('UI texts', () => {
  it('every module has each key in Indonesian and in English', () => {
    for (const [name, m] of Object.entries(modules)) {
      const onlyId = Object.keys(m.id).filter((k) => !(k in m.en));
      const onlyEn = Object.keys(m.en).filter((k) => !(k in m.id));
      expect({ name, onlyId, onlyEn }).toEqual({ name, onlyId: [], onlyEn: [] });
      const empty = Object.entries({ ...m.id, ...m.en }).filter(([, v]) => typeof v !== 'string' || v.trim() === '');
      expect({ name, empty }).toEqual({ name, empty: [] });
    }
  });

  it('no two modules give the same key different texts', () => {
    const first = new Map<string, { module: string; id: string; en: string }>();
    const clashes: string[] = [];
    for (const [name, m] of Object.entries(modules)) {
      for (const key of Object.keys(m.id)) {
        const seen = first.get(key);
        const here = { module: name, id: m.id[key] ?? '', en: m.en[key] ?? '' };
        if (!seen) first.set(key, here);
        else if (seen.id !== here.id || seen.en !== here.en)
          clashes.push(`${key}: ${seen.module} "${seen.id}/${seen.en}" vs ${name} "${here.id}/${here.en}"`);
      }
    }
    expect(clashes).toEqual([]);
  });
});
