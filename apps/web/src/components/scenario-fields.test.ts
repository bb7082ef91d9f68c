import { describe, expect, it } from 'vitest';
import { issueAnchor, leaves, setPath } from './scenario-fields.ts';

const s = {
  name: 'x',
  host: { memcgLimitMiB: 128, swapDevice: 'hdd' },
  workload: { type: 'mix', parts: [{ weight: 1 }] },
};

describe('scenario fields', () => {
  it('lists every leaf by the dotted path the server names', () => {
    expect(leaves(s).map((l) => l.path)).toEqual([
      'name',
      'host.memcgLimitMiB',
      'host.swapDevice',
      'workload.type',
      'workload.parts.0.weight',
    ]);
  });

  it('sets a leaf without touching the original', () => {
    const t = setPath(s, 'workload.parts.0.weight', 3);
    expect(leaves(t).find((l) => l.path === 'workload.parts.0.weight')?.value).toBe(3);
    expect(s.workload.parts[0].weight).toBe(1);
    expect(setPath(s, 'host.swapMiB', 5).host).toEqual({
      memcgLimitMiB: 128,
      swapDevice: 'hdd',
      swapMiB: 5,
    });
  });

  it('anchors an issue at its field, the nearest field below or above it, or the top', () => {
    const paths = leaves(s).map((l) => l.path);
    expect(issueAnchor('host.memcgLimitMiB', paths)).toBe('host.memcgLimitMiB');
    expect(issueAnchor('workload', paths)).toBe('workload.type');
    expect(issueAnchor('host.swapMiB', paths)).toBe('host.memcgLimitMiB');
    expect(issueAnchor('', paths)).toBe('');
    expect(issueAnchor('truth.hotWindowMs', paths)).toBe('');
  });
});
