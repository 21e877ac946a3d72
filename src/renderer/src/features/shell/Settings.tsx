// The operator's settings (kept in this browser): confirmations and the layout. The time zone sits in
// the top bar beside the clock, where its effect shows.
import { useEffect, useRef, useState } from 'react';
import {
  resetLayout,
  setConfirmClose,
  setConfirmOwnTickets,
  setTimeZone,
  type TimeZoneSetting,
  useSettings,
} from '../../store/settings.ts';

function SettingsDialog(props: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmOwnTickets = useSettings((s) => s.confirmOwnTickets);
  const confirmClose = useSettings((s) => s.confirmClose);
  useEffect(() => {
    if (ref.current && !ref.current.open) ref.current.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label="Settings"
      onClose={props.onClose}
      onCancel={props.onClose}
    >
      <h3>Settings</h3>
      <div className="settings-list">
        <label className="check">
          <input
            type="checkbox"
            checked={confirmOwnTickets}
            onChange={(e) => setConfirmOwnTickets(e.target.checked)}
          />
          Confirm my own tickets (a ticket waits in the approval queue)
        </label>
        <label className="check">
          <input type="checkbox" checked={confirmClose} onChange={(e) => setConfirmClose(e.target.checked)} />
          Ask before Close
        </label>
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={resetLayout}>
          Reset layout
        </button>
        <span className="spacer" />
        <button type="button" className="btn" onClick={() => ref.current?.close()}>
          Done
        </button>
      </div>
    </dialog>
  );
}

export function SettingsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn ghost settings-btn"
        aria-haspopup="dialog"
        title="Settings"
        onClick={() => setOpen(true)}
      >
        Settings
      </button>
      {open && <SettingsDialog onClose={() => setOpen(false)} />}
    </>
  );
}

export function TimeZoneSelect() {
  const zone = useSettings((s) => s.timeZone);
  return (
    <select
      className="zone-select"
      aria-label="Time zone"
      title="Every time on screen is shown in this zone"
      value={zone}
      onChange={(e) =>
        setTimeZone(e.target.value === 'exchange' ? 'exchange' : ('UTC' satisfies TimeZoneSetting))
      }
    >
      <option value="UTC">UTC</option>
      <option value="exchange">New York</option>
    </select>
  );
}
