import { useCallback, useEffect, useState } from 'react';
import { BIB_FORMATS, MAPPING_FIELDS } from '../../../../src/catalog/formats/mapping-fields.ts';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Field } from '../../ui.tsx';

/** The fields a column may feed ('ignore' is the empty choice here); the server checks. */
export const MAP_FIELDS = MAPPING_FIELDS.filter((f) => f !== 'ignore');

interface Column {
  column: string;
  field: string;
}
interface Spec {
  columns: Column[];
  hasHeader: boolean;
  delimiter: ',' | ';' | 'tab' | null;
  encoding: 'auto' | 'utf-8' | 'windows-1252';
  multiValueSeparator: string | null;
  defaultFormat: string;
}
export interface SavedMapping extends Spec {
  id: number;
  name: string;
}
interface PreviewBib {
  title: string;
  authors: string[];
  year?: number;
  items: Array<{ barcode?: string; location?: string; status: string }>;
}
interface Preview {
  format: 'csv' | 'xlsx' | 'ods';
  sheet: string | null;
  sheets: Array<{ name: string; hidden: boolean }> | null;
  encoding: string;
  delimiter: string;
  header: string[] | null;
  guess: Array<{ column: string; field: string | null }>;
  mapping: Spec;
  problems: Array<{ field: string; code: string; message: { id: string; en: string } }>;
  rows: Array<{
    line: number;
    ok: boolean;
    raw: string | null;
    bib: PreviewBib | null;
    reason: string | null;
    reasonCode: string | null;
    reasonText: { id: string; en: string } | null;
  }>;
}

const SAMPLE_BYTES = 64 * 1024;
/** The server reads a workbook whole, up to this size. */
const MAX_WORKBOOK_BYTES = 8 * 1024 * 1024;

/** The signatures a workbook starts with: zip (Excel .xlsx, OpenDocument .ods) or OLE2 (Excel 97-2003 .xls). */
async function isWorkbook(file: File): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const zip = [0x50, 0x4b, 0x03, 0x04];
  const ole2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  return zip.every((b, i) => head[i] === b) || ole2.every((b, i) => head[i] === b);
}

class WorkbookTooBig extends Error {}

/** The head of a CSV file, or a whole workbook (its directory and shared strings come last). */
async function sampleOf(file: File): Promise<{ sample: string; partial: boolean }> {
  const whole = await isWorkbook(file);
  if (whole && file.size > MAX_WORKBOOK_BYTES) throw new WorkbookTooBig();
  const bytes = new Uint8Array(await file.slice(0, whole ? file.size : SAMPLE_BYTES).arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { sample: btoa(bin), partial: !whole && file.size > SAMPLE_BYTES };
}

/** Every column of the file in the table, mapped or not; only mapped ones are sent. */
function tableOf(header: string[] | null, width: number, mapping: Spec): Column[] {
  const names = header ?? Array.from({ length: width }, (_, i) => String(i));
  const byName = new Map(mapping.columns.map((c) => [c.column.toLowerCase(), c.field]));
  return names.map((column) => ({ column, field: byName.get(column.trim().toLowerCase()) ?? '' }));
}

/**
 * A spreadsheet read through a column mapping: pick a saved one or start from
 * the one guessed from the header, adjust column -> field, see the first rows
 * as records, save. The import page uploads with the saved mapping's id.
 */
export function MappingPanel({
  library,
  file,
  onMapping,
  onSheet,
}: {
  library: string;
  file: File | null;
  /** The saved mapping the upload will use, or null while there is none. */
  onMapping(id: number | null): void;
  /** The workbook sheet chosen (the upload reads it), or null: the first sheet, or a CSV file. */
  onSheet?(name: string | null): void;
}) {
  const { t, pick } = useI18n();
  const [saved, setSaved] = useState<SavedMapping[]>([]);
  const [chosen, setChosen] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [spec, setSpec] = useState<Spec | null>(null);
  const [table, setTable] = useState<Column[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  /** The sheet asked for; null reads the workbook's first. */
  const [sheet, setSheet] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const loadSaved = useCallback(async () => {
    const r = await api<{ items: SavedMapping[] }>('GET', `/api/v1/libraries/${library}/mappings`);
    setSaved(r.items);
    return r.items;
  }, [library]);
  useEffect(() => {
    loadSaved().catch(setError);
  }, [loadSaved]);

  useEffect(() => onMapping(chosen !== null && !dirty ? chosen : null), [chosen, dirty, onMapping]);

  // Another file: its first sheet again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the file is what resets the choice
  useEffect(() => setSheet(null), [file]);
  useEffect(() => onSheet?.(sheet), [sheet, onSheet]);

  const sent = (s: Spec, cols: Column[]): Spec => ({ ...s, columns: cols.filter((c) => c.field !== '') });

  /** Reads the file's head through the saved mapping, the edited one, or (neither) the guess. */
  const runPreview = useCallback(
    async (how: { ref?: number; mapping?: Spec; hasHeader?: boolean }) => {
      if (!file) return;
      setError(null);
      let sample: { sample: string; partial: boolean };
      try {
        sample = await sampleOf(file);
      } catch (e) {
        setPreview(null);
        setError(e instanceof WorkbookTooBig ? new Error(t('mapWorkbookTooBig')) : e);
        return;
      }
      const body: Record<string, unknown> = { ...sample, rows: 10, ...(sheet ? { sheet } : {}) };
      if (how.ref !== undefined) body.mappingRef = String(how.ref);
      else if (how.mapping) body.mapping = how.mapping;
      else if (how.hasHeader !== undefined) body.hasHeader = how.hasHeader;
      try {
        const p = await api<Preview>('POST', `/api/v1/libraries/${library}/mappings/preview`, body);
        setPreview(p);
        if (!how.mapping) {
          setSpec(p.mapping);
          setTable(tableOf(p.header, p.guess.length, p.mapping));
        }
      } catch (e) {
        setError(e);
      }
    },
    [file, library, t, sheet],
  );

  // A new file, or another saved mapping: read it again.
  useEffect(() => {
    setDirty(false);
    if (chosen === null) void runPreview({});
    else void runPreview({ ref: chosen });
  }, [chosen, runPreview]);

  function choose(value: string) {
    const m = saved.find((x) => String(x.id) === value);
    setNotice(null);
    setChosen(m ? m.id : null);
    setName(m ? m.name : '');
  }

  function edit(change: Partial<Spec>, cols = table) {
    if (!spec) return;
    const next = { ...spec, ...change };
    setSpec(next);
    setTable(cols);
    setDirty(true);
    setNotice(null);
  }

  async function save() {
    if (!spec) return;
    setError(null);
    const body = { name: name.trim(), ...sent(spec, table) };
    try {
      const m =
        chosen === null
          ? await api<SavedMapping>('POST', `/api/v1/libraries/${library}/mappings`, body)
          : await api<SavedMapping>('PATCH', `/api/v1/mappings/${chosen}`, body);
      await loadSaved();
      setDirty(false);
      setChosen(m.id);
      setNotice(t('mapSavedDone'));
    } catch (e) {
      setError(e);
    }
  }

  async function remove() {
    if (chosen === null) return;
    try {
      await api('DELETE', `/api/v1/mappings/${chosen}`);
      await loadSaved();
      setChosen(null);
      setName('');
    } catch (e) {
      setError(e);
    }
  }

  const firstRaw = preview?.rows.find((r) => r.raw)?.raw;
  const firstCells = firstRaw
    ? splitCells(firstRaw, preview?.delimiter === 'tab' ? '\t' : (preview?.delimiter ?? ','))
    : [];
  const samples = (i: number) => firstCells[i] ?? '';

  return (
    <div className="card stack" data-testid="mapping-panel">
      <h2>{t('mapTitle')}</h2>
      <p className="muted small">{t('mapIntro')}</p>
      <Field label={t('mapChoose')}>
        <select data-testid="mapping-choice" value={chosen ?? ''} onChange={(e) => choose(e.target.value)}>
          <option value="">{t('mapNew')}</option>
          {saved.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </Field>
      {!file ? <p className="muted">{t('mapNeedFile')}</p> : null}
      {file && preview && preview.format !== 'csv' && preview.sheets && preview.sheets.length > 1 ? (
        <Field label={t('mapSheetChoose')}>
          <select
            data-testid="mapping-sheet-choice"
            value={preview.sheet ?? ''}
            onChange={(e) => {
              setNotice(null);
              setSheet(e.target.value);
            }}
          >
            {preview.sheets.map((s) => (
              <option key={s.name} value={s.name}>
                {s.hidden ? `${s.name} (${t('mapSheetHidden')})` : s.name}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {file && preview && preview.format !== 'csv' && preview.sheet ? (
        <p className="muted small" data-testid="mapping-sheet">
          {t('mapSheet')}: {preview.sheet}
        </p>
      ) : null}
      {spec && file ? (
        <>
          <div className="filters">
            <Field label={t('mapName')}>
              <input
                value={name}
                maxLength={100}
                onChange={(e) => {
                  setName(e.target.value);
                  setDirty(true);
                }}
              />
            </Field>
            <Field label={t('mapDelimiter')}>
              <select
                value={spec.delimiter ?? ''}
                onChange={(e) => edit({ delimiter: (e.target.value || null) as Spec['delimiter'] })}
              >
                <option value="">{t('mapDelimiterAuto')}</option>
                <option value=",">,</option>
                <option value=";">;</option>
                <option value="tab">{t('mapTab')}</option>
              </select>
            </Field>
            <Field label={t('mapEncoding')}>
              <select value={spec.encoding} onChange={(e) => edit({ encoding: e.target.value as Spec['encoding'] })}>
                <option value="auto">{t('mapEncodingAuto')}</option>
                <option value="utf-8">UTF-8</option>
                <option value="windows-1252">Windows-1252</option>
              </select>
            </Field>
            <Field label={t('mapSeparator')}>
              <input
                value={spec.multiValueSeparator ?? ''}
                maxLength={5}
                size={4}
                onChange={(e) => edit({ multiValueSeparator: e.target.value || null })}
              />
            </Field>
            <Field label={t('mapDefaultFormat')}>
              <select value={spec.defaultFormat} onChange={(e) => edit({ defaultFormat: e.target.value })}>
                {BIB_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {t(`format.${f}`)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={spec.hasHeader}
              onChange={(e) => {
                const hasHeader = e.target.checked;
                // Header names and positions do not carry over: start again from what the file shows.
                setSpec({ ...spec, hasHeader });
                setDirty(true);
                void runPreview({ hasHeader });
              }}
            />{' '}
            {t('mapHasHeader')}
          </label>
          <table className="list small" data-testid="mapping-columns">
            <thead>
              <tr>
                <th>{t('mapColumn')}</th>
                <th>{t('mapField')}</th>
                <th className="hide-narrow">{t('mapSample')}</th>
              </tr>
            </thead>
            <tbody>
              {table.map((c, i) => (
                <tr key={c.column}>
                  <td>
                    <code>{c.column}</code>
                  </td>
                  <td>
                    <select
                      aria-label={`${t('mapField')}: ${c.column}`}
                      value={c.field}
                      onChange={(e) =>
                        edit(
                          {},
                          table.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)),
                        )
                      }
                    >
                      <option value="">{t('mapFieldNone')}</option>
                      {MAP_FIELDS.map((f) => (
                        <option key={f} value={f}>
                          {t(`map.field.${f}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="hide-narrow muted small">{samples(i)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ErrorBox error={error} />
          {preview?.problems.length ? (
            <ul className="error" role="alert">
              {preview.problems.map((p) => (
                <li key={p.field + p.code}>{pick(p.message)}</li>
              ))}
            </ul>
          ) : null}
          {notice ? (
            <p className="notice" role="status">
              {notice}
            </p>
          ) : null}
          <div className="actions">
            <button type="button" onClick={() => void runPreview({ mapping: sent(spec, table) })}>
              {t('mapPreview')}
            </button>
            <button type="button" className="primary" disabled={!name.trim()} onClick={() => void save()}>
              {t('mapSave')}
            </button>
            {chosen !== null ? (
              <button type="button" onClick={() => void remove()}>
                {t('mapDelete')}
              </button>
            ) : null}
          </div>
          {preview?.rows.length ? (
            <>
              <h3>{t('mapPreviewTitle')}</h3>
              <table className="list small" data-testid="mapping-preview">
                <thead>
                  <tr>
                    <th>{t('mapLine')}</th>
                    <th>{t('map.field.title')}</th>
                    <th className="hide-narrow">{t('map.field.authors')}</th>
                    <th className="hide-narrow">{t('map.field.year')}</th>
                    <th>{t('mapCopies')}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((r) =>
                    r.ok && r.bib ? (
                      <tr key={r.line}>
                        <td>{r.line}</td>
                        <td>{r.bib.title}</td>
                        <td className="hide-narrow">{r.bib.authors.join('; ')}</td>
                        <td className="hide-narrow">{r.bib.year ?? ''}</td>
                        <td>
                          {r.bib.items
                            .map((i) =>
                              [i.barcode, i.location, t(`itemStatus.${i.status}`)].filter(Boolean).join(' · '),
                            )
                            .join(' | ')}
                        </td>
                      </tr>
                    ) : (
                      <tr key={r.line} className="rejected">
                        <td>{r.line}</td>
                        <td colSpan={4} className="error" data-reason={r.reasonCode ?? ''} title={r.reason ?? ''}>
                          {t('mapRejected')}: {r.reasonText ? pick(r.reasonText) : r.reason}
                        </td>
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
            </>
          ) : null}
          {dirty || chosen === null ? <p className="muted small">{t('mapNeedSaved')}</p> : null}
        </>
      ) : (
        <ErrorBox error={error} />
      )}
    </div>
  );
}

/** The cells of one row as the preview shows samples (quotes honoured, roughly). */
function splitCells(raw: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of raw) {
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}
