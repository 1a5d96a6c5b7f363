import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, type Page } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { MappingPanel } from './MappingPanel.tsx';

interface Batch {
  id: number;
  libraryCode: string;
  kind: 'file' | 'harvest';
  filename: string | null;
  format: string | null;
  status: string;
  bytesTotal: number | null;
  bytesRead: number;
  counts: Record<'read' | 'added' | 'updated' | 'unchanged' | 'deleted' | 'matched' | 'rejected', number>;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}
interface Rejected {
  position: string;
  reason: string;
  reasonCode: string;
  reasonText: { id: string; en: string };
  excerpt: string | null;
}

const FORMATS = [
  '',
  'iso2709',
  'marcxml',
  'mods',
  'oai_dc',
  'slims_csv',
  'slims_items_csv',
  'xlsx',
  'ods',
  'xls',
  'csv',
];

/** Uploading streams the file as the request body; XHR gives upload progress, fetch does not. */
function upload(url: string, file: File, csrf: string | null, onProgress: (f: number) => void): Promise<Batch> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const data = JSON.parse(xhr.responseText || 'null');
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as Batch);
      else
        reject(
          new ApiError(
            xhr.status,
            data?.error?.code ?? 'http_error',
            data?.error?.message ?? { id: 'Gagal', en: 'Failed' },
            data?.error?.details,
          ),
        );
    };
    xhr.onerror = () => reject(new Error('network error'));
    xhr.send(file);
  });
}

export function ImportsPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const library = me?.libraryCode ?? '';
  const [batches, setBatches] = useState<Batch[]>([]);
  const [selected, setSelected] = useState<Batch | null>(null);
  const [rejected, setRejected] = useState<Page<Rejected> | null>(null);
  const [format, setFormat] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [mappingId, setMappingId] = useState<number | null>(null);
  const [sheet, setSheet] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const load = useCallback(() => {
    if (!library) return;
    api<Page<Batch>>('GET', `/api/v1/libraries/${library}/imports?pageSize=20`).then(
      (p) => setBatches(p.items),
      setError,
    );
  }, [library]);
  useEffect(load, [load]);

  // A report asked for by address (a harvest run from the sources page: /imports?batch=ID).
  useEffect(() => {
    const asked = new URLSearchParams(window.location.search).get('batch');
    if (asked && /^\d+$/.test(asked)) api<Batch>('GET', `/api/v1/imports/${asked}`).then(setSelected, setError);
  }, []);

  // Poll the selected batch while it runs.
  useEffect(() => {
    if (!selected || selected.status === 'done' || selected.status === 'failed') return;
    const timer = setInterval(() => {
      api<Batch>('GET', `/api/v1/imports/${selected.id}`).then((b) => {
        setSelected(b);
        if (b.status === 'done' || b.status === 'failed') load();
      }, setError);
    }, 1000);
    return () => clearInterval(timer);
  }, [selected, load]);

  useEffect(() => {
    if (!selected || (selected.status !== 'done' && selected.status !== 'failed')) return;
    api<Page<Rejected>>('GET', `/api/v1/imports/${selected.id}/rejected?pageSize=50`).then(setRejected, setError);
  }, [selected]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) return;
    setError(null);
    setRejected(null);
    setProgress(0);
    try {
      // Through a mapping the server tells a CSV file from a workbook (.xlsx, .ods or .xls) by its first bytes.
      const viaMapping = format === 'csv' && mappingId !== null;
      const qs = new URLSearchParams({
        filename: file.name,
        ...(format && !viaMapping ? { format } : {}),
        ...(viaMapping ? { mapping: String(mappingId) } : {}),
        ...(viaMapping && sheet ? { sheet } : {}),
      });
      const csrf = (await api<{ csrfToken: string | null }>('GET', '/api/v1/auth/me')).csrfToken;
      const b = await upload(`/api/v1/libraries/${library}/imports?${qs}`, file, csrf, setProgress);
      setSelected(b);
      load();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  }

  const pct = (b: Batch) => (b.bytesTotal ? Math.round((100 * b.bytesRead) / b.bytesTotal) : 0);

  return (
    <section>
      <h1>{t('importsTitle')}</h1>
      <form className="card stack" onSubmit={submit}>
        <Field label={t('importFile')}>
          <input
            ref={fileRef}
            type="file"
            name="file"
            required
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </Field>
        <Field label={t('importFormat')}>
          <select name="format" value={format} onChange={(e) => setFormat(e.target.value)}>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {f ? t(`importFormat.${f}`) : t('importFormatAuto')}
              </option>
            ))}
          </select>
        </Field>
        {format === 'csv' && library ? (
          <MappingPanel library={library} file={file} onMapping={setMappingId} onSheet={setSheet} />
        ) : null}
        {progress !== null ? <progress max={1} value={progress} aria-label={t('uploading')} /> : null}
        <ErrorBox error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={format === 'csv' && mappingId === null}>
            {t('importStart')}
          </button>
        </div>
      </form>
      {selected ? (
        <div className="card" data-testid="batch">
          <h2>
            {selected.filename} · {t(`batchStatus.${selected.status}`)}
          </h2>
          {selected.status === 'running' || selected.status === 'queued' ? (
            <progress max={100} value={pct(selected)} aria-label={t('importProgress')} />
          ) : null}
          <dl className="facts">
            {(['read', 'added', 'updated', 'unchanged', 'deleted', 'matched', 'rejected'] as const).map((k) => (
              <div key={k} className="fact">
                <dt>{t(`count.${k}`)}</dt>
                <dd data-count={k}>{selected.counts[k]}</dd>
              </div>
            ))}
          </dl>
          {selected.format ? (
            <p className="muted small">
              {t('importFormat')}: {selected.format}
            </p>
          ) : null}
          {selected.error ? <p className="error">{selected.error}</p> : null}
          {rejected?.items.length ? (
            <>
              <h3>{t('rejectedRecords')}</h3>
              <table className="list small">
                <thead>
                  <tr>
                    <th>{t('position')}</th>
                    <th>{t('reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rejected.items.map((r) => (
                    <tr key={r.position}>
                      <td>
                        <code>{r.position}</code>
                      </td>
                      <td data-reason={r.reasonCode} title={r.reason}>
                        {r.reasonText[lang]}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </div>
      ) : null}
      <h2>{t('recentImports')}</h2>
      <table className="list" data-testid="recent-imports">
        <thead>
          <tr>
            <th>{t('importFile')}</th>
            <th className="hide-narrow">{t('imports.when')}</th>
            <th>{t('status')}</th>
            <th className="hide-narrow">{t('count.added')}</th>
            <th className="hide-narrow">{t('count.updated')}</th>
            <th className="hide-narrow">{t('count.unchanged')}</th>
            <th>{t('count.rejected')}</th>
          </tr>
        </thead>
        <tbody>
          {batches.length === 0 ? (
            <tr>
              <td colSpan={7} className="muted">
                {t('imports.none')}
              </td>
            </tr>
          ) : null}
          {batches.map((b) => (
            <tr key={b.id} className={selected?.id === b.id ? 'highlight' : undefined}>
              <td>
                <button type="button" className="facet" onClick={() => setSelected(b)}>
                  {b.filename ?? `#${b.id}`}
                </button>
                {b.kind === 'harvest' ? <span className="muted small"> · {t('imports.harvest')}</span> : null}
              </td>
              <td className="hide-narrow">{new Date(b.createdAt).toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB')}</td>
              <td>{t(`batchStatus.${b.status}`)}</td>
              <td className="hide-narrow">{b.counts.added}</td>
              <td className="hide-narrow">{b.counts.updated}</td>
              <td className="hide-narrow">{b.counts.unchanged}</td>
              <td>{b.counts.rejected}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
