import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

/**
 * The content width of an element, followed with a ResizeObserver (`initial` until measured,
 * and during server rendering).
 */
export function useWidth<T extends HTMLElement>(initial: number): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = (w: number): void => {
      const px = Math.max(0, Math.floor(w));
      setWidth((old) => (old === px ? old : px));
    };
    measure(el.getBoundingClientRect().width);
    const ro = new ResizeObserver((entries) => {
      for (const e of entries) measure(e.contentRect.width);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
