import { describe, expect, it } from 'vitest';
import { parseIssues } from './api.ts';

describe('server issues', () => {
  it('are read as {path, message} whether objects or "path: message" strings', () => {
    expect(
      parseIssues([
        { path: 'host.memcgLimitMiB', message: 'too small' },
        { path: ['guest', 'memoryMiB'], message: 'x' },
        'workload.hotMiB: hot set lies outside',
        '(scenario): bad',
      ]),
    ).toEqual([
      { path: 'host.memcgLimitMiB', message: 'too small' },
      { path: 'guest.memoryMiB', message: 'x' },
      { path: 'workload.hotMiB', message: 'hot set lies outside' },
      { path: '', message: 'bad' },
    ]);
    expect(parseIssues(undefined)).toEqual([]);
  });
});
