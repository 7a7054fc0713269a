import { formatCountdown } from '../lib/format-countdown.ts';
import type { QuotaMeter as QuotaMeterModel } from '../lib/to-quota-meter.ts';

/** One usage window of the subscription: how full it is and when it resets. */
export function QuotaMeter({ meter }: { meter: QuotaMeterModel }) {
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
        {meter.resetsInMs == null ? 'Reset time not reported' : `Resets in ${formatCountdown(meter.resetsInMs)}`}
      </p>
    </div>
  );
}
