import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, type Eligibility, type Page, type Patron } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { RotaEditor } from './Request.tsx';
import type { CitationPreview, RequestDetail, RotaProposal } from './types.ts';
import { fmt, IllBack, useLibraryOptions } from './Workspace.tsx';

interface Hit {
  clusterId: number;
  title: string;
  subtitle: string | null;
  authors: string[];
  year: number | null;
  holdingsCount: number;
  availableCount: number;
}

const EMPTY_CITATION = {
  title: '',
  author: '',
  isbn: '',
  issn: '',
  publisher: '',
  year: '',
  volume: '',
  issue: '',
};

/** How long typing must pause before the typed citation's rota is asked for. */
const PREVIEW_DELAY_MS = 400;

/** How the server matched a typed citation to the union catalog (src/ill/citation-match.ts). */
const MATCHED_BY = {
  isbn: 'illMatchedByIsbn',
  issn: 'illMatchedByIssn',
  title_author: 'illMatchedByTitleAuthor',
} as const;

/** " · authors · year" of a catalog record named in the preview. */
function describe(c: { authors: string[]; year: number | null }): string {
  return `${c.authors.length ? ` · ${c.authors.join('; ')}` : ''}${c.year ? ` · ${c.year}` : ''}`;
}

/** The citation's non-empty fields, trimmed: what is sent to the server. */
function typedFields(c: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(c)
      .map(([k, v]) => [k, v.trim()])
      .filter(([, v]) => v !== ''),
  );
}

function PatronPicker({ onPick }: { onPick(p: Patron): void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Patron[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function find(e: FormEvent) {
    e.preventDefault();
    if (!me?.libraryCode) return;
    setError(null);
    try {
      const r = await api<Page<Patron>>(
        'GET',
        `/api/v1/libraries/${encodeURIComponent(me.libraryCode)}/patrons?q=${encodeURIComponent(q)}&pageSize=10`,
      );
      setHits(r.items);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="stack" onSubmit={find} data-testid="patron-picker">
      <div className="filters">
        <Field label={t('illFindPatron')}>
          <input
            name="patronQuery"
            value={q}
            placeholder={t('illFindPatronHint')}
            onChange={(e) => setQ(e.target.value)}
          />
        </Field>
        <button type="submit">{t('search')}</button>
      </div>
      <ErrorBox error={error} />
      {hits && hits.length === 0 ? <p className="muted">{t('none')}</p> : null}
      <ul className="plain">
        {hits?.map((p) => (
          <li key={p.id}>
            {p.fullName} · <code>{p.memberNumber}</code>{' '}
            <button type="button" className="small-button" onClick={() => onPick(p)}>
              {t('illChoose')}
            </button>
          </li>
        ))}
      </ul>
    </form>
  );
}

function TitlePicker({ onPick }: { onPick(h: Hit): void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function find(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<{ hits: Hit[] }>('GET', `/api/v1/catalog/search?q=${encodeURIComponent(q)}&pageSize=10`);
      setHits(r.hits);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="stack" onSubmit={find} data-testid="title-picker">
      <div className="filters">
        <Field label={t('illFindTitle')}>
          <input name="titleQuery" value={q} onChange={(e) => setQ(e.target.value)} />
        </Field>
        <button type="submit">{t('search')}</button>
      </div>
      <ErrorBox error={error} />
      {hits && hits.length === 0 ? <p className="muted">{t('none')}</p> : null}
      <ul className="plain">
        {hits?.map((h) => (
          <li key={h.clusterId}>
            <strong>{h.title}</strong>
            {h.subtitle ? `: ${h.subtitle}` : ''}
            <span className="muted small">
              {' '}
              · {h.authors.join('; ')} {h.year ?? ''} · {fmt(t('illHeldBy'), { n: h.holdingsCount })}
            </span>{' '}
            <button type="button" className="small-button" onClick={() => onPick(h)}>
              {t('illChoose')}
            </button>
          </li>
        ))}
      </ul>
    </form>
  );
}

/** Staff make a request for a patron of their library: check, see the proposed lenders, adjust, send. */
export function IllNewRequestPage() {
  const { t, pick } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const libraries = useLibraryOptions();
  const [patron, setPatron] = useState<Patron | null>(null);
  const [elig, setElig] = useState<Eligibility | null>(null);
  const [mode, setMode] = useState<'catalog' | 'citation'>('catalog');
  const [title, setTitle] = useState<Hit | null>(null);
  const [citation, setCitation] = useState(EMPTY_CITATION);
  const [serviceType, setServiceType] = useState<'Loan' | 'Copy'>('Loan');
  const [part, setPart] = useState({ articleTitle: '', pages: '' });
  const [copyDelivery, setCopyDelivery] = useState<'file' | 'paper'>('file');
  const [copyright, setCopyright] = useState(false);
  const [neededBy, setNeededBy] = useState('');
  const [pickup, setPickup] = useState('');
  const [note, setNote] = useState('');
  const [proposal, setProposal] = useState<RotaProposal | null>(null);
  const [rota, setRota] = useState<Array<{ id: number; name: string }>>([]);
  const [rotaEdited, setRotaEdited] = useState(false);
  // A typed citation: the catalog record it matched (if any), the records it matched equally (then none is
  // chosen), and whether a newer preview is on its way.
  const [match, setMatch] = useState<CitationPreview['match']>(null);
  const [ambiguous, setAmbiguous] = useState<CitationPreview['ambiguous']>([]);
  const [previewPending, setPreviewPending] = useState(false);
  const shownCluster = useRef<number | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setElig(null);
    if (!patron) return;
    api<Eligibility>('GET', `/api/v1/patrons/${patron.id}/eligibility`).then(setElig, setError);
  }, [patron]);

  useEffect(() => {
    setProposal(null);
    setRota([]);
    setRotaEdited(false);
    if (!title || mode !== 'catalog') return;
    api<RotaProposal>('GET', `/api/v1/ill/lenders?clusterId=${title.clusterId}`).then((p) => {
      setProposal(p);
      setRota(p.rota.map((r) => ({ id: Number(r.libraryId), name: r.libraryName })));
    }, setError);
  }, [title, mode]);

  // The rota a typed citation would get if saved now, asked for once typing pauses. Staff's
  // reordering is kept while the citation still matches the same record (or none).
  const typedKey = JSON.stringify(typedFields(citation));
  useEffect(() => {
    if (mode !== 'citation') {
      shownCluster.current = undefined;
      setMatch(null);
      setAmbiguous([]);
      setPreviewPending(false);
      return;
    }
    const typed = JSON.parse(typedKey) as Record<string, string>;
    if (Object.keys(typed).length === 0) {
      shownCluster.current = undefined;
      setMatch(null);
      setAmbiguous([]);
      setProposal(null);
      setRota([]);
      setRotaEdited(false);
      setPreviewPending(false);
      return;
    }
    let live = true;
    setPreviewPending(true);
    const timer = setTimeout(() => {
      api<CitationPreview>('POST', '/api/v1/ill/requests/preview', { citation: typed }).then(
        (p) => {
          if (!live) return;
          const cluster = p.match?.clusterId ?? null;
          setMatch(p.match);
          setAmbiguous(p.ambiguous);
          setProposal(p.proposal);
          if (cluster !== shownCluster.current) {
            shownCluster.current = cluster;
            setRota(p.proposal.rota.map((r) => ({ id: Number(r.libraryId), name: r.libraryName })));
            setRotaEdited(false);
          }
          setPreviewPending(false);
        },
        (err) => {
          if (!live) return;
          setPreviewPending(false);
          setError(err);
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [typedKey, mode]);

  async function submit(send: boolean) {
    if (!patron) return;
    setError(null);
    setBusy(true);
    const typed = typedFields(citation);
    const parts = serviceType === 'Copy' ? Object.fromEntries(Object.entries(part).filter(([, v]) => v.trim())) : {};
    const body: Record<string, unknown> = {
      patronId: patron.id,
      serviceType,
      send,
      ...(mode === 'catalog' && title ? { clusterId: title.clusterId } : {}),
      ...(mode === 'citation' || Object.keys(parts).length
        ? { citation: { ...(mode === 'citation' ? typed : {}), ...parts } }
        : {}),
      ...(serviceType === 'Copy' ? { copyDelivery } : {}),
      ...(serviceType === 'Copy' && copyright ? { copyrightDeclaration: { accepted: true } } : {}),
      ...(neededBy ? { neededBy } : {}),
      ...(pickup ? { pickupLibraryId: Number(pickup) } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
      ...(rotaEdited ? { lenders: rota.map((l) => l.id) } : {}),
    };
    try {
      const r = await api<RequestDetail>('POST', '/api/v1/ill/requests', body);
      navigate(`/ill/requests/${r.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const move = (i: number, d: -1 | 1) => {
    const next = [...rota];
    const [x] = next.splice(i, 1);
    if (x) next.splice(i + d, 0, x);
    setRota(next);
    setRotaEdited(true);
  };
  const reasonsOf = (id: number) => {
    const r = proposal?.rota.find((x) => Number(x.libraryId) === id);
    return r?.reasons.length ? <div className="muted small">{r.reasons.map((x) => pick(x)).join('; ')}</div> : null;
  };
  const ready = patron && (mode === 'catalog' ? title : citation.title.trim());
  // The server refuses to send a request without lenders; saving it without sending is allowed.
  const nowhere = proposal !== null && proposal.rota.length === 0;
  const typedIsbn = citation.isbn.trim() !== '';

  return (
    <section className="ill">
      <IllBack />
      <h1>{t('illNewRequest')}</h1>

      <section className="card stack">
        <h2>{t('illPatron')}</h2>
        {patron ? (
          <div data-testid="chosen-patron">
            <strong>{patron.fullName}</strong> · <code>{patron.memberNumber}</code>{' '}
            <button type="button" className="small-button" onClick={() => setPatron(null)}>
              {t('illChange')}
            </button>
            {elig ? (
              <p className={elig.privileges.ill_request ? 'avail' : 'bad'} data-testid="ill-eligibility">
                {elig.privileges.ill_request ? t('illEligible') : t('illNotEligible')} · {pick(elig.summary)}
              </p>
            ) : null}
          </div>
        ) : (
          <PatronPicker onPick={setPatron} />
        )}
      </section>

      <section className="card stack">
        <h2>{t('illTitleFrom')}</h2>
        <fieldset className="filters">
          <label className="check">
            <input type="radio" name="mode" checked={mode === 'catalog'} onChange={() => setMode('catalog')} />{' '}
            {t('illFromCatalog')}
          </label>
          <label className="check">
            <input type="radio" name="mode" checked={mode === 'citation'} onChange={() => setMode('citation')} />{' '}
            {t('illTypedCitation')}
          </label>
        </fieldset>
        {mode === 'catalog' ? (
          title ? (
            <div data-testid="chosen-title">
              <strong>{title.title}</strong> <span className="muted">{title.authors.join('; ')}</span>{' '}
              <button type="button" className="small-button" onClick={() => setTitle(null)}>
                {t('illChange')}
              </button>
            </div>
          ) : (
            <TitlePicker onPick={setTitle} />
          )
        ) : (
          <div className="grid2">
            {(
              [
                ['title', 'illTitleCol'],
                ['author', 'illAuthor'],
                ['isbn', 'illIsbn'],
                ['issn', 'illIssn'],
                ['publisher', 'illPublisher'],
                ['year', 'illYear'],
                ['volume', 'illVolume'],
                ['issue', 'illIssue'],
              ] as const
            ).map(([k, label]) => (
              <Field key={k} label={t(label)}>
                <input
                  name={`citation.${k}`}
                  value={citation[k]}
                  required={k === 'title'}
                  onChange={(e) => setCitation({ ...citation, [k]: e.target.value })}
                />
              </Field>
            ))}
          </div>
        )}
      </section>

      <section className="card stack">
        <h2>{t('illServiceType')}</h2>
        <fieldset className="filters">
          <label className="check">
            <input
              type="radio"
              name="serviceType"
              checked={serviceType === 'Loan'}
              onChange={() => setServiceType('Loan')}
            />{' '}
            {t('illLoan')}
          </label>
          <label className="check">
            <input
              type="radio"
              name="serviceType"
              checked={serviceType === 'Copy'}
              onChange={() => setServiceType('Copy')}
            />{' '}
            {t('illCopy')}
          </label>
        </fieldset>
        {serviceType === 'Copy' ? (
          <div className="grid2">
            <Field label={t('illArticle')}>
              <input
                name="articleTitle"
                value={part.articleTitle}
                onChange={(e) => setPart({ ...part, articleTitle: e.target.value })}
              />
            </Field>
            <Field label={t('illPages')}>
              <input name="pages" value={part.pages} onChange={(e) => setPart({ ...part, pages: e.target.value })} />
            </Field>
            <Field label={t('illDelivery')}>
              <select value={copyDelivery} onChange={(e) => setCopyDelivery(e.target.value as 'file' | 'paper')}>
                <option value="file">{t('illDelivery.file')}</option>
                <option value="paper">{t('illDelivery.paper')}</option>
              </select>
            </Field>
            <label className="check">
              <input type="checkbox" checked={copyright} onChange={(e) => setCopyright(e.target.checked)} />{' '}
              {t('illCopyrightDefault')}
            </label>
          </div>
        ) : null}
        <div className="grid2">
          <Field label={t('illNeededBy')}>
            <input type="date" name="neededBy" value={neededBy} onChange={(e) => setNeededBy(e.target.value)} />
          </Field>
          <Field label={t('illPickupLibrary')}>
            <select name="pickup" value={pickup} onChange={(e) => setPickup(e.target.value)}>
              <option value="">{me?.libraryName ?? '—'}</option>
              {libraries
                .filter((l) => l.id !== me?.libraryId)
                .map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
            </select>
          </Field>
        </div>
        <Field label={t('illNote')}>
          <textarea name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </section>

      {(mode === 'catalog' && title) || mode === 'citation' ? (
        <section className="card stack" data-testid="ill-proposal">
          <h2>{t('illProposedRota')}</h2>
          {mode === 'citation' && previewPending ? (
            <p className="muted small" role="status">
              {t('illPreviewUpdating')}
            </p>
          ) : null}
          {mode === 'citation' && proposal ? (
            match ? (
              <p data-testid="citation-match" data-by={match.by}>
                {t(MATCHED_BY[match.by])} <strong>{match.title}</strong>
                <span className="muted">{describe(match)}</span>
              </p>
            ) : ambiguous.length ? (
              <div className="notice" data-testid="citation-ambiguous">
                <p>{t('illAmbiguous')}</p>
                <ul className="plain small">
                  {ambiguous.map((c) => (
                    <li key={c.clusterId}>
                      <strong>{c.title}</strong>
                      <span className="muted">{describe(c)}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ) : (
              <p className="notice" data-testid="citation-no-match">
                {typedIsbn ? t('illNoMatchIsbn') : t('illNoMatchNoIsbn')}
              </p>
            )
          ) : null}
          {mode === 'citation' && !proposal && !previewPending ? (
            <p className="muted">{t('illPreviewHint')}</p>
          ) : proposal ? (
            <>
              {proposal.warnings.map((w) => (
                <p key={w.code} className="notice" role="status" data-testid={`warning-${w.code}`}>
                  {pick(w.message)}
                </p>
              ))}
              {proposal.localAvailableCopies > 0 ? (
                <p className="notice">{fmt(t('illLocalCopies'), { n: proposal.localAvailableCopies })}</p>
              ) : null}
              {rota.length ? (
                <>
                  <p className="muted small">{t('illOwnRotaHint')}</p>
                  <RotaEditor
                    list={rota}
                    onMove={move}
                    onRemove={(i) => {
                      setRota(rota.filter((_, j) => j !== i));
                      setRotaEdited(true);
                    }}
                    notes={reasonsOf}
                  />
                </>
              ) : (
                <p className="muted" data-testid="no-lender">
                  {mode === 'citation' && !match ? null : `${t('illNoCandidates')} `}
                  {fmt(t('illNoLenderIfSaved'), { save: t('illSave'), send: t('illSaveSend') })}
                </p>
              )}
              {proposal.skipped.length ? (
                <details>
                  <summary>
                    {t('illSkipped')} ({proposal.skipped.length})
                  </summary>
                  <ul className="plain small">
                    {proposal.skipped.map((s) => (
                      <li key={s.libraryId}>
                        {s.libraryName}: {pick(s.reason)}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </>
          ) : (
            <p>{t('loading')}</p>
          )}
        </section>
      ) : null}

      <ErrorBox error={error} />
      <p className="actions">
        <button type="button" disabled={!ready || busy} onClick={() => submit(false)}>
          {t('illSave')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={!ready || busy || nowhere}
          title={nowhere ? t('illNoCandidates') : undefined}
          onClick={() => submit(true)}
        >
          {t('illSaveSend')}
        </button>
      </p>
    </section>
  );
}
