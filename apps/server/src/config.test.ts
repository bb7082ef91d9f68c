import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadConfig } from './config.ts';

describe('the configuration', () => {
  it('runs on its defaults with an empty environment', () => {
    expect(loadConfig({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.port).toBe(8080);
  });

  it('takes PORT, HOST and every limit from the environment', () => {
    const c = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      AGELAB_MAX_RUNS: '3',
      AGELAB_MAX_MESSAGE_BYTES: '1024',
    });
    expect(c).toMatchObject({ port: 9000, host: '127.0.0.1', maxRuns: 3, maxMessageBytes: 1024 });
  });

  it('refuses a value that is not a number in range, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      'PORT=eighty: expected a number from 0 to 65535',
    );
    expect(() => loadConfig({ AGELAB_MAX_RUNS: '0' })).toThrow(/AGELAB_MAX_RUNS=0/);
  });

  it('listens on 127.0.0.1 by default and takes the budgets, quotas and allowed hosts and origins (issue 14)', () => {
    expect(DEFAULT_CONFIG.host).toBe('127.0.0.1');
    expect(DEFAULT_CONFIG.maxPages).toBe(4 * 3 * 2 ** 20);
    const c = loadConfig({
      AGELAB_MAX_PAGES: '2000000',
      AGELAB_MAX_RUNS_PER_CLIENT: '2',
      AGELAB_MAX_FORKS_PER_CLIENT: '3',
      AGELAB_MAX_WORKLOAD_MIB: '64',
      AGELAB_ALLOWED_HOSTS: 'Lab.Example, other.example',
      AGELAB_ALLOWED_ORIGINS: 'http://a.example:8080',
    });
    expect(c).toMatchObject({
      maxPages: 2_000_000,
      maxRunsPerClient: 2,
      maxForksPerClient: 3,
      maxWorkloadMiB: 64,
      allowedHosts: ['lab.example', 'other.example'],
      allowedOrigins: ['http://a.example:8080'],
    });
  });
});
