import { type FormEvent, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, type Library } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { canActFor, canAdminister, useSession } from '../session.tsx';
import { ErrorBox, Field } from '../ui.tsx';
import { SERVICES } from './Libraries.tsx';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function LibraryPage() {
  const { code = '' } = useParams();
  const { t } = useI18n();
  const { me } = useSession();
  const [lib, setLib] = useState<Library | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    setLib(null);
    api<Library>('GET', `/api/v1/libraries/${encodeURIComponent(code)}`).then(setLib, setError);
  }, [code]);

  if (error && !lib) return <ErrorBox error={error} />;
  if (!lib) return <p>{t('loading')}</p>;

  return (
    <section>
      <p>
        <Link to="/libraries">‹ {t('navLibraries')}</Link>
      </p>
      <h1>{lib.name}</h1>
      <p className="meta">
        <span className="tag">{t(`type.${lib.type}`)}</span> {lib.regionName}
        {lib.provinceName ? `, ${lib.provinceName}` : ''} · <code>{lib.code}</code>
      </p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {editing ? (
        <LibraryForm
          lib={lib}
          onCancel={() => setEditing(false)}
          onSaved={(l) => {
            setLib(l);
            setEditing(false);
            setNotice(t('saved'));
          }}
        />
      ) : (
        <div className="card">
          <dl className="facts">
            {lib.parentInstitution ? (
              <>
                <dt>{t('parentInstitution')}</dt>
                <dd>{lib.parentInstitution}</dd>
              </>
            ) : null}
            {!lib.signsOwnAgreements && lib.parentLibraryName ? (
              <>
                <dt>{t('signsFor')}</dt>
                <dd>{lib.parentLibraryName}</dd>
              </>
            ) : null}
            <dt>{t('address')}</dt>
            <dd>{lib.address ?? '—'}</dd>
            <dt>{t('phone')}</dt>
            <dd>{lib.phone ?? '—'}</dd>
            <dt>{t('email')}</dt>
            <dd>{lib.email ?? '—'}</dd>
            <dt>{t('website')}</dt>
            <dd>{lib.website ? <a href={lib.website}>{lib.website}</a> : '—'}</dd>
            <dt>{t('openingHours')}</dt>
            <dd>
              <ul className="plain">
                {DAYS.filter((d) => lib.openingHours[d]).map((d) => (
                  <li key={d}>
                    {t(`day.${d}`)}: {lib.openingHours[d]}
                  </li>
                ))}
              </ul>
            </dd>
            <dt>{t('services')}</dt>
            <dd>{lib.services.map((s) => t(`service.${s}`)).join(', ') || '—'}</dd>
            <dt>{t('illCapacity')}</dt>
            <dd>
              {lib.illCapacity}
              {lib.lendingPaused ? <span className="tag warn">{t('lendingPaused')}</span> : null}
            </dd>
          </dl>
          <div className="actions">
            {canAdminister(me, lib) ? (
              <button type="button" className="primary" onClick={() => setEditing(true)}>
                {t('edit')}
              </button>
            ) : null}
            {canActFor(me, lib) ? <Link to={`/patrons?library=${lib.code}`}>{t('navPatrons')} ›</Link> : null}
          </div>
        </div>
      )}
    </section>
  );
}

function LibraryForm({ lib, onSaved, onCancel }: { lib: Library; onSaved(l: Library): void; onCancel(): void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({
    name: lib.name,
    address: lib.address ?? '',
    phone: lib.phone ?? '',
    email: lib.email ?? '',
    website: lib.website ?? '',
    illCapacity: lib.illCapacity,
    lendingPaused: lib.lendingPaused,
    services: lib.services,
    openingHours: lib.openingHours,
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api<Library>('PATCH', `/api/v1/libraries/${lib.code}`, {
        ...form,
        address: form.address || null,
        phone: form.phone || null,
        email: form.email || null,
        website: form.website || null,
        openingHours: Object.fromEntries(Object.entries(form.openingHours).filter(([, v]) => v.trim())),
      });
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const text = (key: 'name' | 'address' | 'phone' | 'email' | 'website') => (
    <Field label={t(key)}>
      <input name={key} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </Field>
  );

  return (
    <form className="card stack" onSubmit={submit}>
      {text('name')}
      {text('address')}
      {text('phone')}
      {text('email')}
      {text('website')}
      <fieldset>
        <legend>{t('openingHours')}</legend>
        <div className="grid2">
          {DAYS.map((d) => (
            <Field key={d} label={t(`day.${d}`)}>
              <input
                name={`hours-${d}`}
                value={form.openingHours[d] ?? ''}
                onChange={(e) => setForm({ ...form, openingHours: { ...form.openingHours, [d]: e.target.value } })}
              />
            </Field>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('services')}</legend>
        {SERVICES.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              checked={form.services.includes(s)}
              onChange={(e) =>
                setForm({
                  ...form,
                  services: e.target.checked ? [...form.services, s] : form.services.filter((x) => x !== s),
                })
              }
            />
            {t(`service.${s}`)}
          </label>
        ))}
      </fieldset>
      <Field label={t('illCapacity')}>
        <input
          name="illCapacity"
          type="number"
          min={0}
          value={form.illCapacity}
          onChange={(e) => setForm({ ...form, illCapacity: Number(e.target.value) })}
        />
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={form.lendingPaused}
          onChange={(e) => setForm({ ...form, lendingPaused: e.target.checked })}
        />
        {t('lendingPaused')}
      </label>
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
