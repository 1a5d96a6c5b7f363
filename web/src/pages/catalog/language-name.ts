/**
 * A record's language as readers name it: records keep ISO 639-2/B codes
 * ('ind', 'eng', 'min', 'dut'), which the browser's own language names turn
 * into "Indonesia"/"Indonesian", "Minangkabau", "Belanda"/"Dutch". A code the
 * browser does not know is shown as it is.
 */
type Lang = 'id' | 'en';

const SPECIAL: Record<string, Record<Lang, string>> = {
  und: { id: 'Tidak ditentukan', en: 'Undetermined' },
  mul: { id: 'Beberapa bahasa', en: 'Multiple languages' },
  zxx: { id: 'Tanpa isi kebahasaan', en: 'No linguistic content' },
};

const names = new Map<Lang, Intl.DisplayNames | null>();

function displayNames(lang: Lang): Intl.DisplayNames | null {
  if (!names.has(lang)) {
    try {
      names.set(lang, new Intl.DisplayNames([lang], { type: 'language', fallback: 'none' }));
    } catch {
      names.set(lang, null);
    }
  }
  return names.get(lang) ?? null;
}

export function languageName(code: string, lang: Lang): string {
  const c = code.trim().toLowerCase();
  const special = SPECIAL[c];
  if (special) return special[lang];
  if (!/^[a-z]{2,3}$/.test(c)) return code;
  try {
    const name = displayNames(lang)?.of(c);
    return name && name.toLowerCase() !== c ? name.charAt(0).toUpperCase() + name.slice(1) : code;
  } catch {
    return code;
  }
}
