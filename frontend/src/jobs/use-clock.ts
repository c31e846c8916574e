import { useEffect, useState } from 'preact/hooks';

/** Date.now(), re-read every second while `ticking`. */
export function useClock(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

/** Sets the tab's title (`✓ exit 0 · make test — aws-exec`) while the component shows, and puts the plain one back after. */
export function useTabTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} — aws-exec`;
  }, [title]);
  useEffect(
    () => () => {
      document.title = 'aws-exec';
    },
    [],
  );
}
