import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { Back, useLibraries } from './Acquisition.tsx';
import type { Certificate, Internship, Training } from './coop-types.ts';

export function InternshipsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const libs = useLibraries();
  const [list, setList] = useState<Internship[] | null>(null);
  const [f, setF] = useState({ institution: '', instLib: '', supervisor: '', from: '', to: '', students: '' });
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ items: Internship[] }>('GET', '/api/v1/internships').then((r) => setList(r.items), setError);
  }, []);
  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<Internship>('POST', '/api/v1/internships', {
        institutionName: f.institution,
        institutionLibraryCode: f.instLib || null,
        supervisor: f.supervisor,
        startsOn: f.from,
        endsOn: f.to,
        students: f.students
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .map((l) => {
            const [name = '', studentNumber, programme] = l.split(';').map((x) => x.trim());
            return { name, ...(studentNumber ? { studentNumber } : {}), ...(programme ? { programme } : {}) };
          }),
      });
      navigate(`/programs/internships/${r.id}`);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section>
      <Back />
      <h1>{t('internships')}</h1>
      <ErrorBox error={error} />
      {list && !list.length ? <p className="muted">{t('none')}</p> : null}
      <ul className="cards">
        {list?.map((i) => (
          <li key={i.id} className="card">
            <Link className="title" to={`/programs/internships/${i.id}`}>
              {i.institutionName} → {i.host.name}
            </Link>
            <div className="meta">
              {i.direction ? <span className="tag">{t(`dir.${i.direction}`)}</span> : null} {i.startsOn} – {i.endsOn} ·{' '}
              {t('students')}: {i.students.length} · {t('supervisor')}: {i.supervisor}
            </div>
          </li>
        ))}
      </ul>
      <form className="card stack" onSubmit={create}>
        <h2>{t('newInternship')}</h2>
        <div className="grid2">
          <Field label={t('coopInstitution')}>
            <input required value={f.institution} onChange={(e) => setF({ ...f, institution: e.target.value })} />
          </Field>
          <Field label={t('institutionLib')}>
            <select value={f.instLib} onChange={(e) => setF({ ...f, instLib: e.target.value })}>
              <option value="" />
              {libs.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('supervisor')}>
            <input required value={f.supervisor} onChange={(e) => setF({ ...f, supervisor: e.target.value })} />
          </Field>
          <Field label={t('from')}>
            <input type="date" required value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} />
          </Field>
          <Field label={t('to')}>
            <input type="date" required value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} />
          </Field>
          <Field label={t('studentsLines')}>
            <textarea rows={4} value={f.students} onChange={(e) => setF({ ...f, students: e.target.value })} />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {t('newInternship')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function InternshipPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [i, setI] = useState<Internship | null>(null);
  const [ev, setEv] = useState({ evaluation: '', score: '' });
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<Internship>('GET', `/api/v1/internships/${id}`).then((r) => {
      setI(r);
      setEv({ evaluation: r.evaluation ?? '', score: r.score === null ? '' : String(r.score) });
    }, setError);
  }, [id]);
  if (!i) return <ErrorBox error={error} />;
  return (
    <section>
      <p>
        <Link to="/programs/internships">‹ {t('internships')}</Link>
      </p>
      <h1>
        {t('internships')}: {i.institutionName}
      </h1>
      <div className="meta">
        {i.host.name} · {i.startsOn} – {i.endsOn} · {t('supervisor')}: {i.supervisor}
      </div>
      <h2>{t('students')}</h2>
      <ul>
        {i.students.map((s) => (
          <li key={`${s.name}-${s.studentNumber ?? ''}`}>
            {s.name} {s.studentNumber ? `(${s.studentNumber})` : ''} {s.programme ?? ''}
          </li>
        ))}
      </ul>
      <ErrorBox error={error} />
      {i.canManage ? (
        <form
          className="card stack"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            try {
              setI(
                await api<Internship>('PATCH', `/api/v1/internships/${i.id}`, {
                  evaluation: ev.evaluation || null,
                  score: ev.score === '' ? null : Number(ev.score),
                }),
              );
            } catch (err) {
              setError(err);
            }
          }}
        >
          <Field label={t('evaluation')}>
            <textarea rows={3} value={ev.evaluation} onChange={(e) => setEv({ ...ev, evaluation: e.target.value })} />
          </Field>
          <Field label={t('score')}>
            <input
              type="number"
              min={0}
              max={100}
              value={ev.score}
              onChange={(e) => setEv({ ...ev, score: e.target.value })}
            />
          </Field>
          <div className="actions">
            <button type="submit" className="primary">
              {t('saveEvaluation')}
            </button>
          </div>
        </form>
      ) : (
        <p>
          {t('evaluation')}: {i.evaluation ?? '—'} {i.score !== null ? `(${i.score})` : ''}
        </p>
      )}
    </section>
  );
}

export function TrainingsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [list, setList] = useState<Training[] | null>(null);
  const [f, setF] = useState({ kind: 'training', title: '', organiser: '', place: '', from: '', to: '', hours: '' });
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ items: Training[] }>('GET', '/api/v1/trainings').then((r) => setList(r.items), setError);
  }, []);
  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<Training>('POST', '/api/v1/trainings', {
        kind: f.kind,
        title: f.title,
        organiserName: f.organiser || null,
        place: f.place || null,
        startsOn: f.from,
        endsOn: f.to || f.from,
        hours: f.hours ? Number(f.hours) : null,
      });
      navigate(`/programs/trainings/${r.id}`);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section>
      <Back />
      <h1>{t('trainings')}</h1>
      <ErrorBox error={error} />
      {list && !list.length ? <p className="muted">{t('none')}</p> : null}
      <ul className="cards">
        {list?.map((x) => (
          <li key={x.id} className="card">
            <Link className="title" to={`/programs/trainings/${x.id}`}>
              {x.title}
            </Link>
            <div className="meta">
              <span className="tag">{t(`tkind.${x.kind}`)}</span>{' '}
              {x.direction ? <span className="tag">{t(`dir.${x.direction}`)}</span> : null} {x.startsOn} – {x.endsOn} ·{' '}
              {x.organiserName ?? x.organiser.name} · {t('participants')}: {x.participantCount}
            </div>
          </li>
        ))}
      </ul>
      <form className="card stack" onSubmit={create}>
        <h2>{t('newTraining')}</h2>
        <div className="grid2">
          <Field label={t('eventKind')}>
            <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })}>
              {['training', 'workshop', 'meeting'].map((k) => (
                <option key={k} value={k}>
                  {t(`tkind.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('eventTitle')}>
            <input required value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} />
          </Field>
          <Field label={t('organiserName')}>
            <input value={f.organiser} onChange={(e) => setF({ ...f, organiser: e.target.value })} />
          </Field>
          <Field label={t('place')}>
            <input value={f.place} onChange={(e) => setF({ ...f, place: e.target.value })} />
          </Field>
          <Field label={t('from')}>
            <input type="date" required value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} />
          </Field>
          <Field label={t('to')}>
            <input type="date" value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} />
          </Field>
          <Field label={t('hours')}>
            <input type="number" min={0} value={f.hours} onChange={(e) => setF({ ...f, hours: e.target.value })} />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {t('newTraining')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function TrainingPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const libs = useLibraries();
  const [tr, setTr] = useState<Training | null>(null);
  const [p, setP] = useState({ lib: '', inst: '', name: '', position: '' });
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<Training>('GET', `/api/v1/trainings/${id}`).then(setTr, setError);
  }, [id]);
  const act = async (method: string, url: string, body?: unknown) => {
    setError(null);
    try {
      setTr(await api<Training>(method, url, body));
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  if (!tr) return <ErrorBox error={error} />;
  return (
    <section>
      <p>
        <Link to="/programs/trainings">‹ {t('trainings')}</Link>
      </p>
      <h1>{tr.title}</h1>
      <div className="meta">
        <span className="tag">{t(`tkind.${tr.kind}`)}</span> {tr.organiserName ?? tr.organiser.name} · {tr.startsOn} –{' '}
        {tr.endsOn} · {tr.place ?? ''} {tr.hours ? `· ${tr.hours} ${t('hours')}` : ''}
      </div>
      <ErrorBox error={error} />
      <h2>
        {t('participants')} ({tr.participantCount})
      </h2>
      <table className="list" data-testid="participants">
        <tbody>
          {tr.participants.map((x) => (
            <tr key={x.id}>
              <td>{x.name}</td>
              <td>{x.position ?? ''}</td>
              <td>{x.library?.name ?? x.institutionName}</td>
              <td>
                {tr.canManage && !x.certificateNumber ? (
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={x.attended}
                      onChange={(e) =>
                        act('POST', `/api/v1/trainings/${tr.id}/attendance`, {
                          participantIds: [x.id],
                          attended: e.target.checked,
                        })
                      }
                    />{' '}
                    {t('attended')}
                  </label>
                ) : x.attended ? (
                  t('attended')
                ) : (
                  t('absent')
                )}
              </td>
              <td>
                {x.certificateNumber ? (
                  <Link to={`/programs/trainings/${tr.id}/certificates/${x.id}`}>{x.certificateNumber}</Link>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tr.canManage ? (
        <>
          <form
            className="card stack"
            onSubmit={async (e) => {
              e.preventDefault();
              const ok = await act('POST', `/api/v1/trainings/${tr.id}/participants`, {
                participants: [
                  {
                    libraryCode: p.lib || null,
                    institutionName: p.lib ? null : p.inst || null,
                    name: p.name,
                    position: p.position || null,
                  },
                ],
              });
              if (ok) setP({ ...p, name: '', position: '' });
            }}
          >
            <h2>{t('addParticipant')}</h2>
            <div className="grid2">
              <Field label={t('participantName')}>
                <input required value={p.name} onChange={(e) => setP({ ...p, name: e.target.value })} />
              </Field>
              <Field label={t('coopPosition')}>
                <input value={p.position} onChange={(e) => setP({ ...p, position: e.target.value })} />
              </Field>
              <Field label={t('fromLibrary')}>
                <select value={p.lib} onChange={(e) => setP({ ...p, lib: e.target.value })}>
                  <option value="" />
                  {libs.map((l) => (
                    <option key={l.code} value={l.code}>
                      {l.name}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('fromInstitution')}>
                <input value={p.inst} onChange={(e) => setP({ ...p, inst: e.target.value })} />
              </Field>
            </div>
            <div className="actions">
              <button type="submit">{t('addParticipant')}</button>
            </div>
          </form>
          <p className="actions">
            <button
              type="button"
              className="primary"
              onClick={() => act('POST', `/api/v1/trainings/${tr.id}/certificates`)}
            >
              {t('issueCertificates')}
            </button>
          </p>
        </>
      ) : null}
    </section>
  );
}

export function CertificatePage() {
  const { id = '', pid = '' } = useParams();
  const { t } = useI18n();
  const [c, setC] = useState<Certificate | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<Certificate>('GET', `/api/v1/trainings/${id}/participants/${pid}/certificate`).then(setC, setError);
  }, [id, pid]);
  if (!c) return <ErrorBox error={error} />;
  return (
    <section className="certificate">
      <p className="no-print">
        <Link to={`/programs/trainings/${id}`}>‹ {t('trainings')}</Link>{' '}
        <button type="button" className="primary" onClick={() => window.print()}>
          {t('print')}
        </button>
      </p>
      <div className="card" style={{ textAlign: 'center', padding: '3rem 2rem' }}>
        <h1>{t('certificateTitle')}</h1>
        <p className="muted">{c.number}</p>
        <p>{t('certifies')}</p>
        <h2 data-testid="cert-name">{c.participantName}</h2>
        <p>
          {c.position ? `${c.position}, ` : ''}
          {c.from}
        </p>
        <p>{t('forTaking')}</p>
        <h2>
          {t(`tkind.${c.kind}`)}: {c.title}
        </h2>
        <p>
          {t('heldBy_')} {c.organiser}
          {c.place ? `, ${c.place}` : ''}
        </p>
        <p>
          {t('onDates')} {c.startsOn}
          {c.endsOn !== c.startsOn ? ` – ${c.endsOn}` : ''}
          {c.hours ? ` (${c.hours} ${t('hours')})` : ''}
        </p>
        <p className="signatures">{c.issuedOn}</p>
      </div>
    </section>
  );
}
