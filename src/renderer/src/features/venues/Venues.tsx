// The Venues panel (venues.md "What the operator sees"): one row per venue with its connection state,
// RECONCILING while entries wait, latency, last reconciliation, rate budget in use, dead-man switch and
// credentials; `Test connection` answers with the latency or the problem. Credentials are write-only: the
// fields are never filled from anywhere, are cleared as soon as they are sent, and the engine only ever
// says whether a venue has them.
import { type FormEvent, useId, useMemo, useState } from 'react';
import type { CommandArgs, DeskView, VenueView } from '../../../../shared/contract.ts';
import { plainError } from '../../lib/errors.ts';
import { ask } from '../../store/actions.ts';
import { useConnection } from '../../store/connection.ts';
import { useTimeZone } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';
import { tradingBlock } from '../../store/trading-block.ts';
import { Panel } from '../shell/Panel.tsx';
import './venues.css';
import { deskFigures, deskStatus, heartbeatText } from './desk-view.ts';
import { credentialLabels, credentialsText, PAPER, stateLabel, venueFacts } from './venue-view.ts';

/** A venue name as the commands take it (the host checks it again). */
type VenueName = CommandArgs<'testVenue'>['venue'];

type Answer = { ok: true; text: string } | { ok: false; text: string } | null;

/** Venue commands need the engine link, not an ACTIVE trading state (a HALTED desk may test a venue). */
function useLinkBlock() {
  const connection = useConnection((s) => s.status);
  return useMemo(() => tradingBlock(connection, 'ACTIVE'), [connection]);
}

function AnswerLine(props: { answer: Answer }) {
  const { answer } = props;
  if (answer === null) return null;
  return answer.ok ? (
    <p role="status" className="venue-answer">
      {answer.text}
    </p>
  ) : (
    <p role="alert" className="venue-answer form-error">
      {answer.text}
    </p>
  );
}

function CredentialsForm(props: { venue: string }) {
  const { venue } = props;
  const id = useId();
  const block = useLinkBlock();
  const [apiKey, setApiKey] = useState('');
  const [apiSecret, setApiSecret] = useState('');
  const [sending, setSending] = useState(false);
  const [answer, setAnswer] = useState<Answer>(null);
  const ready = apiKey.trim() !== '' && apiSecret.trim() !== '';
  const labels = credentialLabels(venue);

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!ready || sending || block.blocked) return;
    const args = { venue: venue as VenueName, apiKey, apiSecret };
    // Out of the page's state before the answer: the values live nowhere in the renderer after this.
    setApiKey('');
    setApiSecret('');
    setSending(true);
    setAnswer(null);
    const result = await ask('setVenueCredentials', args);
    setSending(false);
    setAnswer(
      result.ok
        ? { ok: true, text: `Credentials saved for ${venue}` }
        : { ok: false, text: plainError(result.error) },
    );
  };

  return (
    <form className="venue-credentials" aria-label={`${venue} credentials`} onSubmit={(e) => void save(e)}>
      <label className="field" htmlFor={`${id}-key`}>
        <span>{labels.key}</span>
        <input
          id={`${id}-key`}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
        />
      </label>
      <label className="field" htmlFor={`${id}-secret`}>
        <span>{labels.secret}</span>
        <input
          id={`${id}-secret`}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          value={apiSecret}
          onChange={(e) => setApiSecret(e.target.value)}
        />
      </label>
      <button
        type="submit"
        className="btn mini"
        disabled={!ready || sending || block.blocked}
        title={
          block.why ??
          `Store the ${labels.key} and ${labels.secret} for ${venue} (they are never shown again)`
        }
      >
        Save
      </button>
      <AnswerLine answer={answer} />
    </form>
  );
}

function VenueRow(props: { venue: VenueView }) {
  const v = props.venue;
  const zone = useTimeZone();
  const mode = useTerminal((s) => s.host?.mode ?? 'PAPER');
  const block = useLinkBlock();
  const [testing, setTesting] = useState(false);
  const [answer, setAnswer] = useState<Answer>(null);
  const [editing, setEditing] = useState(false);
  const formId = useId();
  const needsCredentials = v.credentials !== 'none_needed' && v.name !== PAPER;

  const test = async (): Promise<void> => {
    setTesting(true);
    setAnswer(null);
    const result = await ask('testVenue', { venue: v.name as VenueName });
    setTesting(false);
    setAnswer(
      result.ok
        ? { ok: true, text: `${v.name} answered in ${Math.round(result.value.latencyMs)} ms` }
        : { ok: false, text: plainError(result.error) },
    );
  };

  return (
    <li className="venue" aria-label={v.name}>
      <div className="venue-line">
        <span className="venue-name">{v.name}</span>
        <span className={`badge venue-state ${v.state}`} title={v.detail}>
          {stateLabel(v.state)}
        </span>
        {v.reconciling && (
          <span
            className="badge venue-reconciling"
            title="Comparing Braid's orders and positions with the venue's: new entries wait until it is done"
          >
            RECONCILING <span className="venue-note">entries wait</span>
          </span>
        )}
        {v.live && (
          <span
            className={`badge ${mode === 'LIVE' ? 'mode-live' : 'mode-paper'}`}
            title={`Orders go to this venue now (${mode})`}
          >
            IN USE
          </span>
        )}
        <button
          type="button"
          className="btn mini venue-test"
          disabled={testing || block.blocked}
          title={block.why ?? `One round trip to ${v.name}`}
          onClick={() => void test()}
        >
          Test connection
        </button>
      </div>
      <div className="venue-line">
        <dl className="venue-facts">
          {venueFacts(v, zone).map((f) => (
            <div key={f.label} title={f.title}>
              <dt>{f.label}</dt>
              <dd className={f.warn ? 'num warn' : 'num'}>{f.value}</dd>
            </div>
          ))}
        </dl>
        <span className={v.credentials === 'missing' ? 'warn' : 'dim'}>{credentialsText(v.credentials)}</span>
        {needsCredentials && (
          <button
            type="button"
            className="btn mini"
            aria-expanded={editing}
            aria-controls={editing ? formId : undefined}
            onClick={() => setEditing((e) => !e)}
          >
            Set credentials
          </button>
        )}
      </div>
      {v.detail !== undefined && v.detail !== '' && <p className="venue-detail">{v.detail}</p>}
      <AnswerLine answer={answer} />
      {needsCredentials && editing && (
        <div id={formId}>
          <CredentialsForm venue={v.name} />
        </div>
      )}
    </li>
  );
}

const NO_VENUES: readonly VenueView[] = [];

/** The desk this engine is on: engines and heartbeats, then where the shared plans are. */
function DeskSection(props: { desk: DeskView }) {
  const { desk } = props;
  const now = useTerminal((s) => s.time);
  const at = Math.max(now, desk.at);
  return (
    <section className="desk" aria-label="Desk">
      <div className={desk.connected ? 'desk-status' : 'desk-status down'}>{deskStatus(desk)}</div>
      <ul className="desk-engines">
        {desk.engines.map((e) => (
          <li key={e.engine} className={e.alive ? 'alive' : 'dead'}>
            <span className="mono">{e.engine}</span>
            <span className="dim">{e.alive ? 'alive' : 'no heartbeat'}</span>
            <span className="num dim">{heartbeatText(e, at)}</span>
            <span className="num" title="Plans it holds">
              {e.holding}
            </span>
          </li>
        ))}
      </ul>
      <dl className="kv desk-figures">
        {deskFigures(desk).map((f) => (
          <div key={f.label} title={f.title}>
            <dt>{f.label}</dt>
            <dd className={f.warn ? 'num warn' : 'num'}>{f.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function Venues() {
  const venues = useTerminal((s) => s.host?.venues ?? NO_VENUES);
  const desk = useTerminal((s) => s.host?.desk);
  const loaded = useTerminal((s) => s.host !== null);
  const connected = venues.filter((v) => v.state === 'connected').length;
  return (
    <Panel
      title="Venues"
      meta={loaded ? <span>{`${connected} of ${venues.length} connected`}</span> : undefined}
    >
      {!loaded ? (
        <div className="empty">Waiting for the engine…</div>
      ) : (
        <>
          <ul className="venue-list">
            {venues.map((v) => (
              <VenueRow key={v.name} venue={v} />
            ))}
          </ul>
          {desk && <DeskSection desk={desk} />}
        </>
      )}
    </Panel>
  );
}
