import { useEffect, useState } from 'react';

/** The current time, re-rendered every `intervalMs` (countdowns); stops ticking when the component unmounts. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
