import { beforeEach, describe, expect, it, vi } from 'vitest';
import { onKey } from './keyboard.ts';
import { useConn, useUi } from './store.ts';

/** A keydown as the window sees it, from a target that is (or is inside) `selector`'s match. */
function key(k: string, inside: string | null, shiftKey = false) {
  const target = {
    tagName: inside ? 'BUTTON' : 'BODY',
    isContentEditable: false,
    closest: (sel: string) => (inside && sel.includes(inside) ? {} : null),
  };
  return {
    key: k,
    shiftKey,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    defaultPrevented: false,
    target,
    preventDefault: vi.fn(),
  } as unknown as KeyboardEvent & { preventDefault: ReturnType<typeof vi.fn> };
}

describe('keyboard shortcuts', () => {
  beforeEach(() => {
    // no socket in a unit test: the shortcut's message is simply not sent
    vi.stubGlobal('WebSocket', { OPEN: 1 });
    useConn.setState({ role: 'driver', run: null, welcome: null });
    useUi.setState({ lens: 'residency', helpOpen: false, editorOpen: false, forkAsk: false });
  });

  it('space plays from the page, but a focused button keeps its own Space', () => {
    const onPage = key(' ', null);
    onKey(onPage);
    expect(onPage.preventDefault).toHaveBeenCalled();
    const onButton = key(' ', '[role="button"]');
    onKey(onButton);
    expect(onButton.preventDefault).not.toHaveBeenCalled();
  });

  it('arrow keys inside a radio group, tabs or a slider move there, not the run', () => {
    const inLens = key('ArrowRight', '[role="radiogroup"]');
    onKey(inLens);
    expect(inLens.preventDefault).not.toHaveBeenCalled();
    const onPage = key('ArrowRight', null);
    onKey(onPage);
    expect(onPage.preventDefault).toHaveBeenCalled();
  });

  it('digits pick a lens wherever the focus is', () => {
    onKey(key('4', '[role="button"]'));
    expect(useUi.getState().lens).toBe('heat');
  });
});
