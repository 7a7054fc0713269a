import { formatCountdown } from '../lib/format-countdown.ts';
import { describeWhen } from '../lib/format-wait.ts';
import type { QuotaMeter as QuotaMeterModel } from '../lib/to-quota-meter.ts';

/**
 * One usage window of the subscription: how full it is and when it resets, in the reader's local time and as a
 * wait (issue 17).
 */
export function QuotaMeter({ meter, resetsAt, now }: { meter: QuotaMeterModel; resetsAt: string | null; now: number }) {
  const when = resetsAt == null ? null : describeWhen(resetsAt, now);
  const percent = meter.usedPercent;
  return (
    <div className={`quota-meter quota-meter-${meter.level}`}>
      <div className="quota-meter-header">
        <span className="quota-meter-label">{meter.label}</span>
        <span className="quota-meter-value">{percent == null ? 'unknown' : `${Math.round(percent)}% used`}</span>
      </div>
      {/* A native meter: the browser colours it by `low`/`high` and reads it out to assistive technology. */}
      <meter
        className="quota-meter-bar"
        aria-label={meter.label}
        min={0}
        max={100}
        low={70}
        high={99}
        optimum={0}
        value={percent ?? 0}
      >
        {percent == null ? 'unknown' : `${Math.round(percent)}%`}
      </meter>
      <p className="quota-meter-reset muted">
        {when != null
          ? `Resets ${when}`
          : meter.resetsInMs == null
            ? 'Reset time not reported'
            : `Resets in ${formatCountdown(meter.resetsInMs)}`}
      </p>
    </div>
  );
}
