import { type FormEvent, useCallback, useEffect, useState } from 'react';
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

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function SourcesPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const library = me?.libraryCode ?? '';
  const [sources, setSources] = useState<Source[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
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
          {sources.map((s) => (
            <tr key={s.id}>
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
                </div>
              </td>
            </tr>
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
