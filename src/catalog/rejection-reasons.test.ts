import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFile } from './parse.ts';
import { classifyReason, REASON_CODES, reasonText } from './rejection-reasons.ts';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** The reasons the real readers give for a file's rejected records. */
async function reasonsOf(
  bytes: Uint8Array,
  format?: Parameters<typeof parseFile>[1],
  options: Parameters<typeof parseFile>[3] = {},
): Promise<string[]> {
  const out: string[] = [];
  for await (const p of parseFile(once(bytes), format, undefined, options)) if (!p.ok) out.push(p.reason);
  return out;
}

describe('rejection reasons', () => {
  it('knows the reasons the ISO 2709 reader gives for a real file of broken records', async () => {
    const reasons = await reasonsOf(readFileSync('../shared/data/marc/pymarc/test/bad_records.mrc'), 'iso2709');
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of reasons) {
      const c = classifyReason(r);
      expect(c.code, r).not.toBe('other');
      const text = reasonText(c.code, c.params, r);
      expect(text.id).not.toBe(text.en);
      expect(text.id).not.toMatch(/\{\w+\}/);
    }
  });

  it('knows the reasons the CSV reader gives for a row too wide and one without a title', async () => {
    const csv = new TextEncoder().encode('title,author\nSiti Nurbaya,Marah Rusli\nsatu,dua,tiga\n,Tanpa Judul\n');
    const reasons = await reasonsOf(csv, 'csv', { mapping: { columns: { title: 'title', author: 'authors' } } });
    const codes = reasons.map((r) => classifyReason(r).code);
    expect(codes).toContain('csv_field_count');
    expect(codes).toContain('no_title');
    const fields = classifyReason(reasons.find((r) => classifyReason(r).code === 'csv_field_count') ?? '');
    expect(fields.params).toEqual({ fields: '3', header: '2' });
    expect(reasonText(fields.code, fields.params, '').id).toBe(
      '3 kolom, padahal judul kolom ada 2: pemisah di dalam nilai tanpa tanda kutip?',
    );
  });

  it('gives the store and the parsers a code and parameters, and says an unknown text is English', () => {
    const stored = classifyReason('could not be stored: value too long for type character varying(20)');
    expect(stored).toEqual({ code: 'not_stored', params: { detail: 'value too long for type character varying(20)' } });
    expect(reasonText(stored.code, stored.params, '').id).toBe(
      'Tidak dapat disimpan: value too long for type character varying(20)',
    );
    expect(classifyReason('12 stray bytes')).toEqual({ code: 'stray_bytes', params: { bytes: '12' } });
    expect(classifyReason('field 245 (bytes 30+9000) runs past the end of the record')).toEqual({
      code: 'marc_field_past_end',
      params: { tag: '245', at: '30', length: '9000' },
    });
    const repeated = classifyReason(
      'the same record id (SW-9) comes again later in the file (byte 200); the later copy is kept',
    );
    expect(repeated).toEqual({ code: 'repeated_record_id', params: { record: 'SW-9', later: 'byte 200' } });
    expect(reasonText(repeated.code, repeated.params, '').id).toBe(
      'Nomor cantuman SW-9 muncul lagi nanti dalam berkas (byte 200); salinan yang terakhir disimpan',
    );
    expect(classifyReason('the same record comes again later in the file (line 7); the later copy is kept').code).toBe(
      'repeated_record',
    );
    const odd = classifyReason('something nobody wrote a rule for');
    expect(odd.code).toBe('other');
    expect(reasonText('other', {}, 'something nobody wrote a rule for')).toEqual({
      id: 'Alasan (dalam bahasa Inggris): something nobody wrote a rule for',
      en: 'something nobody wrote a rule for',
    });
    expect(new Set(REASON_CODES).size).toBe(REASON_CODES.length);
  });
});
