/**
 * Repairs text that went through "UTF-8 bytes read as Windows-1252, written
 * back as UTF-8" once or more ('DeveloperÃ¢â‚¬â„¢s' -> 'Developer’s'; the
 * SLiMS sample data has both a double and a triple case).
 *
 * The repair is applied only when it is unambiguous: the whole string maps
 * back to Windows-1252 bytes and those bytes are valid UTF-8. Ordinary Latin-1
 * text ("café") fails that test and is returned untouched.
 */

const CP1252_HIGH: Record<number, number> = {
  8364: 0x80,
  8218: 0x82,
  402: 0x83,
  8222: 0x84,
  8230: 0x85,
  8224: 0x86,
  8225: 0x87,
  710: 0x88,
  8240: 0x89,
  352: 0x8a,
  8249: 0x8b,
  338: 0x8c,
  381: 0x8e,
  8216: 0x91,
  8217: 0x92,
  8220: 0x93,
  8221: 0x94,
  8226: 0x95,
  8211: 0x96,
  8212: 0x97,
  732: 0x98,
  8482: 0x99,
  353: 0x9a,
  8250: 0x9b,
  339: 0x9c,
  382: 0x9e,
  376: 0x9f,
};

/** A UTF-8 lead byte seen as cp1252 (Â..ô) followed by a continuation byte seen as cp1252. */
const SIGNATURE =
  /[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Windows-1252 bytes of `s`, or undefined if a character has none. */
export function toCp1252Bytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x100) out[i] = c;
    else {
      const b = CP1252_HIGH[c];
      if (b === undefined) return undefined;
      out[i] = b;
    }
  }
  return out;
}

export function looksLikeMojibake(s: string): boolean {
  return SIGNATURE.test(s);
}

export function repairMojibake(s: string): string {
  let current = s;
  // Each round undoes one bad round trip; three covers what real exports contain.
  for (let round = 0; round < 3 && SIGNATURE.test(current); round++) {
    const bytes = toCp1252Bytes(current);
    if (!bytes) break;
    let next: string;
    try {
      next = strictUtf8.decode(bytes);
    } catch {
      break;
    }
    if (next === current) break;
    current = next;
  }
  return current;
}

const CP1252_TO_UNICODE = new Map(Object.entries(CP1252_HIGH).map(([u, b]) => [b, Number(u)]));

/**
 * Windows-1252 bytes -> text. Written out because Node 20's TextDecoder
 * decodes 'windows-1252' as ISO-8859-1, turning 0x92 into U+0092 instead of ’.
 */
export function decodeCp1252(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const codes = Array.from(bytes.subarray(i, i + CHUNK), (b) =>
      b >= 0x80 && b <= 0x9f ? (CP1252_TO_UNICODE.get(b) ?? b) : b,
    );
    out += String.fromCharCode(...codes);
  }
  return out;
}
