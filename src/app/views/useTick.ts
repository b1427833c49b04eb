import { useEffect, useState } from 'react';

/** Re-renders every second while `on` (running clocks and time estimates). */
export function useTick(on: boolean): void {
  const [, setN] = useState(0);
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setN((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [on]);
}
