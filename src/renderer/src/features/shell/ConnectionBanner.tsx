// The one banner across the terminal while the engine link is down: what happened, since when, and that
// trading buttons wait for it (each panel also marks itself stale).

import { clock } from '../../lib/format.ts';
import { DISCONNECTED_TEXT, useConnection } from '../../store/connection.ts';
import { useTimeZone } from '../../store/settings.ts';

export function ConnectionBanner() {
  const status = useConnection((s) => s.status);
  const attempt = useConnection((s) => s.attempt);
  const last = useConnection((s) => s.lastMessageAt);
  const refused = useConnection((s) => s.refused);
  const zone = useTimeZone();
  if (status !== 'reconnecting') return null;
  return (
    <div className="conn-banner" role="alert" aria-label={DISCONNECTED_TEXT}>
      <b>{DISCONNECTED_TEXT}</b>
      {refused ? (
        <span>
          The server answers but refuses this page's token (restarted with a new one?): open the address{' '}
          <code>braid serve</code> printed.
        </span>
      ) : (
        <span>
          {`Prices and positions are as of the last message${last === null ? '' : ` (${clock(last, zone)})`}; `}
          trading buttons are off until the engine answers again.
        </span>
      )}
      <span className="dim num">attempt {attempt}</span>
    </div>
  );
}
