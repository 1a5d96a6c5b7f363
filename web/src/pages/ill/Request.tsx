import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api, currentCsrf } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import type { Charge, RequestDetail, RotaEntry, SupplierDetail, TimelineEntry } from './types.ts';
import { dateOf, IllBack, useLibraryOptions } from './Workspace.tsx';

type Citation = RequestDetail['citation'];

function CitationFacts({ c }: { c: Citation }) {
  const { t } = useI18n();
  const row = (label: string, v: string | undefined) =>
    v ? (
      <>
        <dt>{label}</dt>
        <dd>{v}</dd>
      </>
    ) : null;
  return (
    <>
      {row(t('illAuthor'), c.author)}
      {row(t('illArticle'), c.articleTitle)}
      {row(t('illPages'), c.pages)}
      {row(t('illVolume'), c.volume)}
      {row(t('illIssue'), c.issue)}
      {row(t('illPublisher'), c.publisher)}
      {row(t('illYear'), c.year)}
      {row(t('illIsbn'), c.isbn)}
      {row(t('illIssn'), c.issn)}
    </>
  );
}

function StateTag({ state, flags }: { state: string; flags: { overdue: boolean; waitingTooLong: boolean } }) {
  const { t } = useI18n();
  return (
    <span>
      <span className="tag" data-testid="ill-state">
        {t(`illState.${state}`)}
      </span>
      {flags.overdue ? <span className="tag warn">{t('illFlagOverdue')}</span> : null}
      {flags.waitingTooLong ? <span className="tag warn">{t('illFlagWaiting')}</span> : null}
    </span>
  );
}

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const { t } = useI18n();
  return (
    <section className="card">
      <h2>{t('illTimeline')}</h2>
      <div className="scroll">
        <table className="list small" data-testid="ill-timeline">
          <thead>
            <tr>
              <th>{t('illWhen')}</th>
              <th>{t('illWho')}</th>
              <th>{t('illWhat')}</th>
              <th>{t('illState')}</th>
              <th>{t('illNote')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>{e.actor}</td>
                <td>
                  <code>{e.event}</code> <span className="muted">({t(`illKind.${e.kind}`)})</span>
                </td>
                <td>
                  {e.fromState || e.toState
                    ? `${e.fromState ? t(`illState.${e.fromState}`) : '—'} → ${e.toState ? t(`illState.${e.toState}`) : '—'}`
                    : ''}
                </td>
                <td>{e.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Charges({ charges, canSettle, onChange }: { charges: Charge[]; canSettle: boolean; onChange(): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  if (!charges.length) return null;
  async function settle(c: Charge, status: 'settled' | 'waived') {
    setError(null);
    try {
      await api('POST', `/api/v1/ill/charges/${c.id}/settle`, { status });
      onChange();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section className="card">
      <h2>{t('illCharges')}</h2>
      <ul className="plain" data-testid="ill-charges">
        {charges.map((c) => (
          <li key={c.id}>
            <strong>{t(`illCharge.${c.kind}`)}</strong> · {t(`illRule.${c.rule}`)}
            {c.amountRupiah !== null ? ` Rp ${c.amountRupiah.toLocaleString('id-ID')}` : ''} ·{' '}
            {t(`illChargeStatus.${c.status}`)}
            {c.note ? ` · ${c.note}` : ''}
            {canSettle && c.status === 'open' ? (
              <>
                {' '}
                <button type="button" className="small-button" onClick={() => settle(c, 'settled')}>
                  {t('illSettle')}
                </button>{' '}
                <button type="button" className="small-button" onClick={() => settle(c, 'waived')}>
                  {t('illWaive')}
                </button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      <ErrorBox error={error} />
    </section>
  );
}

function CopyFiles({ files, base }: { files: RequestDetail['copyFiles']; base: string }) {
  const { t } = useI18n();
  if (!files.length) return null;
  return (
    <section className="card">
      <h2>{t('illCopyFiles')}</h2>
      <ul className="plain">
        {files.map((f) => (
          <li key={f.id}>
            <a href={`${base}/copy-files/${f.id}`}>{f.filename}</a>{' '}
            <span className="muted small">
              {Math.ceil(f.sizeBytes / 1024)} KB · {f.uploadedBy} · {dateOf(f.uploadedAt)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Buttons for exactly the actions the server allows now, with the inputs those actions take. */
function ActionPanel({
  allowed,
  inputs,
  onAct,
  error,
  busy,
}: {
  allowed: string[];
  inputs: ReactNode;
  onAct(action: string): void;
  error: unknown;
  busy: boolean;
}) {
  const { t } = useI18n();
  const buttons = allowed.filter((a) => a !== 'editRota');
  return (
    <section className="card stack no-print" data-testid="ill-actions">
      <h2>{t('illActions')}</h2>
      {buttons.length ? (
        <>
          {inputs}
          <p className="actions">
            {buttons.map((a) => (
              <button
                key={a}
                type="button"
                disabled={busy}
                className={a === buttons[0] ? 'primary' : undefined}
                onClick={() => onAct(a)}
              >
                {t(`illAct.${a}`)}
              </button>
            ))}
          </p>
        </>
      ) : (
        <p className="muted">{t('illNoActions')}</p>
      )}
      <ErrorBox error={error} />
    </section>
  );
}

function useDetail<T>(url: string): [T | null, unknown, () => void, (d: T) => void] {
  const [d, setD] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api<T>('GET', url).then(setD, setError);
  }, [url]);
  useEffect(load, [load]);
  return [d, error, load, setD];
}

function RotaPanel({ r, onSaved }: { r: RequestDetail; onSaved(d: RequestDetail): void }) {
  const { t, pick } = useI18n();
  const libraries = useLibraryOptions();
  const editable = r.allowedActions.includes('editRota');
  const [list, setList] = useState<RotaEntry['library'][]>(r.rota.map((e) => e.library));
  const [add, setAdd] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  useEffect(() => setList(r.rota.map((e) => e.library)), [r]);
  const move = (i: number, d: -1 | 1) => {
    const next = [...list];
    const [x] = next.splice(i, 1);
    if (x) next.splice(i + d, 0, x);
    setList(next);
  };
  async function save() {
    setError(null);
    try {
      onSaved(
        await api<RequestDetail>('POST', `/api/v1/ill/requests/${r.id}/rota`, { lenders: list.map((l) => l.id) }),
      );
      setEditing(false);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section className="card">
      <h2>{t('illRota')}</h2>
      {!editing ? (
        <ol data-testid="ill-rota">
          {r.rota.map((e) => (
            <li key={e.position}>
              <strong>{e.library.name}</strong> · {t(`illRota.${e.status}`)}
              {e.score !== null ? (
                <span className="muted small">
                  {' '}
                  · {t('illScore')} {e.score.toFixed(1)}
                </span>
              ) : null}
              {e.reasons.length ? <div className="muted small">{e.reasons.map((x) => pick(x)).join('; ')}</div> : null}
              {e.answerDueAt && e.status === 'current' ? (
                <div className="small">
                  {t('illDue')}: {new Date(e.answerDueAt).toLocaleString()}
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      ) : (
        <RotaEditor
          list={list}
          onMove={move}
          onRemove={(i) => setList(list.filter((_, j) => j !== i))}
          footer={
            <div className="filters">
              <Field label={t('illAddLender')}>
                <select value={add} onChange={(e) => setAdd(e.target.value)}>
                  <option value="">—</option>
                  {libraries
                    .filter((l) => l.id !== r.borrower.id && !list.some((x) => x.id === l.id))
                    .map((l) => (
                      <option key={l.id} value={l.id}>
                        {l.name}
                      </option>
                    ))}
                </select>
              </Field>
              <button
                type="button"
                disabled={!add}
                onClick={() => {
                  const l = libraries.find((x) => String(x.id) === add);
                  if (l) setList([...list, l]);
                  setAdd('');
                }}
              >
                {t('illAddLender')}
              </button>
            </div>
          }
        />
      )}
      {editable ? (
        <p className="actions no-print">
          {editing ? (
            <>
              <button type="button" className="primary" onClick={save}>
                {t('illRotaSave')}
              </button>
              <button type="button" onClick={() => setEditing(false)}>
                {t('cancel')}
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setEditing(true)}>
              {t('illRotaEdit')}
            </button>
          )}
        </p>
      ) : null}
      <ErrorBox error={error} />
    </section>
  );
}

export function RotaEditor({
  list,
  onMove,
  onRemove,
  footer,
  notes,
}: {
  list: Array<{ id: number; name: string }>;
  onMove(i: number, d: -1 | 1): void;
  onRemove(i: number): void;
  footer?: ReactNode;
  notes?: (id: number) => ReactNode;
}) {
  const { t } = useI18n();
  return (
    <>
      <ol className="rota-edit" data-testid="rota-editor">
        {list.map((l, i) => (
          <li key={l.id}>
            <strong>{l.name}</strong>{' '}
            <button type="button" className="small-button" disabled={i === 0} onClick={() => onMove(i, -1)}>
              ↑ {t('illUp')}
            </button>{' '}
            <button
              type="button"
              className="small-button"
              disabled={i === list.length - 1}
              onClick={() => onMove(i, 1)}
            >
              ↓ {t('illDown')}
            </button>{' '}
            <button type="button" className="small-button" onClick={() => onRemove(i)}>
              {t('illRemove')}
            </button>
            {notes ? notes(l.id) : null}
          </li>
        ))}
      </ol>
      {footer}
    </>
  );
}

/** For re-sending an unfilled request: new lenders in order (none asked before), or none for a fresh proposal. */
function ResendLenders({
  r,
  list,
  onChange,
}: {
  r: RequestDetail;
  list: Array<{ id: number; name: string }>;
  onChange(l: Array<{ id: number; name: string }>): void;
}) {
  const { t } = useI18n();
  const libraries = useLibraryOptions();
  const [add, setAdd] = useState('');
  const asked = new Set(r.rota.map((e) => e.library.id));
  const move = (i: number, d: -1 | 1) => {
    const next = [...list];
    const [x] = next.splice(i, 1);
    if (x) next.splice(i + d, 0, x);
    onChange(next);
  };
  return (
    <div className="stack" data-testid="resend-lenders">
      <p className="muted small">{t('illResendHint')}</p>
      <RotaEditor list={list} onMove={move} onRemove={(i) => onChange(list.filter((_, j) => j !== i))} />
      <div className="filters">
        <Field label={t('illAddLender')}>
          <select value={add} onChange={(e) => setAdd(e.target.value)}>
            <option value="">—</option>
            {libraries
              .filter((l) => l.id !== r.borrower.id && !asked.has(l.id) && !list.some((x) => x.id === l.id))
              .map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
          </select>
        </Field>
        <button
          type="button"
          disabled={!add}
          onClick={() => {
            const l = libraries.find((x) => String(x.id) === add);
            if (l) onChange([...list, l]);
            setAdd('');
          }}
        >
          {t('illAddLender')}
        </button>
      </div>
    </div>
  );
}

/** The borrowing library's page of a request. */
export function IllRequestPage() {
  const { id = '' } = useParams();
  const { t, pick } = useI18n();
  const [r, loadError, reload, setR] = useDetail<RequestDetail>(`/api/v1/ill/requests/${encodeURIComponent(id)}`);
  const [note, setNote] = useState('');
  const [statement, setStatement] = useState('');
  const [resendTo, setResendTo] = useState<Array<{ id: number; name: string }>>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function act(action: string) {
    setError(null);
    setBusy(true);
    const body: Record<string, unknown> = {};
    if (note.trim()) body.note = note.trim();
    if (action === 'declareCopyright') body.statement = statement.trim() || t('illCopyrightDefault');
    if (action === 'resend' && resendTo.length) body.lenders = resendTo.map((l) => l.id);
    try {
      setR(await api<RequestDetail>('POST', `/api/v1/ill/requests/${id}/actions/${action}`, body));
      setNote('');
      setResendTo([]);
    } catch (e) {
      setError(e);
      // the request may have moved on meanwhile (the lender acted): show where it stands now
      if (e instanceof ApiError && e.status === 409) reload();
    } finally {
      setBusy(false);
    }
  }

  if (!r) return loadError ? <ErrorBox error={loadError} /> : <p>{t('loading')}</p>;
  const c = r.citation;
  return (
    <section className="ill">
      <IllBack />
      <h1>
        <span className="muted small">{r.hrid} </span>
        {c.title}
      </h1>
      <p className="meta">
        <StateTag state={r.state} flags={r.flags} /> {t(`illSvc.${r.serviceType}`)}
        {r.currentLender ? ` · ${t('illLender')}: ${r.currentLender.name}` : ''}
      </p>
      {r.warnings.length ? (
        <div className="notice" role="status" data-testid="ill-warnings">
          {r.warnings.map((w) => (
            <p key={w.code}>{pick(w.message)}</p>
          ))}
        </div>
      ) : null}
      <div className="two-col">
        <section className="card">
          <h2>{t('illDetails')}</h2>
          <dl className="facts">
            <dt>{t('illPatron')}</dt>
            <dd>{r.patron ? `${r.patron.name} (${r.patron.memberNumber})` : '—'}</dd>
            <dt>{t('illPickup')}</dt>
            <dd>{r.pickup.name}</dd>
            <CitationFacts c={c} />
            {r.copyDelivery ? (
              <>
                <dt>{t('illDelivery')}</dt>
                <dd>{t(`illDelivery.${r.copyDelivery}`)}</dd>
              </>
            ) : null}
            <dt>{t('illNeededBy')}</dt>
            <dd>{r.neededBy ?? '—'}</dd>
            <dt>{t('illDue')}</dt>
            <dd data-testid="ill-due">{dateOf(r.dueAt)}</dd>
            <dt>{t('illRenewals')}</dt>
            <dd>{r.renewalCount}</dd>
            <dt>{t('illNote')}</dt>
            <dd>{r.note ?? '—'}</dd>
            <dt>{t('illRequestedBy')}</dt>
            <dd>
              {r.createdBy} · {dateOf(r.createdAt)}
            </dd>
            {r.copyright ? (
              <>
                <dt>{t('illCopyrightDeclared')}</dt>
                <dd>
                  {r.copyright.declaredBy} · {dateOf(r.copyright.declaredAt)}
                  <div className="small muted">{r.copyright.statement}</div>
                </dd>
              </>
            ) : null}
            {r.conditions ? (
              <>
                <dt>{t('illConditions')}</dt>
                <dd>
                  {r.conditions.conditions.join('; ')}
                  {r.conditions.note ? ` · ${r.conditions.note}` : ''}
                </dd>
              </>
            ) : null}
          </dl>
          {r.shippedAt || r.receivedAt ? (
            <p className="no-print">
              <Link to={`/ill/requests/${r.id}/return-label`}>{t('illReturnLabel')}</Link>
            </p>
          ) : null}
        </section>
        <RotaPanel r={r} onSaved={setR} />
      </div>
      <ActionPanel
        allowed={r.allowedActions}
        busy={busy}
        error={error}
        onAct={act}
        inputs={
          <>
            {r.allowedActions.includes('declareCopyright') ? (
              <Field label={t('illCopyrightStatement')}>
                <textarea
                  name="statement"
                  rows={3}
                  value={statement}
                  placeholder={t('illCopyrightDefault')}
                  onChange={(e) => setStatement(e.target.value)}
                />
              </Field>
            ) : null}
            {r.allowedActions.includes('resend') ? (
              <ResendLenders r={r} list={resendTo} onChange={setResendTo} />
            ) : null}
            <Field label={t('illNote')}>
              <textarea name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
            </Field>
          </>
        }
      />
      <CopyFiles files={r.copyFiles} base={`/api/v1/ill/requests/${r.id}`} />
      <Charges charges={r.charges} canSettle={false} onChange={reload} />
      <Timeline entries={r.timeline} />
    </section>
  );
}

/** The lending library's page of a request it received. */
export function IllLendingPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { me } = useSession();
  const [s, loadError, reload, setS] = useDetail<SupplierDetail>(
    `/api/v1/ill/supplier-requests/${encodeURIComponent(id)}`,
  );
  const [f, setF] = useState({ note: '', dueDate: '', reason: '', conditions: '', itemId: '', damaged: false });
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function act(action: string) {
    setError(null);
    setBusy(true);
    const body: Record<string, unknown> = {};
    if (f.note.trim()) body.note = f.note.trim();
    if ((action === 'ship' || action === 'approveRenew') && f.dueDate) body.dueDate = f.dueDate;
    if (action === 'ship' && f.itemId) body.itemId = Number(f.itemId);
    if ((action === 'unfilled' || action === 'retryPossible') && f.reason.trim()) body.reason = f.reason.trim();
    if (action === 'offerConditions')
      body.conditions = f.conditions
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean);
    if (action === 'checkIn') body.damaged = f.damaged;
    try {
      setS(await api<SupplierDetail>('POST', `/api/v1/ill/supplier-requests/${id}/actions/${action}`, body));
      setF({ note: '', dueDate: '', reason: '', conditions: '', itemId: '', damaged: false });
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.status === 409) reload();
    } finally {
      setBusy(false);
    }
  }

  async function upload(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setError(null);
    const form = new FormData();
    form.append('file', file);
    const csrf = currentCsrf();
    const res = await fetch(`/api/v1/ill/supplier-requests/${id}/copy-files`, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: csrf ? { 'x-csrf-token': csrf } : {},
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const er = data?.error;
      setError(
        new ApiError(
          res.status,
          er?.code ?? 'http_error',
          er?.message ?? { id: `Kesalahan ${res.status}`, en: `Error ${res.status}` },
          er?.details,
        ),
      );
      return;
    }
    setS(data as SupplierDetail);
    setFile(null);
  }

  if (!s) return loadError ? <ErrorBox error={loadError} /> : <p>{t('loading')}</p>;
  const c = s.citation;
  const a = s.allowedActions;
  const canUpload = s.serviceType === 'Copy' && s.copyDelivery !== 'paper' && a.includes('deliverCopy');
  return (
    <section className="ill">
      <IllBack />
      <h1>
        <span className="muted small">{s.hrid} </span>
        {c.title}
      </h1>
      <p className="meta">
        <StateTag state={s.state} flags={s.flags} /> {t(`illSvc.${s.serviceType}`)}
        {s.borrower ? ` · ${t('illBorrower')}: ${s.borrower.name}` : ` · ${s.requestingAgency.value}`}
      </p>
      <p className="actions no-print">
        <Link to={`/ill/lending/${s.id}/pick-slip`} className="button">
          {t('illPickSlip')}
        </Link>
        {s.serviceType === 'Loan' ? (
          <Link to={`/ill/lending/${s.id}/shipping-label`} className="button">
            {t('illShippingLabel')}
          </Link>
        ) : null}
      </p>
      <div className="two-col">
        <section className="card">
          <h2>{t('illDetails')}</h2>
          <dl className="facts">
            <dt>{t('illBorrowerRef')}</dt>
            <dd>
              <code>{s.requestingAgency.requestId}</code>
            </dd>
            <dt>{t('illPatronRef')}</dt>
            <dd>{s.patronRef ?? '—'}</dd>
            <CitationFacts c={c} />
            {s.copyDelivery ? (
              <>
                <dt>{t('illDelivery')}</dt>
                <dd>{t(`illDelivery.${s.copyDelivery}`)}</dd>
              </>
            ) : null}
            <dt>{t('illNeededBy')}</dt>
            <dd>{s.neededBy ?? '—'}</dd>
            <dt>{t('illDue')}</dt>
            <dd data-testid="ill-due">{dateOf(s.dueAt)}</dd>
            <dt>{t('illRenewals')}</dt>
            <dd>{s.renewalCount}</dd>
            <dt>{t('illPickup')}</dt>
            <dd>{s.pickupAddress ?? '—'}</dd>
            <dt>{t('illNote')}</dt>
            <dd>{s.note ?? '—'}</dd>
            {s.copyrightCompliance ? (
              <>
                <dt>{t('illCopyrightDeclared')}</dt>
                <dd>{s.copyrightCompliance}</dd>
              </>
            ) : null}
            {s.item ? (
              <>
                <dt>{t('illItem')}</dt>
                <dd>
                  <code>{s.item.barcode ?? s.item.id}</code> · {s.item.callNumber ?? ''} · {s.item.location ?? ''}
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        <ActionPanel
          allowed={a}
          busy={busy}
          error={error}
          onAct={act}
          inputs={
            <>
              {a.includes('ship') && s.availableItems.length ? (
                <Field label={t('illItem')}>
                  <select name="itemId" value={f.itemId} onChange={(e) => setF({ ...f, itemId: e.target.value })}>
                    <option value="">{t('illFirstAvailable')}</option>
                    {s.availableItems.map((i) => (
                      <option key={i.id} value={i.id}>
                        {i.barcode ?? i.id} {i.callNumber ? `· ${i.callNumber}` : ''}
                      </option>
                    ))}
                  </select>
                </Field>
              ) : null}
              {a.includes('ship') || a.includes('approveRenew') ? (
                <Field label={t('illDueDate')}>
                  <input
                    type="date"
                    name="dueDate"
                    value={f.dueDate}
                    title={t('illDueDateHint')}
                    onChange={(e) => setF({ ...f, dueDate: e.target.value })}
                  />
                </Field>
              ) : null}
              {a.includes('unfilled') || a.includes('retryPossible') ? (
                <Field label={t('illReason')}>
                  <input name="reason" value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })} />
                </Field>
              ) : null}
              {a.includes('offerConditions') ? (
                <Field label={t('illConditions')}>
                  <textarea
                    name="conditions"
                    rows={2}
                    value={f.conditions}
                    onChange={(e) => setF({ ...f, conditions: e.target.value })}
                  />
                </Field>
              ) : null}
              {a.includes('checkIn') ? (
                <label className="check">
                  <input
                    type="checkbox"
                    checked={f.damaged}
                    onChange={(e) => setF({ ...f, damaged: e.target.checked })}
                  />{' '}
                  {t('illDamaged')}
                </label>
              ) : null}
              <Field label={a.includes('checkIn') ? `${t('illNote')} / ${t('illCondition')}` : t('illNote')}>
                <textarea name="note" rows={2} value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />
              </Field>
            </>
          }
        />
      </div>
      {canUpload ? (
        <form className="card filters no-print" onSubmit={upload}>
          <Field label={t('illUploadCopy')}>
            <input
              type="file"
              name="file"
              accept="application/pdf,image/jpeg,image/png"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </Field>
          <button type="submit" disabled={!file}>
            {t('illUpload')}
          </button>
        </form>
      ) : null}
      <CopyFiles files={s.copyFiles} base={`/api/v1/ill/supplier-requests/${s.id}`} />
      <Charges charges={s.charges} canSettle={me?.libraryId === s.lender.id} onChange={reload} />
      <Timeline entries={s.timeline} />
    </section>
  );
}
