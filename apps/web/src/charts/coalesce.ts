/**
 * Latest-wins coalescing for high-rate callbacks (Timeline's onScrub while dragging, chart hover):
 * however often the returned function is called, `fn` runs at most once per scheduled tick (an
 * animation frame by default) with the latest arguments.
 *
 *   const seekSoon = useMemo(() => latestWins((t: number) => send({ type: 'seek', time: t })), []);
 *   <Timeline onScrub={seekSoon} onScrubEnd={(t) => { seekSoon.cancel(); seek(t); }} … />
 */
export interface Coalesced<A extends unknown[]> {
  (...args: A): void;
  /** Drop a pending call. */
  cancel(): void;
  /** Run a pending call now. */
  flush(): void;
}

export function latestWins<A extends unknown[]>(
  fn: (...args: A) => void,
  schedule: (run: () => void) => unknown = (run) => requestAnimationFrame(run),
): Coalesced<A> {
  let pending: A | null = null;
  let scheduled = false;
  const run = (): void => {
    scheduled = false;
    const args = pending;
    pending = null;
    if (args) fn(...args);
  };
  const call = ((...args: A) => {
    pending = args;
    if (!scheduled) {
      scheduled = true;
      schedule(run);
    }
  }) as Coalesced<A>;
  call.cancel = () => {
    pending = null;
  };
  call.flush = () => {
    if (pending) run();
  };
  return call;
}
