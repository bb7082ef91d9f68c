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
});
