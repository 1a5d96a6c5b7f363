import { type FormEvent, Fragment, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field } from '../../ui.tsx';

interface Source {
  id: number;
  name: string;
  baseUrl: string;
  metadataPrefix: string;
  setSpec: string | null;
  scheduleHours: number | null;
  enabled: boolean;
  lastRunAt: string | null;
  nextRunAt: string | null;
  lastBatch: { status: string; counts: Record<string, number>; error: string | null; finishedAt: string | null } | null;
}

interface Run {
  id: number;
  status: string;
  counts: Record<string, number>;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** The last runs of one source, newest first, each linking to its report on the import page. */
function RunHistory({ library, sourceId }: { library: string; sourceId: number }) {
  const { t } = useI18n();
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ items: Run[] }>('GET', `/api/v1/libraries/${library}/imports?source=${sourceId}&pageSize=10`).then(
      (r) => setRuns(r.items),
      setError,
    );
  }, [library, sourceId]);
  if (error) return <ErrorBox error={error} />;
  if (!runs) return <p className="muted">{t('loading')}</p>;
  if (runs.length === 0) return <p className="muted">{t('sources.noRuns')}</p>;
  return (
    <table className="list small" data-testid={`runs-${sourceId}`}>
      <thead>
        <tr>
          <th>{t('sources.started')}</th>
          <th>{t('status')}</th>
          <th>
            {t('count.added')} / {t('count.updated')} / {t('count.deleted')}
          </th>
          <th>{t('count.rejected')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-status={r.status}>
            <td>{when(r.createdAt)}</td>
            <td>
              {t(`batchStatus.${r.status}`)}
              {r.error ? <div className="error">{r.error}</div> : null}
            </td>
            <td>
              {r.counts.added ?? 0} / {r.counts.updated ?? 0} / {r.counts.deleted ?? 0}
            </td>
            <td>{r.counts.rejected ?? 0}</td>
            <td>
              <Link to={`/imports?batch=${r.id}`}>{t('sources.report')}</Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SourcesPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const library = me?.libraryCode ?? '';
  const [sources, setSources] = useState<Source[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [open, setOpen] = useState<number | null>(null);
  const [form, setForm] = useState({
    name: '',
    baseUrl: '',
    metadataPrefix: 'marc21',
    setSpec: '',
    scheduleHours: '24',
  });

  const load = useCallback(() => {
    if (library)
      api<{ items: Source[] }>('GET', `/api/v1/libraries/${library}/harvest-sources`).then(
        (r) => setSources(r.items),
        setError,
      );
  }, [library]);
  useEffect(load, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', `/api/v1/libraries/${library}/harvest-sources`, {
        name: form.name,
        baseUrl: form.baseUrl,
        metadataPrefix: form.metadataPrefix,
        setSpec: form.setSpec || null,
        scheduleHours: form.scheduleHours ? Number(form.scheduleHours) : null,
      });
      setForm({ ...form, name: '', baseUrl: '', setSpec: '' });
      load();
    } catch (err) {
      setError(err);
    }
  }

  async function run(id: number) {
    setError(null);
    try {
      await api('POST', `/api/v1/harvest-sources/${id}/run`);
      setNotice(t('harvestQueued'));
      setTimeout(load, 1500);
    } catch (err) {
      setError(err);
    }
  }

  async function toggle(s: Source) {
    try {
      await api('PATCH', `/api/v1/harvest-sources/${s.id}`, { enabled: !s.enabled });
      load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section>
      <h1>{t('sourcesTitle')}</h1>
      <p className="muted">{t('sourcesIntro')}</p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorBox error={error} />
      <table className="list">
        <thead>
          <tr>
            <th>{t('name')}</th>
            <th className="hide-narrow">{t('importFormat')}</th>
            <th>{t('lastRun')}</th>
            <th className="hide-narrow">{t('nextRun')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sources.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                {t('sources.none')}
              </td>
            </tr>
          ) : null}
          {sources.map((s) => (
            <Fragment key={s.id}>
              <tr>
                <td>
                  <strong>{s.name}</strong>
                  <div className="muted small">
                    {s.baseUrl}
                    {s.setSpec ? ` · set ${s.setSpec}` : ''}
                  </div>
                </td>
                <td className="hide-narrow">{s.metadataPrefix}</td>
                <td>
                  {when(s.lastRunAt)}
                  {s.lastBatch ? (
                    <div className="small">
                      {t(`batchStatus.${s.lastBatch.status}`)} · +{s.lastBatch.counts.added ?? 0} / ~
                      {s.lastBatch.counts.updated ?? 0} / −{s.lastBatch.counts.deleted ?? 0} · {t('count.rejected')}{' '}
                      {s.lastBatch.counts.rejected ?? 0}
                      {s.lastBatch.error ? <div className="error">{s.lastBatch.error}</div> : null}
                    </div>
                  ) : null}
                </td>
                <td className="hide-narrow">{s.enabled ? when(s.nextRunAt) : t('paused')}</td>
                <td>
                  <div className="actions">
                    <button type="button" onClick={() => run(s.id)}>
                      {t('harvestNow')}
                    </button>
                    <button type="button" onClick={() => toggle(s)}>
                      {s.enabled ? t('pause') : t('resume')}
                    </button>
                    <button
                      type="button"
                      aria-expanded={open === s.id}
                      onClick={() => setOpen(open === s.id ? null : s.id)}
                    >
                      {open === s.id ? t('sources.hideHistory') : t('sources.history')}
                    </button>
                  </div>
                </td>
              </tr>
              {open === s.id ? (
                <tr>
                  <td colSpan={5}>
                    <RunHistory library={library} sourceId={s.id} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      <form className="card stack" onSubmit={add}>
        <h2>{t('addSource')}</h2>
        <div className="grid2">
          <Field label={t('name')}>
            <input
              name="name"
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              required
            />
          </Field>
          <Field label={t('oaiBaseUrl')}>
            <input
              name="baseUrl"
              type="url"
              value={form.baseUrl}
              onChange={(e) => setForm({ ...form, baseUrl: e.target.value })}
              required
            />
          </Field>
          <Field label={t('importFormat')}>
            <select
              name="metadataPrefix"
              value={form.metadataPrefix}
              onChange={(e) => setForm({ ...form, metadataPrefix: e.target.value })}
            >
              <option value="marc21">MARC21 (marc21)</option>
              <option value="oai_dc">Dublin Core (oai_dc)</option>
              <option value="mods">MODS</option>
            </select>
          </Field>
          <Field label={t('oaiSet')}>
            <input
              name="setSpec"
              value={form.setSpec}
              onChange={(e) => setForm({ ...form, setSpec: e.target.value })}
            />
          </Field>
          <Field label={t('scheduleHours')}>
            <input
              name="scheduleHours"
              type="number"
              min={1}
              value={form.scheduleHours}
              onChange={(e) => setForm({ ...form, scheduleHours: e.target.value })}
            />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {t('addSource')}
          </button>
        </div>
      </form>
    </section>
  );
}
