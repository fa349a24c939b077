import { useEffect, useRef, useState } from 'react';
import { TicketReceiptSchema, type TicketReceipt } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { formatDateTime, useT } from '../i18n/i18n';
import { formatExpectedWait, serviceName } from '../queue/format';
import { useStore } from '../store/store';
import { DeviceGate, DeviceHeader, type DeviceSession } from './DeviceGate';

const RECEIPT_SECONDS = 15;

/** `/kiosk`: the ticket machine in the hall. */
export function KioskPage() {
  return (
    <DeviceGate page="kiosk" title="kiosk.title">
      {(session) => <Kiosk session={session} />}
    </DeviceGate>
  );
}

function Kiosk({ session }: { session: DeviceSession }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [receipt, setReceipt] = useState<TicketReceipt | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const services = session.info.services;

  const take = (serviceCode: string): void => {
    setBusy(true);
    setError(null);
    session
      .request('POST', '/api/v1/device/tickets', TicketReceiptSchema, { serviceCode })
      .then(setReceipt)
      .catch((e: unknown) => setError(e))
      .finally(() => setBusy(false));
  };

  return (
    <main className="device-page kiosk" data-device-page="kiosk">
      <DeviceHeader session={session} title={t('kiosk.title')} />
      {receipt ? (
        <Receipt session={session} receipt={receipt} onDone={() => setReceipt(null)} />
      ) : (
        <>
          <p className="kiosk-prompt">{t('kiosk.choose')}</p>
          {error !== null && (
            <p className="error device-error" role="alert">
              {describeError(lang, error)}
            </p>
          )}
          <div className="kiosk-services" aria-busy={busy}>
            {services.map((s) => (
              <button
                key={s.code}
                type="button"
                className="kiosk-service"
                data-service-code={s.code}
                disabled={busy}
                onClick={() => take(s.code)}
              >
                <span className="kiosk-service-name" lang="vi">
                  {s.vi}
                </span>
                {lang === 'en' && (
                  <span className="kiosk-service-sub" lang="en">
                    {s.en}
                  </span>
                )}
              </button>
            ))}
          </div>
          {services.length === 0 && <p className="empty">{t('kiosk.noServices')}</p>}
        </>
      )}
    </main>
  );
}

/** The ticket, large; printable on its own; back to the service buttons after 15 s. */
function Receipt({
  session,
  receipt,
  onDone,
}: {
  session: DeviceSession;
  receipt: TicketReceipt;
  onDone: () => void;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [left, setLeft] = useState(RECEIPT_SECONDS);
  const doneRef = useRef(onDone);
  doneRef.current = onDone;
  const backRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    backRef.current?.focus();
    const started = Date.now();
    const timer = setInterval(() => {
      const remaining = RECEIPT_SECONDS - Math.floor((Date.now() - started) / 1000);
      if (remaining <= 0) doneRef.current();
      else setLeft(remaining);
    }, 250);
    return () => clearInterval(timer);
  }, [receipt.ticketId]);

  return (
    <section className="receipt-screen" aria-labelledby="receipt-title">
      <div className="receipt" data-ticket-number={receipt.ticketNumber} role="status">
        <div className="receipt-department">{session.info.department.name}</div>
        <h2 id="receipt-title" className="receipt-label">
          {t('kiosk.yourNumber')}
        </h2>
        <div className="receipt-number">{receipt.ticketNumber}</div>
        <div className="receipt-service">{serviceName(lang, receipt.serviceCode, session.info.services)}</div>
        <dl className="receipt-facts">
          <dt>{t('kiosk.ahead')}</dt>
          <dd data-fact="ahead">{receipt.waitingAhead}</dd>
          <dt>{t('queue.expectedWait')}</dt>
          <dd data-fact="expected-wait">{formatExpectedWait(lang, receipt.expectedWait)}</dd>
          <dt>{t('kiosk.issuedAt')}</dt>
          <dd>{formatDateTime(lang, receipt.issuedAt)}</dd>
        </dl>
        <p className="receipt-note">{t('kiosk.note')}</p>
      </div>
      <div className="receipt-actions no-print">
        <button type="button" className="big" onClick={() => window.print()} data-action="print">
          {t('kiosk.print')}
        </button>
        <button type="button" className="big" ref={backRef} onClick={onDone} data-action="back">
          {t('kiosk.back', { seconds: left })}
        </button>
      </div>
    </section>
  );
}
